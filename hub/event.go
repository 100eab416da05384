// Package hub fans live events out to subscribers. It knows topics, one
// deployment-wide sequence, last values (snapshots), a bounded history for
// resume, and per-subscriber bounded queues where publishing never blocks:
// state topics conflate to their latest value, stream topics disconnect a
// subscriber whose queue passes its byte limit. It knows nothing of market
// types, HTTP, SQL or Redis; a Broker moves events between instances.
package hub

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Event is one published message with its deployment-wide sequence number.
// An Event is immutable once delivered and shared by every subscriber: its
// wire form is encoded once.
type Event struct {
	Topic string
	Seq   uint64
	TS    int64  // publish time, Unix milliseconds
	Data  []byte // the topic's JSON payload

	body []byte // `"topic":…,"seq":…,"ts":…,"data":…}`: the envelope after its type
}

// Envelope prefixes: an event line is eventPrefix + body, a snapshot line
// snapshotPrefix + body. Only the type differs, so the body is shared.
const (
	eventPrefix    = `{"type":"event",`
	snapshotPrefix = `{"type":"snapshot",`
)

// NewEvent returns an event with its wire form encoded. Brokers build every
// event with it, once, before the event is shared.
func NewEvent(topic string, seq uint64, ts int64, data []byte) *Event {
	e := &Event{Topic: topic, Seq: seq, TS: ts, Data: data}
	e.encode()
	return e
}

// encode fills e.body from the other fields.
func (e *Event) encode() {
	b := make([]byte, 0, len(e.Topic)+len(e.Data)+64)
	b = append(b, `"topic":`...)
	b = appendJSONString(b, e.Topic)
	b = append(b, `,"seq":`...)
	b = strconv.AppendUint(b, e.Seq, 10)
	b = append(b, `,"ts":`...)
	b = strconv.AppendInt(b, e.TS, 10)
	b = append(b, `,"data":`...)
	if len(e.Data) == 0 {
		b = append(b, "null"...)
	} else {
		b = append(b, e.Data...)
	}
	e.body = append(b, '}')
}

// AppendLine appends the event's envelope: `{"type":"event",…}`.
func (e *Event) AppendLine(b []byte) []byte {
	return append(append(b, eventPrefix...), e.body...)
}

// AppendSnapshot appends the event as a snapshot: `{"type":"snapshot",…}`.
func (e *Event) AppendSnapshot(b []byte) []byte {
	return append(append(b, snapshotPrefix...), e.body...)
}

// Kind is the part of the topic before the first colon (`quote` for
// `quote:VNM`); transports use it as the SSE event name.
func (e *Event) Kind() string { return TopicKind(e.Topic) }

// TopicKind returns the part of a topic before the first colon.
func TopicKind(topic string) string {
	if i := strings.IndexByte(topic, ':'); i >= 0 {
		return topic[:i]
	}
	return topic
}

// appendJSONString appends s quoted for JSON: control characters, quotes
// and backslashes escaped, invalid UTF-8 replaced by U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
		case c < utf8.RuneSelf:
			b = append(b, c)
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
			continue
		}
		i++
	}
	return append(b, '"')
}
