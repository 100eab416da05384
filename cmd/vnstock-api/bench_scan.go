package main

import (
	"bytes"
	"sync/atomic"
	"time"
)

// lineKind classifies one protocol message (one line of a WebSocket frame,
// or the data of one SSE event).
type lineKind uint8

const (
	lineEmpty lineKind = iota
	lineEvent
	lineSnapshot
	lineAck
	lineError
	lineOther // welcome, heartbeat, pong, recovered
	lineMalformed
)

var (
	prefixType     = []byte(`{"type":"`)
	prefixEvent    = []byte(`{"type":"event",`)
	prefixSnapshot = []byte(`{"type":"snapshot",`)
	prefixAck      = []byte(`{"type":"ack"`)
	prefixError    = []byte(`{"type":"error"`)
	keyTS          = []byte(`,"ts":`)
	keyTopic       = []byte(`"topic":"`)
	keySeq         = []byte(`,"seq":`)
	keyCode        = []byte(`"code":"`)
)

// scanLine classifies line without decoding it. For an event it returns the
// envelope's ts (Unix ms): the server writes topic, seq, then ts before the
// payload, so the first `,"ts":` after the type is the envelope's own (a
// string value cannot hold an unescaped quote). Any bytes are safe.
func scanLine(line []byte) (lineKind, int64) {
	switch {
	case len(line) == 0:
		return lineEmpty, 0
	case bytes.HasPrefix(line, prefixEvent):
		ts, ok := eventTS(line[len(prefixEvent):])
		if !ok {
			return lineMalformed, 0
		}
		return lineEvent, ts
	case bytes.HasPrefix(line, prefixSnapshot):
		return lineSnapshot, 0
	case bytes.HasPrefix(line, prefixAck):
		return lineAck, 0
	case bytes.HasPrefix(line, prefixError):
		return lineError, 0
	case bytes.HasPrefix(line, prefixType) && line[len(line)-1] == '}':
		return lineOther, 0
	}
	return lineMalformed, 0
}

// eventTS finds the envelope's ts in an event line after its type. The
// fast path walks the layout the server writes (`"topic":"…","seq":N,"ts":`);
// anything else falls back to searching for the first `,"ts":`.
func eventTS(rest []byte) (int64, bool) {
	if b, ok := bytes.CutPrefix(rest, keyTopic); ok {
		if i := bytes.IndexByte(b, '"'); i >= 0 && bytes.IndexByte(b[:i], '\\') < 0 {
			if b, ok = bytes.CutPrefix(b[i+1:], keySeq); ok {
				j := 0
				for j < len(b) && b[j] >= '0' && b[j] <= '9' {
					j++
				}
				if b, ok = bytes.CutPrefix(b[j:], keyTS); ok {
					return parseTS(b)
				}
			}
		}
	}
	i := bytes.Index(rest, keyTS)
	if i < 0 {
		return 0, false
	}
	return parseTS(rest[i+len(keyTS):])
}

// parseTS reads a positive decimal integer of at most 15 digits (Unix ms
// until the year 33658) followed by ',' or '}'.
func parseTS(b []byte) (int64, bool) {
	var v int64
	i := 0
	for ; i < len(b) && i < 16 && b[i] >= '0' && b[i] <= '9'; i++ {
		v = v*10 + int64(b[i]-'0')
	}
	if i == 0 || i > 15 || i == len(b) || (b[i] != ',' && b[i] != '}') || v == 0 {
		return 0, false
	}
	return v, true
}

// errorCode returns the "code" of an error message, or "unknown".
func errorCode(line []byte) string {
	i := bytes.Index(line, keyCode)
	if i < 0 {
		return "unknown"
	}
	rest := line[i+len(keyCode):]
	j := bytes.IndexByte(rest, '"')
	if j <= 0 || j > 40 {
		return "unknown"
	}
	for _, c := range rest[:j] {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return "unknown"
		}
	}
	return string(rest[:j])
}

// Measurement phases, shared by all clients through one atomic.
const (
	phaseWarmup int32 = iota
	phaseMeasure
	phaseDone
)

// clientStats is one client's counters. Only its own goroutine writes the
// plain fields; the runner reads them after the goroutine has exited. bytes
// and alive are read while the client runs.
type clientStats struct {
	bytes atomic.Int64 // wire bytes read from the socket, framing included
	alive atomic.Bool  // connected and still reading

	connected  bool
	dialTime   time.Duration
	eventsAll  int64 // every event, warmup included
	events     int64 // events in the measured window
	snapshots  int64
	malformed  int64
	serverErrs map[string]int // error messages by code
	err        error          // why the client ended before the run did
	// hist is where measured latencies are recorded: own, or, while an
	// epoll loop reads the client, that loop's (one histogram per loop
	// stays in the cache; one per client, among thousands, missed it on
	// every event). nil in idle mode. The report merges own and the loops'.
	hist       *histogram
	own        *histogram
	resume     *resumeStats // reconnect runs only
	phase      *atomic.Int32
	measureNow func() int64 // Unix µs; time.Now unless a test injects one
}

func newClientStats(phase *atomic.Int32, idle bool) *clientStats {
	st := &clientStats{phase: phase, measureNow: nowMicro}
	if !idle {
		st.own = new(histogram)
		st.hist = st.own
	}
	return st
}

func nowMicro() int64 { return time.Now().UnixMicro() }

// frame accounts one WebSocket frame: messages separated by '\n', all
// received at the same instant.
func (st *clientStats) frame(b []byte) {
	measuring := st.phase.Load() == phaseMeasure
	var now int64
	if measuring {
		now = st.measureNow()
	}
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		st.line(line, measuring, now)
	}
}

// line accounts one message received at nowUs.
func (st *clientStats) line(line []byte, measuring bool, nowUs int64) {
	kind, ts := scanLine(line)
	switch kind {
	case lineEvent:
		st.eventsAll++
		if measuring {
			st.events++
			st.hist.record(nowUs - ts*1000)
		}
	case lineSnapshot:
		st.snapshots++
	case lineError:
		if st.serverErrs == nil {
			st.serverErrs = map[string]int{}
		}
		st.serverErrs[errorCode(line)]++
	case lineMalformed:
		st.malformed++
	}
}
