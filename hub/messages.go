package hub

import (
	"errors"
	"strconv"
)

// TopicError is what Config.Expand returns to refuse a topic; Code becomes
// the `code` of the protocol's error message (`unknown_topic`,
// `invalid_topic`, `forbidden_topic`...).
type TopicError struct {
	Code    string
	Message string
}

func (e *TopicError) Error() string { return e.Message }

// errorCode returns the protocol code of an Expand error.
func errorCode(err error) string {
	var te *TopicError
	if errors.As(err, &te) && te.Code != "" {
		return te.Code
	}
	return "invalid_topic"
}

// AppendID appends `"id":<raw>,` when the request carried an id.
func appendID(b []byte, id []byte) []byte {
	if len(id) == 0 {
		return b
	}
	b = append(b, `"id":`...)
	b = append(b, id...)
	return append(b, ',')
}

// AckLine is the reply to a subscribe or unsubscribe.
func AckLine(id []byte, topics []string) []byte {
	b := append([]byte(nil), `{"type":"ack",`...)
	b = appendID(b, id)
	b = append(b, `"topics":[`...)
	for i, t := range topics {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, t)
	}
	return append(b, "]}"...)
}

// ErrorLine is the protocol's error message.
func ErrorLine(id []byte, code, message string) []byte {
	b := append([]byte(nil), `{"type":"error",`...)
	b = appendID(b, id)
	b = append(b, `"code":`...)
	b = appendJSONString(b, code)
	b = append(b, `,"message":`...)
	b = appendJSONString(b, message)
	return append(b, '}')
}

// RecoveredLine ends a resume: complete says whether every missed event was
// replayed.
func RecoveredLine(id []byte, from, to uint64, complete bool) []byte {
	b := append([]byte(nil), `{"type":"recovered",`...)
	b = appendID(b, id)
	b = append(b, `"from":`...)
	b = strconv.AppendUint(b, from, 10)
	b = append(b, `,"to":`...)
	b = strconv.AppendUint(b, to, 10)
	b = append(b, `,"complete":`...)
	b = strconv.AppendBool(b, complete)
	return append(b, '}')
}
