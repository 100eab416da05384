package main

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// maxSources bounds --sources so that a typo in a range cannot allocate
// millions of addresses.
const maxSources = 4096

// parseSources parses --sources: a comma list of IP addresses and ranges
// (127.0.0.1-127.0.0.8, or the short form 127.0.0.1-8 for the last octet).
func parseSources(s string) ([]netip.Addr, error) {
	var out []netip.Addr
	for _, part := range splitList(s) {
		lo, hi, isRange := strings.Cut(part, "-")
		first, err := netip.ParseAddr(lo)
		if err != nil {
			return nil, fmt.Errorf("sources: %q is not an IP address", lo)
		}
		last := first
		if isRange {
			if last, err = parseRangeEnd(first, hi); err != nil {
				return nil, err
			}
		}
		for a := first; ; a = a.Next() {
			if len(out) == maxSources {
				return nil, fmt.Errorf("sources: more than %d addresses", maxSources)
			}
			out = append(out, a)
			if a == last {
				break
			}
		}
	}
	return out, nil
}

// parseRangeEnd parses the end of a range starting at first.
func parseRangeEnd(first netip.Addr, hi string) (netip.Addr, error) {
	last, err := netip.ParseAddr(hi)
	if err != nil && first.Is4() && !strings.ContainsAny(hi, ".:") {
		// Short form: only the last octet.
		b := first.As4()
		last, err = netip.ParseAddr(fmt.Sprintf("%d.%d.%d.%s", b[0], b[1], b[2], hi))
	}
	switch {
	case err != nil:
		return netip.Addr{}, fmt.Errorf("sources: %q is not an IP address", hi)
	case first.Is4() != last.Is4() || first.Zone() != last.Zone():
		return netip.Addr{}, fmt.Errorf("sources: %s-%s mixes address families", first, last)
	case last.Less(first):
		return netip.Addr{}, fmt.Errorf("sources: range %s-%s runs backwards", first, last)
	}
	return last, nil
}

// bytesKey carries a client's byte counter to the dialer through the
// request context.
type bytesKey struct{}

// benchDialer dials TCP from the --sources addresses in turn and counts the
// bytes each connection reads.
type benchDialer struct {
	sources []netip.Addr
	next    atomic.Uint64
	timeout time.Duration
}

// DialContext has the signature of http.Transport.DialContext.
func (d *benchDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	nd := net.Dialer{Timeout: d.timeout}
	if n := uint64(len(d.sources)); n > 0 {
		src := d.sources[(d.next.Add(1)-1)%n]
		nd.LocalAddr = &net.TCPAddr{IP: src.AsSlice(), Zone: src.Zone()}
		nd.Control = bindNoPort
	}
	c, err := nd.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	if ctr, ok := ctx.Value(bytesKey{}).(*atomic.Int64); ok {
		return &countingConn{Conn: c, n: ctr}, nil
	}
	return c, nil
}

// countingConn counts the bytes read from the socket: the HTTP upgrade
// response, WebSocket framing and payload, or the SSE stream as sent.
//
// It also reads the socket in large pieces. The client libraries read
// through 4 KiB buffers, and at a few hundred MB/s over loopback the load
// tool would otherwise spend most of its CPU on read system calls, CPU the
// server it measures shares. The piece buffer is pooled and held only while
// it has unread bytes, so idle clients keep none.
type countingConn struct {
	net.Conn
	n    *atomic.Int64
	buf  *[]byte // pooled; nil when empty
	r, w int     // unread bytes are (*buf)[r:w]
}

// readPiece is the most one read system call asks for.
const readPiece = 64 << 10

var piecePool = sync.Pool{New: func() any { b := make([]byte, readPiece); return &b }}

func (c *countingConn) Read(p []byte) (int, error) {
	if c.buf == nil {
		if len(p) >= readPiece {
			n, err := c.Conn.Read(p)
			c.n.Add(int64(n))
			return n, err
		}
		c.buf = piecePool.Get().(*[]byte)
		n, err := c.Conn.Read(*c.buf)
		c.n.Add(int64(n))
		c.r, c.w = 0, n
		if n == 0 {
			c.release()
			return 0, err
		}
	}
	n := copy(p, (*c.buf)[c.r:c.w])
	c.r += n
	if c.r == c.w {
		c.release()
	}
	return n, nil
}

func (c *countingConn) release() {
	piecePool.Put(c.buf)
	c.buf = nil
}
