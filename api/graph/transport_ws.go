package graph

import (
	"bytes"
	"context"
	"encoding"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"

	"github.com/vnstock-api/vnstock-api/api/wsio"
)

// wsImplementation adapts github.com/coder/websocket to gqlgen's WebSocket
// transport with what gqlgen's own adapter lacks: a bound on every write. A
// client that stops reading then blocks its connection for at most
// writeTimeout before the socket is closed; it never holds a hub queue or
// another client. The Origin was checked before the upgrade (originAllowed).
type wsImplementation struct {
	writeTimeout time.Duration
	h            *Handler // its writer pool writes the shared subscriptions (pool.go)
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
	hw := &wsio.HijackWriter{ResponseWriter: w, Timeout: i.writeTimeout}
	c, err := websocket.Accept(hw, r, &opts)
	if err != nil {
		return nil, err
	}
	cn := &wsConn{c: c, nc: hw.Conn(), h: i.h, writeTimeout: i.writeTimeout, nextType: "data"}
	if c.Subprotocol() == "graphql-transport-ws" {
		cn.nextType = "next"
	}
	if sl := slotFrom(r.Context()); sl != nil {
		sl.conn.Store(cn)
	}
	cn.overrun = time.AfterFunc(time.Hour, func() { _ = c.CloseNow() })
	cn.overrun.Stop()
	return cn, nil
}

// wsConn is one accepted connection. gqlgen serializes its writes.
type wsConn struct {
	c            *websocket.Conn
	writeTimeout time.Duration
	overrun      *time.Timer // armed during a write: closes the connection when it takes too long
	buf          []byte      // the frame being written, reused

	mu       sync.Mutex
	deadline *time.Timer
	closing  bool // a close handshake was started

	// The writer pool's side (pool.go).
	h        *Handler
	nc       *wsio.Conn  // under c; nil when the connection was not hijacked through wsio (no pool)
	nextType string      // the protocol's data message: "next" (graphql-transport-ws) or "data" (graphql-ws)
	lastID   string      // the id of the last subscribe/start message read (reading goroutine only)
	w        wsio.Writer // queues the connection on the handler's scheduler, from the first attach
	pooled   atomic.Bool // a subscription was attached: gqlgen's writes go through the pool
	ending   atomic.Bool // the connection is closing: the pool writes no more
	pmu      sync.Mutex  // guards subs and queue; held while the pool writes a batch
	subs     []*sharedSub
	queue    [][]byte // gqlgen's messages, waiting for the pool
	msg      []byte   // the pool's message buffer (pmu)
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
	c.noteID(data)
	return int(typ), bytes.NewReader(data), nil
}

// WriteJSON writes one message within writeTimeout; past it the
// connection is closed, which fails the write. (A timer armed per write
// costs far less than a context with a deadline per write.)
func (c *wsConn) WriteJSON(v any) error {
	b, ok := appendMessage(c.buf[:0], v)
	if !ok {
		var err error
		if b, err = json.Marshal(v); err != nil {
			return err
		}
	}
	if c.enqueue(b) {
		return nil
	}
	c.overrun.Reset(c.writeTimeout)
	err := c.c.Write(context.Background(), websocket.MessageText, b)
	c.overrun.Stop()
	if cap(b) <= 64<<10 {
		c.buf = b
	}
	return err
}

// appendMessage encodes gqlgen's WebSocket message (a struct of Payload
// json.RawMessage, ID string and a Type with MarshalText, in that order) as
// encoding/json would, without re-validating the payload gqlgen encoded
// already. It reports false for any other shape.
func appendMessage(b []byte, v any) ([]byte, bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return b, false
	}
	rv = rv.Elem()
	payload, id, typ := rv.FieldByName("Payload"), rv.FieldByName("ID"), rv.FieldByName("Type")
	if !payload.IsValid() || !id.IsValid() || !typ.IsValid() ||
		payload.Type() != reflect.TypeFor[json.RawMessage]() || id.Kind() != reflect.String || !typ.CanInterface() {
		return b, false
	}
	tm, ok := typ.Interface().(encoding.TextMarshaler)
	if !ok {
		return b, false
	}
	name, err := tm.MarshalText()
	if err != nil {
		return b, false
	}
	b = append(b, '{')
	if p := payload.Bytes(); len(p) > 0 {
		b = append(append(b, `"payload":`...), p...)
		b = append(b, ',')
	}
	return appendIDType(b, id.String(), string(name)), true
}

// appendIDType ends a message: its id (left out when empty) and type, as
// encoding/json writes gqlgen's message after the payload.
func appendIDType(b []byte, id, typ string) []byte {
	if id != "" {
		b = appendJSONString(append(b, `"id":`...), id)
		b = append(b, ',')
	}
	b = append(b, `"type":`...)
	b = appendJSONString(b, typ)
	return append(b, '}')
}

// appendJSONString quotes s for JSON: plain ASCII directly, anything else
// through encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// noteID remembers the id of a subscribe (graphql-transport-ws) or start
// (graphql-ws) message, for the operation gqlgen creates from it (opIDs).
func (c *wsConn) noteID(data []byte) {
	var m struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	}
	c.lastID = ""
	if json.Unmarshal(data, &m) == nil && (m.Type == "subscribe" || m.Type == "start") {
		c.lastID = m.ID
	}
}

// WriteClose starts the close handshake in the background: it waits for the
// peer's close frame, which a dead peer never sends.
func (c *wsConn) WriteClose(code int, msg string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopDeadlineLocked()
	c.overrun.Stop()
	if c.closing {
		return nil
	}
	c.closing = true
	c.endPool()
	go func() {
		c.flushQueued()
		_ = c.c.Close(websocket.StatusCode(code), msg)
	}()
	return nil
}

func (c *wsConn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopDeadlineLocked()
	c.overrun.Stop()
	if c.closing {
		return nil // the handshake goroutine closes the connection
	}
	c.closing = true
	c.endPool()
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
