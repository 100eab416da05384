// Package wsio is the socket side of the server's WebSocket endpoints
// (/v1/ws and GraphQL's): the connection under github.com/coder/websocket,
// which batches a frame sequence into one write system call and never makes
// a writer wait on a client (Conn), and a fixed pool of writer goroutines
// that serves every connection in rounds (Scheduler).
package wsio

import (
	"bufio"
	"bytes"
	"errors"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Per-connection buffer sizes. net/http hands a hijacked connection 4 KiB
// read and write buffers that would live as long as the connection; client
// frames are small and outgoing frames are collected in a pooled buffer, so
// small ones serve (an idle connection's memory is mostly these buffers).
const (
	readBufSize  = 256
	writeBufSize = 128
)

var sendPool = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// Conn is the hijacked connection under the WebSocket library. Between
// hold and release every write is collected in one pooled buffer, so that a
// batch of frames leaves in a single write system call whatever its size
// (the library's buffered writer would otherwise split a frame at each
// buffer's worth); outside of that, writes go straight through.
//
// release never waits for the client: what the socket cannot take at once
// stays, stalled, until flushStalled writes it, and any write in between
// goes after it.
type Conn struct {
	net.Conn
	timeout time.Duration   // bounds a write that waits for the client
	raw     syscall.RawConn // the descriptor under Conn, found once; nil: none

	mu      sync.Mutex
	holding bool
	buf     *[]byte // pooled while holding or stalled; nil otherwise
	off     int     // while stalled: (*buf)[off:] is still to be written
	// stall is set, under mu, while part of a batch waits for
	// flushStalled, and cleared once it is written; read without the lock,
	// so that a writer never waits behind a stalled write.
	stall atomic.Bool

	br    *bufio.Reader // the library's reader over this connection
	early []byte        // read before the socket: bytes that came with the upgrade request

	rmu     sync.Mutex // guards closing, and awaitData's look at br and early against it
	closing bool       // the close handshake may read: awaitData looks no more
}

// NewConn returns c as a Conn on which a write outside a batch waits for
// the client at most timeout. It is for a connection hijacked by other
// means than HijackWriter (the caller owns c and any bytes read before).
func NewConn(c net.Conn, timeout time.Duration) *Conn {
	raw, _ := rawConn(c)
	return &Conn{Conn: c, timeout: timeout, raw: raw}
}

// Read implements io.Reader for the library's reader: the early bytes
// first, then the socket. Only the connection's reading goroutine calls it.
func (c *Conn) Read(p []byte) (int, error) {
	if len(c.early) == 0 {
		return c.Conn.Read(p)
	}
	n := copy(p, c.early)
	c.early = c.early[n:]
	if len(c.early) == 0 {
		c.early = nil
	}
	return n, nil
}

// awaitData returns when a client frame can be read without waiting: bytes
// are buffered or the socket has some (or has ended). See rawWaitReadable.
//
// The buffers it looks at belong to the library's reader, which the reading
// goroutine alone uses, except during a close handshake: the library then
// reads on the closing goroutine. endAwait, called before that, makes
// awaitData leave them alone (the read that follows fails or sees the close).
func (c *Conn) AwaitData() {
	c.rmu.Lock()
	empty := !c.closing && len(c.early) == 0 && (c.br == nil || c.br.Buffered() == 0)
	c.rmu.Unlock()
	if empty {
		rawWaitReadable(c.raw)
	}
}

// endAwait is called before the connection's close handshake; see awaitData.
func (c *Conn) EndAwait() {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	c.closing = true
}

// hold starts collecting writes.
func (c *Conn) Hold() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.holding = true
}

// release writes what was collected since hold, as much as the socket takes
// without waiting; the rest stalls for flushStalled.
func (c *Conn) Release() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.holding = false
	if c.buf == nil {
		return nil
	}
	n, err := c.writeNow(*c.buf)
	if err == nil && n < len(*c.buf) {
		c.off = n
		c.stall.Store(true)
		return nil
	}
	c.putBuf()
	return err
}

// stalled reports whether part of a batch waits for, or is being written
// by, flushStalled. It does not wait.
func (c *Conn) Stalled() bool { return c.stall.Load() }

// flushStalled writes the stalled rest of a batch, waiting for the client
// at most timeout.
func (c *Conn) FlushStalled(timeout time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.flushStalledLocked(timeout)
}

