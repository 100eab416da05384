package hub

import (
	"sort"
	"time"
)

// HistoryConfig bounds the resume history: it keeps at least the last
// MinEvents events and at least the events of the last MinAge, whichever is
// more, but never more than MaxBytes of payload (a hard memory bound for
// extreme publish rates, where it wins over the other two).
type HistoryConfig struct {
	MinEvents int           // default 10,000
	MinAge    time.Duration // default 2 minutes
	MaxBytes  int           // default 256 MiB
}

func (c HistoryConfig) withDefaults() HistoryConfig {
	if c.MinEvents <= 0 {
		c.MinEvents = 10_000
	}
	if c.MinAge <= 0 {
		c.MinAge = 2 * time.Minute
	}
	if c.MaxBytes <= 0 {
		c.MaxBytes = 256 << 20
	}
	return c
}

// history is a FIFO of consecutive events, oldest first. It is not safe for
// concurrent use; the memory broker guards it.
type history struct {
	cfg    HistoryConfig
	events []*Event // events[start:] are live
	start  int
	bytes  int
}

func newHistory(cfg HistoryConfig) *history {
	return &history{cfg: cfg.withDefaults()}
}

// add appends ev and trims what the bounds allow; now is the current time in
// Unix milliseconds.
func (h *history) add(ev *Event, now int64) {
	h.events = append(h.events, ev)
	h.bytes += eventSize(ev)
	minTS := now - h.cfg.MinAge.Milliseconds()
	for h.len() > 1 {
		old := h.events[h.start]
		overBytes := h.bytes > h.cfg.MaxBytes
		expendable := h.len() > h.cfg.MinEvents && old.TS < minTS
		if !overBytes && !expendable {
			break
		}
		h.bytes -= eventSize(old)
		h.events[h.start] = nil
		h.start++
	}
	// Compact once the dead prefix is as large as the live part.
	if h.start > 1024 && h.start >= h.len() {
		n := copy(h.events, h.events[h.start:])
		clear(h.events[n:])
		h.events = h.events[:n]
		h.start = 0
	}
}

func (h *history) len() int { return len(h.events) - h.start }

// oldest returns the lowest seq held, or 0 when empty.
func (h *history) oldest() uint64 {
	if h.len() == 0 {
		return 0
	}
	return h.events[h.start].Seq
}

// read returns the events with since < seq ≤ upto that match. ok is false
// when events after since were trimmed already.
func (h *history) read(since, upto uint64, match func(string) bool) ([]*Event, bool) {
	live := h.events[h.start:]
	if since >= upto {
		return nil, true
	}
	if len(live) == 0 || live[0].Seq > since+1 {
		return nil, false
	}
	i := sort.Search(len(live), func(i int) bool { return live[i].Seq > since })
	var out []*Event
	for _, ev := range live[i:] {
		if ev.Seq > upto {
			break
		}
		if match == nil || match(ev.Topic) {
			out = append(out, ev)
		}
	}
	return out, true
}

func eventSize(ev *Event) int { return len(ev.Data) + len(ev.Topic) + 64 }
