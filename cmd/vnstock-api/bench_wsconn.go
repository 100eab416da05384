package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/gobwas/ws"
)

// The load tool's WebSocket client. gobwas/ws does the handshake and frame
// headers; the frames themselves are cut out of whatever bytes a read
// returned, so one poller can serve thousands of connections (see
// bench_poll_linux.go) instead of a goroutine and two read system calls per
// delivered frame: the load tool shares the machine with the server it
// measures, and every cycle it spends is taken from that server.

// wsReadLimit bounds one message: the server splits batches at 32 KiB, so
// this only guards against a misbehaving server.
const wsReadLimit = 4 << 20

// wsWriteTimeout bounds one client write (subscribe, pong, close).
const wsWriteTimeout = 5 * time.Second

// errFrameTooLarge ends a connection whose server sent more than
// wsReadLimit in one message.
var errFrameTooLarge = errors.New("websocket: message larger than the read limit")

// benchWS is one WebSocket connection of the load tool. consume and
// everything it calls run on one goroutine at a time (the reader's);
// write may be called from any.
type benchWS struct {
	conn   net.Conn      // read by readUntil and readLoop
	out    wsOut         // written: conn, or the poller's own descriptor
	bytes  *atomic.Int64 // wire bytes read, framing included
	handle func([]byte) error

	pending []byte   // bytes of an incomplete frame
	msg     []byte   // the fragments of a message so far
	state   ws.State // client side, and fragmented while msg is open
	hdr     bytes.Reader

	wmu sync.Mutex
}

// wsOut is where a client's frames are written.
type wsOut interface {
	io.WriteCloser
	SetWriteDeadline(time.Time) error
}

// dialWS opens one WebSocket connection through the runner's dialer with
// the given subprotocols, recording the handshake time in st. Bytes the
// server sent right behind its handshake are kept for the first consume.
func (r *runner) dialWS(ctx context.Context, url string, st *clientStats, protocols []string) (*benchWS, error) {
	d := ws.Dialer{
		NetDial:   r.dialer.DialContext,
		Header:    ws.HandshakeHeaderHTTP(r.header),
		Protocols: protocols,
		Timeout:   r.cfg.connectTimeout,
	}
	start := time.Now()
	conn, br, _, err := d.Dial(ctx, url)
	st.dialTime = time.Since(start)
	if err != nil {
		var status ws.StatusError
		if errors.As(err, &status) {
			return nil, &httpStatusError{code: int(status)}
		}
		return nil, err
	}
	c := &benchWS{conn: conn, out: conn, bytes: &st.bytes, state: ws.StateClientSide}
	if br != nil {
		c.pending = make([]byte, br.Buffered())
		_, _ = io.ReadFull(br, c.pending) // buffered: cannot fail
		ws.PutReader(br)
	}
	return c, nil
}

// write sends one masked text frame.
func (c *benchWS) write(p []byte) error {
	return c.writeFrame(ws.NewTextFrame(p))
}

func (c *benchWS) writeFrame(f ws.Frame) error {
	b, err := ws.CompileFrame(ws.MaskFrame(f))
	if err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.out.SetWriteDeadline(time.Now().Add(wsWriteTimeout))
	_, err = c.out.Write(b)
	return err
}

// close sends a close frame with code 1000 and closes the connection.
func (c *benchWS) close(reason string) {
	_ = c.writeFrame(ws.NewCloseFrame(ws.NewCloseFrameBody(ws.StatusNormalClosure, reason)))
	_ = c.out.Close()
}

