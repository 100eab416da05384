package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/coder/websocket"
)

// GraphQL subscriptions over graphql-transport-ws: connection_init (with
// the API key in its payload), connection_ack, then one subscribe; every
// `next` message carries a list of items, and each item with a numeric
// "ts" counts as one delivered event, its latency measured from that ts.

const graphQLProtocol = "graphql-transport-ws"

var (
	graphQLPong       = []byte(`{"type":"pong"}`)
	suffixNext        = []byte(`"type":"next"}`)
	keyGraphQLTS      = []byte(`"ts":`)
	errGraphQLEnded   = errors.New("subscription ended by server")
	errGraphQLRefused = errors.New("connection_init refused")
)

// graphQLMessages returns the connection_init and subscribe messages.
func graphQLMessages(apiKey, query string) (init, sub []byte, err error) {
	payload := map[string]string{}
	if apiKey != "" {
		payload["apiKey"] = apiKey
	}
	if init, err = json.Marshal(map[string]any{"type": "connection_init", "payload": payload}); err != nil {
		return nil, nil, err
	}
	sub, err = json.Marshal(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]string{"query": query}})
	return init, sub, err
}

// runGraphQL is one GraphQL subscriber: dial, init, subscribe, report the
// connection through connected, then read until ctx ends or the server
// ends the subscription.
func (r *runner) runGraphQL(ctx context.Context, url string, st *clientStats, connected func()) {
	r.runSocket(ctx, url, st, connected, []string{graphQLProtocol}, r.graphQLStart, func(c *websocket.Conn) func([]byte) error {
		return func(b []byte) error {
			reply, err := st.graphQLMessage(b)
			if reply != nil && err == nil {
				err = c.Write(ctx, websocket.MessageText, reply)
			}
			return err
		}
	})
}

// graphQLStart sends connection_init, waits for connection_ack (answering
// pings meanwhile) and subscribes.
func (r *runner) graphQLStart(ctx context.Context, c *websocket.Conn) error {
	if err := c.Write(ctx, websocket.MessageText, r.gqlInit); err != nil {
		return err
	}
	actx, cancel := context.WithTimeout(ctx, r.cfg.connectTimeout)
	defer cancel()
	for {
		_, b, err := c.Read(actx)
		if err != nil {
			return err
		}
		switch graphQLType(b) {
		case "connection_ack":
			return c.Write(ctx, websocket.MessageText, r.gqlSub)
		case "ping":
			if err := c.Write(ctx, websocket.MessageText, graphQLPong); err != nil {
				return err
			}
		case "ka":
		default:
			return fmt.Errorf("%w: %.200s", errGraphQLRefused, b)
		}
	}
}

// graphQLType returns a message's type ("" when it is not a JSON object).
func graphQLType(b []byte) string {
	var m struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(b, &m) != nil {
		return ""
	}
	return m.Type
}

// graphQLMessage accounts one server message and returns the reply it
// needs, if any. The server writes payload, id, then type, so a `next`
// is recognised by its end without decoding it.
func (st *clientStats) graphQLMessage(b []byte) ([]byte, error) {
	if bytes.HasSuffix(b, suffixNext) {
		st.graphQLItems(b)
		return nil, nil
	}
	switch graphQLType(b) {
	case "next":
		st.graphQLItems(b)
	case "ping":
		return graphQLPong, nil
	case "pong", "ka":
	case "error":
		st.serverError(errorCode(b))
		return nil, errGraphQLEnded
	case "complete":
		return nil, errGraphQLEnded
	default:
		st.malformed++
	}
	return nil, nil
}

// graphQLItems counts the items of one `next` message: every "ts" with a
// number is an event published at that time (null: a value without a live
// stamp, not counted).
func (st *clientStats) graphQLItems(b []byte) {
	measuring := st.phase.Load() == phaseMeasure && st.hist != nil
	var now int64
	if measuring {
		now = st.measureNow()
	}
	n, all := 0, b
	for {
		i := bytes.Index(b, keyGraphQLTS)
		if i < 0 {
			break
		}
		b = b[i+len(keyGraphQLTS):]
		ts, ok := parseTS(b)
		if !ok {
			continue
		}
		n++
		st.eventsAll++
		if measuring {
			st.events++
			st.hist.record(now - ts*1000)
		}
	}
	if n == 0 && bytes.Contains(all, []byte(`"errors":`)) {
		st.serverError("graphql")
	}
}

// serverError counts an error message from the server by its code.
func (st *clientStats) serverError(code string) {
	if st.serverErrs == nil {
		st.serverErrs = map[string]int{}
	}
	st.serverErrs[code]++
}