func (c *Conn) flushStalledLocked(timeout time.Duration) error {
	if !c.stall.Load() {
		return nil
	}
	err := c.writeWithin((*c.buf)[c.off:], timeout)
	c.putBuf()
	c.stall.Store(false)
	return err
}

func (c *Conn) putBuf() {
	if cap(*c.buf) <= 256<<10 {
		*c.buf = (*c.buf)[:0]
		sendPool.Put(c.buf)
	}
	c.buf, c.off = nil, 0
}

// writeWithin writes all of b, waiting for the client at most timeout.
func (c *Conn) writeWithin(b []byte, timeout time.Duration) error {
	if err := c.Conn.SetWriteDeadline(time.Now().Add(timeout)); err != nil {
		return err
	}
	if _, err := c.Conn.Write(b); err != nil {
		return err
	}
	// writeNow fails on a passed deadline, as every write does.
	return c.Conn.SetWriteDeadline(time.Time{})
}

// writeNow writes what the socket takes of b without waiting for room:
// straight to the socket where the platform allows (rawWrite), else
// within noWait.
func (c *Conn) writeNow(b []byte) (int, error) {
	if n, ok, err := rawWrite(c.raw, b); ok {
		return n, err
	}
	if err := c.Conn.SetWriteDeadline(time.Now().Add(noWait)); err != nil {
		return 0, err
	}
	n, err := c.Conn.Write(b)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		err = nil
	}
	return n, err
}

// noWait is how long writeNow waits for room in the socket where it cannot
// write without waiting.
const noWait = time.Millisecond

// Write implements io.Writer for the library's buffered writer.
func (c *Conn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.holding {
		// A control frame (pong, close) from outside a batch: after what
		// is stalled, and within the write timeout, so that a client that
		// does not read cannot hold the library's frame lock for ever.
		if err := c.flushStalledLocked(c.timeout); err != nil {
			return 0, err
		}
		if err := c.writeWithin(p, c.timeout); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	if c.buf == nil {
		c.buf = sendPool.Get().(*[]byte)
	}
	*c.buf = append(*c.buf, p...)
	return len(p), nil
}

// HijackWriter gives the WebSocket library a connection with small buffers
// and write batching in place of the one net/http would hand over.
type HijackWriter struct {
	http.ResponseWriter
	// Timeout bounds a write that waits for the client: a control frame
	// written outside a batch (Conn.Write).
	Timeout time.Duration
	conn    *Conn // set by Hijack
}

// Conn is the connection Hijack handed over; nil before.
func (w *HijackWriter) Conn() *Conn { return w.conn }

// Hijack implements http.Hijacker.
func (w *HijackWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	nc, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	if err := brw.Writer.Flush(); err != nil {
		_ = nc.Close()
		return nil, nil, err
	}
	// The server's write timeout for the upgrade response would otherwise
	// stay on the connection; batches set their own (Conn.release).
	if err := nc.SetWriteDeadline(time.Time{}); err != nil {
		_ = nc.Close()
		return nil, nil, err
	}
	// Bytes the client sent after its request (a pipelined first message)
	// may already sit in net/http's reader: the connection reads them
	// first. (In a reader of ours, the library would move them out of the
	// buffer, where awaitData could not see them.)
	pending, _ := brw.Reader.Peek(brw.Reader.Buffered())
	w.conn = NewConn(nc, w.Timeout)
	w.conn.early = bytes.Clone(pending)
	br := bufio.NewReaderSize(w.conn, readBufSize)
	w.conn.br = br
	return w.conn, bufio.NewReadWriter(br, bufio.NewWriterSize(w.conn, writeBufSize)), nil
}

// Unwrap lets http.ResponseController reach the server's writer.
func (w *HijackWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// rawConn finds the descriptor under c, looking through wrappers that give
// the connection they wrap (Unwrap() net.Conn), as the per-IP limiting
// listener's connections do.
func rawConn(c net.Conn) (syscall.RawConn, bool) {
	for c != nil {
		if sc, ok := c.(syscall.Conn); ok {
			rc, err := sc.SyscallConn()
			return rc, err == nil
		}
		u, ok := c.(interface{ Unwrap() net.Conn })
		if !ok {
			break
		}
		c = u.Unwrap()
	}
	return nil, false
}
