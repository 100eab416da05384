package graph

import (
	"encoding/json"
	"testing"
)

// msgType stands for gqlgen's message type names (they marshal as text).
type msgType int

func (t msgType) MarshalText() ([]byte, error) { return []byte([]string{"next", "ping", "ka"}[t]), nil }

// gqlgenMessage has the shape of gqlgen's WebSocket message structs.
type gqlgenMessage struct {
	Payload json.RawMessage `json:"payload,omitempty"`
	ID      string          `json:"id,omitempty"`
	Type    msgType         `json:"type"`
	noOp    bool
}

// appendMessage writes exactly what encoding/json writes for gqlgen's
// messages, and declines other shapes.
func TestAppendMessage(t *testing.T) {
	t.Parallel()
	for _, m := range []*gqlgenMessage{
		{Payload: json.RawMessage(`{"data":{"quotes":[{"symbol":"VNM","seq":1}]}}`), ID: "1", Type: 0},
		{Type: 1},
		{ID: "sub \"7\" <é>\n", Type: 0, Payload: json.RawMessage(`[]`)},
		{ID: "x", Type: 2, noOp: true},
	} {
		want, _ := json.Marshal(m)
		got, ok := appendMessage(nil, m)
		if !ok || string(got) != string(want) {
			t.Errorf("appendMessage = %s %v, want %s", got, ok, want)
		}
	}
	for _, v := range []any{map[string]int{"a": 1}, gqlgenMessage{}, &struct{ ID int }{}} {
		if _, ok := appendMessage(nil, v); ok {
			t.Errorf("appendMessage accepted %T", v)
		}
	}
}
