package main

import (
	"context"
	"net/http"
	"strconv"
)

// runWS is one WebSocket client: dial, subscribe, report the connection
// through connected, then read until ctx ends or the server closes.
func (r *runner) runWS(ctx context.Context, url string, st *clientStats, connected func()) {
	subscribe := func(_ context.Context, c *benchWS) error { return c.write(r.subscribe) }
	r.runSocket(ctx, url, st, connected, nil, subscribe, func(*benchWS) func([]byte) error {
		if r.cfg.idle {
			return func([]byte) error { return nil }
		}
		return func(b []byte) error { st.frame(b); return nil }
	})
}

// runSocket is the life of one client over a WebSocket: dial with
// protocols, install the handler reply gives, start (subscribe), report the
// connection through connected, then read until ctx ends or the server
// closes.
func (r *runner) runSocket(ctx context.Context, url string, st *clientStats, connected func(), protocols []string,
	start func(context.Context, *benchWS) error, reply func(*benchWS) func([]byte) error) {
	c, err := r.dialWS(ctx, url, st, protocols)
	if err == nil {
		c.handle = reply(c)
		if err = start(ctx, c); err != nil {
			_ = c.conn.Close()
		}
	}
	if err != nil {
		st.err = err
		connected()
		return
	}
	st.connected = true
	st.alive.Store(true)
	connected()
	err = r.polls.readWS(ctx, c, st)
	st.alive.Store(false)
	c.close("bench done")
	if ctx.Err() == nil {
		st.err = err
	}
}

// httpStatusError is a handshake or SSE request answered with a non-success
// status.
type httpStatusError struct{ code int }

func (e *httpStatusError) Error() string {
	return "http " + strconv.Itoa(e.code) + " " + http.StatusText(e.code)
}
