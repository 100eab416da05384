package main

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/coder/websocket"
)

// wsReadLimit bounds one frame: the server splits batches at 32 KiB, so this
// only guards against a misbehaving server.
const wsReadLimit = 4 << 20

// runWS is one WebSocket client: dial, subscribe, report the connection
// through connected, then read until ctx ends or the server closes.
func (r *runner) runWS(ctx context.Context, url string, st *clientStats, connected func()) {
	subscribe := func(ctx context.Context, c *websocket.Conn) error {
		return c.Write(ctx, websocket.MessageText, r.subscribe)
	}
	r.runSocket(ctx, url, st, connected, nil, subscribe, nil)
}

// runSocket is the life of one client over a WebSocket: dial with
// protocols, start (subscribe), report the connection through connected,
// then read with the handler reply gives (nil: none) until ctx ends or the
// server closes.
func (r *runner) runSocket(ctx context.Context, url string, st *clientStats, connected func(), protocols []string,
	start func(context.Context, *websocket.Conn) error, reply func(*websocket.Conn) func([]byte) error) {
	c, err := r.dialWS(ctx, url, st, protocols)
	if err == nil {
		defer closeWhenDone(ctx, c)()
		err = start(ctx, c)
	}
	if err != nil {
		st.err = err
		connected()
		return
	}
	st.connected = true
	st.alive.Store(true)
	connected()
	var handle func([]byte) error
	if reply != nil {
		handle = reply(c)
	}
	err = r.readWS(c, st, handle)
	st.alive.Store(false)
	if ctx.Err() == nil {
		st.err = err
	}
}

// dialWS opens one WebSocket connection, counting its bytes into st and
// recording the handshake time.
func (r *runner) dialWS(ctx context.Context, url string, st *clientStats, subprotocols []string) (*websocket.Conn, error) {
	dctx, cancel := context.WithTimeout(context.WithValue(ctx, bytesKey{}, &st.bytes), r.cfg.connectTimeout)
	defer cancel()
	start := time.Now()
	c, resp, err := websocket.Dial(dctx, url, &websocket.DialOptions{
		HTTPClient:      r.httpClient,
		HTTPHeader:      r.header,
		CompressionMode: websocket.CompressionDisabled,
		Subprotocols:    subprotocols,
	})
	st.dialTime = time.Since(start)
	if err != nil {
		return nil, dialError(err, resp)
	}
	c.SetReadLimit(wsReadLimit)
	return c, nil
}

// closeWhenDone closes c with 1000 when ctx ends, which ends a read in
// progress: reads run without a context (no per-frame timer). The returned
// function waits for that close, or closes c at once.
func closeWhenDone(ctx context.Context, c *websocket.Conn) func() {
	closed := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(closed)
		_ = c.Close(websocket.StatusNormalClosure, "bench done")
	})
	return func() {
		if !stop() {
			<-closed
		}
		_ = c.CloseNow()
	}
}

// readWS reads frames until the connection fails. Each frame goes to
// handle, or to st.frame when handle is nil; an error from handle ends the
// read.
func (r *runner) readWS(c *websocket.Conn, st *clientStats, handle func([]byte) error) error {
	for {
		_, rd, err := c.Reader(context.Background())
		if err != nil {
			return err
		}
		if r.cfg.idle && handle == nil {
			if _, err := io.Copy(io.Discard, rd); err != nil {
				return err
			}
			continue
		}
		bp := r.bufs.Get().(*[]byte)
		buf, err := readFrame(rd, (*bp)[:0])
		if err == nil {
			if handle == nil {
				st.frame(buf)
			} else {
				err = handle(buf)
			}
		}
		if cap(buf) <= 1<<20 {
			*bp = buf[:0]
			r.bufs.Put(bp)
		}
		if err != nil {
			return err
		}
	}
}

// readFrame appends everything rd holds to b, growing it as needed.
func readFrame(rd io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := rd.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// dialError attaches the HTTP status of a refused upgrade to err.
func dialError(err error, resp *http.Response) error {
	if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
		return &httpStatusError{code: resp.StatusCode}
	}
	return err
}

// httpStatusError is a handshake or SSE request answered with a non-success
// status.
type httpStatusError struct{ code int }

func (e *httpStatusError) Error() string {
	return "http " + strconv.Itoa(e.code) + " " + http.StatusText(e.code)
}