// consume takes bytes read from the connection: every complete frame in
// them (after what an earlier call left pending) is handled, and an
// incomplete one is kept. b is not retained. The error ends the connection:
// a protocol violation, the handler's error, or the server's close as a
// websocket.CloseError.
func (c *benchWS) consume(b []byte) error {
	c.bytes.Add(int64(len(b)))
	held := len(c.pending) > 0
	if held {
		c.pending = append(c.pending, b...)
		b = c.pending
	}
	used := 0
	for used < len(b) {
		h, n, err := c.header(b[used:])
		if err != nil {
			return err
		}
		if n == 0 || int64(len(b)-used-n) < h.Length {
			break // incomplete
		}
		end := used + n + int(h.Length)
		if err := c.frame(h, b[used+n:end]); err != nil {
			return err
		}
		used = end
	}
	switch {
	case used == len(b):
		c.pending = c.pending[:0]
		if cap(c.pending) > 64<<10 {
			c.pending = nil
		}
	case !held:
		c.pending = append(c.pending[:0], b[used:]...)
	case used > 0:
		c.pending = c.pending[:copy(c.pending, b[used:])]
	}
	return nil
}

// header decodes the frame header at the start of b and returns its size,
// or 0 when b does not hold the whole header yet.
func (c *benchWS) header(b []byte) (ws.Header, int, error) {
	c.hdr.Reset(b)
	h, err := ws.ReadHeader(&c.hdr)
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return h, 0, nil
	case err != nil:
		return h, 0, fmt.Errorf("websocket: %w", err)
	}
	if err := ws.CheckHeader(h, c.state); err != nil {
		return h, 0, fmt.Errorf("websocket: %w", err)
	}
	if h.Length > wsReadLimit {
		return h, 0, errFrameTooLarge
	}
	return h, len(b) - c.hdr.Len(), nil
}

// frame handles one whole frame whose header CheckHeader has accepted.
func (c *benchWS) frame(h ws.Header, p []byte) error {
	switch h.OpCode {
	case ws.OpPing:
		return c.writeFrame(ws.NewPongFrame(p))
	case ws.OpPong:
		return nil
	case ws.OpClose:
		code, reason := ws.ParseCloseFrameData(p)
		var echo []byte
		if code != 0 {
			echo = ws.NewCloseFrameBody(code, "")
		} else {
			code = ws.StatusNoStatusRcvd
		}
		_ = c.writeFrame(ws.NewCloseFrame(echo))
		return fmt.Errorf("read: %w", websocket.CloseError{Code: websocket.StatusCode(code), Reason: reason})
	}
	if !h.Fin || c.state.Fragmented() {
		return c.fragment(h, p)
	}
	return c.handle(p)
}

// fragment collects one frame of a fragmented message and handles the
// message with its last frame.
func (c *benchWS) fragment(h ws.Header, p []byte) error {
	if len(c.msg)+len(p) > wsReadLimit {
		return errFrameTooLarge
	}
	c.msg = append(c.msg, p...)
	if !h.Fin {
		c.state = c.state.Set(ws.StateFragmented)
		return nil
	}
	c.state = c.state.Clear(ws.StateFragmented)
	err := c.handle(c.msg)
	c.msg = c.msg[:0]
	if cap(c.msg) > 64<<10 {
		c.msg = nil
	}
	return err
}

// readLoop reads c on the calling goroutine until the connection ends (its
// error) or ctx does (nil). It is the reader where no poller is available.
func readLoop(ctx context.Context, c *benchWS) error {
	stop := context.AfterFunc(ctx, func() { _ = c.conn.SetReadDeadline(time.Now()) })
	defer stop()
	if err := c.consume(nil); err != nil {
		return err
	}
	buf := make([]byte, readPiece)
	for {
		n, err := c.conn.Read(buf)
		if n > 0 {
			if err := c.consume(buf[:n]); err != nil {
				return err
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
}

// readUntil reads c on the calling goroutine until done reports true, by
// deadline at the latest. Frames behind the one that made done true stay
// with c (pending, or already handled by the handler then in place).
func (c *benchWS) readUntil(deadline time.Time, done func() bool) error {
	if err := c.consume(nil); err != nil || done() {
		return err
	}
	defer func() { _ = c.conn.SetReadDeadline(time.Time{}) }()
	_ = c.conn.SetReadDeadline(deadline)
	var buf [4 << 10]byte
	for {
		n, err := c.conn.Read(buf[:])
		if n > 0 {
			if err := c.consume(buf[:n]); err != nil {
				return err
			}
			if done() {
				return nil
			}
		}
		if err != nil {
			return err
		}
	}
}
