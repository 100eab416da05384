package ws

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"time"
)

// Per-connection buffer sizes. net/http hands a hijacked connection 4 KiB
// read and write buffers that would live as long as the connection; client
// frames are small and outgoing frames are collected in a pooled buffer, so
// small ones serve (an idle connection's memory is mostly these buffers).
const (
	readBufSize  = 1 << 10
	writeBufSize = 512
)

var sendPool = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// batchConn is the hijacked connection under the WebSocket library. Between
// hold and release every write is collected in one pooled buffer, so that a
// batch of frames leaves in a single write system call whatever its size
// (the library's buffered writer would otherwise split a frame at each
// buffer's worth); outside of that, writes go straight through.
type batchConn struct {
	net.Conn
	mu      sync.Mutex
	holding bool
	buf     *[]byte // pooled while holding; nil otherwise
	// blocked, when set, is called (on the writing goroutine) when a batch
	// has to wait for the client to read before it can all be written.
	blocked func()
}

// hold starts collecting writes.
func (c *batchConn) hold() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.holding = true
}

// release writes what was collected since hold in one call, within timeout,
// and returns the buffer to the pool.
func (c *batchConn) release(timeout time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.holding = false
	if c.buf == nil {
		return nil
	}
	p := c.buf
	c.buf = nil
	defer func() {
		if cap(*p) <= 256<<10 {
			*p = (*p)[:0]
			sendPool.Put(p)
		}
	}()
	if len(*p) == 0 {
		return nil
	}
	deadline := time.Now().Add(timeout)
	b := *p
	if c.blocked != nil {
		// First without waiting: a client that is not reading must not keep
		// a writer's turn (see Config.Writers) while its socket drains.
		if err := c.Conn.SetWriteDeadline(time.Now().Add(noWait)); err != nil {
			return err
		}
		n, err := c.Conn.Write(b)
		if err == nil || !errors.Is(err, os.ErrDeadlineExceeded) {
			return err
		}
		b = b[n:]
		c.blocked()
	}
	if err := c.Conn.SetWriteDeadline(deadline); err != nil {
		return err
	}
	_, err := c.Conn.Write(b)
	return err
}

// noWait is how long a batch may wait for room in the socket before its
// writer gives up its turn.
const noWait = time.Millisecond

// Write implements io.Writer for the library's buffered writer.
func (c *batchConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.holding {
		if err := c.Conn.SetWriteDeadline(time.Time{}); err != nil {
			return 0, err
		}
		return c.Conn.Write(p)
	}
	if c.buf == nil {
		c.buf = sendPool.Get().(*[]byte)
	}
	*c.buf = append(*c.buf, p...)
	return len(p), nil
}

// hijackWriter gives the WebSocket library a connection with small buffers
// and write batching in place of the one net/http would hand over.
type hijackWriter struct {
	http.ResponseWriter
	conn *batchConn // set by Hijack
}

// Hijack implements http.Hijacker.
func (w *hijackWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	nc, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	if err := brw.Writer.Flush(); err != nil {
		_ = nc.Close()
		return nil, nil, err
	}
	// Bytes the client sent after its request (a pipelined first message)
	// may already sit in net/http's reader: they stay first in ours.
	pending, _ := brw.Reader.Peek(brw.Reader.Buffered())
	pending = bytes.Clone(pending)
	w.conn = &batchConn{Conn: nc}
	br := bufio.NewReaderSize(io.MultiReader(bytes.NewReader(pending), w.conn), max(readBufSize, len(pending)))
	if len(pending) > 0 {
		if _, err := br.Peek(len(pending)); err != nil {
			_ = nc.Close()
			return nil, nil, err
		}
	}
	return w.conn, bufio.NewReadWriter(br, bufio.NewWriterSize(w.conn, writeBufSize)), nil
}

// Unwrap lets http.ResponseController reach the server's writer.
func (w *hijackWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
