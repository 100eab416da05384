package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
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
	r.runSocket(ctx, url, st, connected, []string{graphQLProtocol}, r.graphQLStart, func(c *benchWS) func([]byte) error {
		return func(b []byte) error {
			reply, err := st.graphQLMessage(b)
			if reply != nil && err == nil {
				err = c.write(reply)
			}
			return err
		}
	})
}

// graphQLStart sends connection_init, waits for connection_ack (answering
// pings meanwhile) and subscribes. The handler in place when it is called
// takes every message from the ack on.
func (r *runner) graphQLStart(_ context.Context, c *benchWS) error {
	if err := c.write(r.gqlInit); err != nil {
		return err
	}
	next, acked := c.handle, false
	c.handle = func(b []byte) error {
		switch graphQLType(b) {
		case "connection_ack":
			c.handle, acked = next, true
			return c.write(r.gqlSub)
		case "ping":
			return c.write(graphQLPong)
		case "ka":
			return nil
		}
		return fmt.Errorf("%w: %.200s", errGraphQLRefused, b)
	}
	return c.readUntil(time.Now().Add(r.cfg.connectTimeout), func() bool { return acked })
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
