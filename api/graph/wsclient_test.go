package graph

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// The two GraphQL WebSocket protocols.
const (
	protoTransport = "graphql-transport-ws"
	protoLegacy    = "graphql-ws"
)

// wsMsg is a message of either protocol.
type wsMsg struct {
	Type    string          `json:"type"`
	ID      string          `json:"id,omitempty"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// wsClient is a minimal client of both protocols: it answers pings and
// skips keep-alives unless asked for them.
type wsClient struct {
	t        testing.TB
	c        *websocket.Conn
	proto    string
	keepKA   bool // return keep-alive/ping messages from next
	received []wsMsg
}

func dialWS(t testing.TB, rawURL, proto string, header http.Header) (*wsClient, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	u := "ws" + strings.TrimPrefix(rawURL, "http")
	c, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{Subprotocols: []string{proto}, HTTPHeader: header})
	if err != nil {
		return nil, err
	}
	c.SetReadLimit(16 << 20)
	cl := &wsClient{t: t, c: c, proto: proto}
	t.Cleanup(func() { _ = c.CloseNow() })
	return cl, nil
}

// connect dials and completes connection_init with payload.
func connect(t testing.TB, rawURL, proto string, payload map[string]any) *wsClient {
	t.Helper()
	cl, err := dialWS(t, rawURL, proto, nil)
	if err != nil {
		t.Fatal(err)
	}
	cl.init(payload)
	if m := cl.next(); m.Type != "connection_ack" {
		t.Fatalf("after connection_init: %+v", m)
	}
	return cl
}

func (c *wsClient) send(m wsMsg) {
	c.t.Helper()
	b, _ := json.Marshal(m)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.c.Write(ctx, websocket.MessageText, b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

func (c *wsClient) init(payload map[string]any) {
	p, _ := json.Marshal(payload)
	c.send(wsMsg{Type: "connection_init", Payload: p})
}

// subscribe starts an operation.
func (c *wsClient) subscribe(id, query string, vars map[string]any) {
	p, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	typ := "subscribe"
	if c.proto == protoLegacy {
		typ = "start"
	}
	c.send(wsMsg{Type: typ, ID: id, Payload: p})
}

// stop ends an operation.
func (c *wsClient) stop(id string) {
	typ := "complete"
	if c.proto == protoLegacy {
		typ = "stop"
	}
	c.send(wsMsg{Type: typ, ID: id})
}

// next returns the next message within 10s, answering pings on the way.
func (c *wsClient) next() wsMsg {
	c.t.Helper()
	m, err := c.read(10 * time.Second)
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return m
}

func (c *wsClient) read(timeout time.Duration) (wsMsg, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		_, b, err := c.c.Read(ctx)
		if err != nil {
			return wsMsg{}, err
		}
		var m wsMsg
		if err := json.Unmarshal(b, &m); err != nil {
			return wsMsg{}, err
		}
		if m.Type == "ping" {
			c.send(wsMsg{Type: "pong"})
		}
		if !c.keepKA && (m.Type == "ka" || m.Type == "ping" || m.Type == "pong") {
			continue
		}
		c.received = append(c.received, m)
		return m, nil
	}
}

// dataType is the type of a result message in c's protocol.
func (c *wsClient) dataType() string {
	if c.proto == protoLegacy {
		return "data"
	}
	return "next"
}

// nextData returns the data of the next result message of operation id,
// failing on anything else.
func (c *wsClient) nextData(id string) json.RawMessage {
	c.t.Helper()
	m := c.next()
	if m.Type != c.dataType() || m.ID != id {
		c.t.Fatalf("got %s %s %s, want %s of %s", m.Type, m.ID, m.Payload, c.dataType(), id)
	}
	var p struct {
		Data   json.RawMessage `json:"data"`
		Errors []gqlError      `json:"errors"`
	}
	if err := json.Unmarshal(m.Payload, &p); err != nil || len(p.Errors) > 0 {
		c.t.Fatalf("payload %s: %v", m.Payload, err)
	}
	return p.Data
}
