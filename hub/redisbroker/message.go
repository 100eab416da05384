package redisbroker

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/vnstock-api/vnstock-api/hub"
)

// parseMessage decodes a message "<seq>:<ts>:<data>" of topic. Malformed
// input is an error, never a panic: Redis is shared and may hold anything.
func parseMessage(topic, msg string) (*hub.Event, error) {
	seqStr, rest, ok := strings.Cut(msg, ":")
	if !ok {
		return nil, errors.New("message has no seq")
	}
	tsStr, data, ok := strings.Cut(rest, ":")
	if !ok {
		return nil, errors.New("message has no ts")
	}
	seq, err := strconv.ParseUint(seqStr, 10, 64)
	if err != nil || seq == 0 {
		return nil, fmt.Errorf("message seq %q is not a positive integer", seqStr)
	}
	ts, err := strconv.ParseInt(tsStr, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("message ts %q is not an integer", tsStr)
	}
	return hub.NewEvent(topic, seq, ts, []byte(data)), nil
}

// parseMarker decodes a marker "<token>:<seq>".
func parseMarker(msg string) (token string, seq uint64, err error) {
	i := strings.LastIndexByte(msg, ':')
	if i < 0 {
		return "", 0, errors.New("marker has no seq")
	}
	seq, err = strconv.ParseUint(msg[i+1:], 10, 64)
	if err != nil {
		return "", 0, fmt.Errorf("marker seq %q is not an integer", msg[i+1:])
	}
	return msg[:i], seq, nil
}

// parseStreamID returns the seq of a history entry ID "<seq>-0".
func parseStreamID(id string) (uint64, error) {
	s, _, _ := strings.Cut(id, "-")
	seq, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("history entry ID %q is not <seq>-0", id)
	}
	return seq, nil
}
