package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
)

// wsImplementation adapts github.com/coder/websocket to gqlgen's WebSocket
// transport with what gqlgen's own adapter lacks: a bound on every write. A
// client that stops reading then blocks its connection for at most
// writeTimeout before the socket is closed; it never holds a hub queue or
// another client. The Origin was checked before the upgrade (originAllowed).
type wsImplementation struct {
	writeTimeout time.Duration
}

func (i wsImplementation) Accept(w http.ResponseWriter, r *http.Request, o transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	for k, vs := range o.ResponseHeader {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	opts := websocket.AcceptOptions{
		InsecureSkipVerify: true, // the Origin was checked by originAllowed
		CompressionMode:    websocket.CompressionDisabled,
	}
	for _, p := range o.Subprotocols {
		if !slices.Contains(opts.Subprotocols, p) {
			opts.Subprotocols = append(opts.Subprotocols, p)
		}
	}
	c, err := websocket.Accept(w, r, &opts)
	if err != nil {
		return nil, err
	}
	return &wsConn{c: c, writeTimeout: i.writeTimeout}, nil
}

// wsConn is one accepted connection.
type wsConn struct {
	c            *websocket.Conn
	writeTimeout time.Duration

	mu       sync.Mutex
	deadline *time.Timer
	closing  bool // a close handshake was started
}

func (c *wsConn) NextReader() (int, io.Reader, error) {
	typ, data, err := c.c.Read(context.Background())
	if err != nil {
		switch websocket.CloseStatus(err) {
		case websocket.StatusNormalClosure, websocket.StatusNoStatusRcvd, websocket.StatusGoingAway:
			return int(typ), nil, transport.ErrWebsocketClosed
		}
		return int(typ), nil, err
	}
	return int(typ), bytes.NewReader(data), nil
}

// WriteJSON writes one message within writeTimeout; past it the library
// closes the connection.
func (c *wsConn) WriteJSON(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.writeTimeout)
	defer cancel()
	return c.c.Write(ctx, websocket.MessageText, b)
}

// WriteClose starts the close handshake in the background: it waits for the
// peer's close frame, which a dead peer never sends.
func (c *wsConn) WriteClose(code int, msg string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopDeadlineLocked()
	if c.closing {
		return nil
	}
	c.closing = true
	go func() { _ = c.c.Close(websocket.StatusCode(code), msg) }()
	return nil
}

func (c *wsConn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopDeadlineLocked()
	if c.closing {
		return nil // the handshake goroutine closes the connection
	}
	c.closing = true
	return c.c.CloseNow()
}

func (c *wsConn) Subprotocol() string { return c.c.Subprotocol() }

func (c *wsConn) SetReadLimit(n int64) { c.c.SetReadLimit(n) }

// SetReadDeadline closes the connection at t unless a later call moves or
// clears (zero t) the deadline; gqlgen uses it to end a client that answers
// no ping.
func (c *wsConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopDeadlineLocked()
	if t.IsZero() {
		return nil
	}
	c.deadline = time.AfterFunc(time.Until(t), func() { _ = c.c.CloseNow() })
	return nil
}

func (c *wsConn) stopDeadlineLocked() {
	if c.deadline != nil {
		c.deadline.Stop()
		c.deadline = nil
	}
}
