package ws

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Client operations.
const (
	opSubscribe   = "subscribe"
	opUnsubscribe = "unsubscribe"
	opPing        = "ping"
)

// clientMessage is one message from the client.
type clientMessage struct {
	Op     string
	ID     []byte // raw JSON scalar, nil when absent
	Topics []string
	Since  *uint64
	Epoch  string
}

// errSyntax marks a frame that is not a JSON object (a protocol error, 4400);
// a *fieldError marks a well-formed message with a bad field (an error reply).
var errSyntax = errors.New("message is not a JSON object")

type fieldError struct{ field, msg string }

func (e *fieldError) Error() string { return e.field + ": " + e.msg }

// parseClientMessage decodes and validates one client frame.
func parseClientMessage(b []byte) (clientMessage, error) {
	var raw struct {
		Op     json.RawMessage `json:"op"`
		ID     json.RawMessage `json:"id"`
		Topics json.RawMessage `json:"topics"`
		Since  json.RawMessage `json:"since"`
		Epoch  json.RawMessage `json:"epoch"`
	}
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' || !json.Valid(b) {
		return clientMessage{}, errSyntax
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return clientMessage{}, errSyntax
	}
	var m clientMessage
	if err := decodeField("op", raw.Op, &m.Op); err != nil {
		return m, err
	}
	if len(raw.ID) > 0 && !bytes.Equal(raw.ID, []byte("null")) {
		if c := raw.ID[0]; c == '{' || c == '[' || len(raw.ID) > 64 {
			return m, &fieldError{"id", "must be a number or a string of at most 64 bytes"}
		}
		m.ID = raw.ID
	}
	switch m.Op {
	case opSubscribe, opUnsubscribe:
		err := m.decodeTopics(raw.Topics, raw.Since, raw.Epoch)
		return m, err
	case opPing:
		return m, nil
	}
	return m, fmt.Errorf("%w: unknown op %q", errUnknownOp, m.Op)
}

var errUnknownOp = errors.New("unknown op")

func (m *clientMessage) decodeTopics(topics, since, epoch json.RawMessage) error {
	if err := decodeField("topics", topics, &m.Topics); err != nil {
		return err
	}
	if len(m.Topics) == 0 {
		return &fieldError{"topics", "must list at least one topic"}
	}
	if len(since) > 0 && !bytes.Equal(since, []byte("null")) {
		var v uint64
		if err := json.Unmarshal(since, &v); err != nil {
			return &fieldError{"since", fmt.Sprintf("must be a non-negative integer seq, not %.32s", since)}
		}
		m.Since = &v
	}
	if len(epoch) > 0 && !bytes.Equal(epoch, []byte("null")) {
		if err := decodeField("epoch", epoch, &m.Epoch); err != nil {
			return err
		}
	}
	return nil
}

func decodeField(name string, raw json.RawMessage, dst any) error {
	if len(raw) == 0 {
		return &fieldError{name, "is required"}
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return &fieldError{name, fmt.Sprintf("has the wrong type (%s)", raw)}
	}
	return nil
}
