package redisbroker

import (
	"sync"
	"time"

	"github.com/vnstock-api/vnstock-api/hub"
)

// trimmer decides how far back the history stream is kept, with the memory
// broker's bounds: at least the last MinEvents events and at least the
// events of the last MinAge, whichever reaches further back, but no more
// than about MaxBytes. Redis streams trim by ID, and IDs are seqs, so the
// age bound needs to know which seq was current when: the publisher records
// a (time, seq) sample per interval.
type trimmer struct {
	mu        sync.Mutex // publishers share it
	minEvents uint64
	minAge    time.Duration
	maxBytes  float64
	every     time.Duration
	samples   []sample // oldest first
	avgBytes  float64  // moving average of an event's size in the stream
}

type sample struct {
	at  time.Time
	seq uint64 // the newest seq published at or before at
}

func newTrimmer(c hub.HistoryConfig) *trimmer {
	if c.MinEvents <= 0 {
		c.MinEvents = 10_000
	}
	if c.MinAge <= 0 {
		c.MinAge = 2 * time.Minute
	}
	if c.MaxBytes <= 0 {
		c.MaxBytes = 256 << 20
	}
	return &trimmer{
		minEvents: uint64(c.MinEvents), minAge: c.MinAge, maxBytes: float64(c.MaxBytes),
		every: min(c.MinAge/16, time.Second),
	}
}

// observe records that seqs up to last were published by now, n events of
// size bytes in all.
func (t *trimmer) observe(now time.Time, last uint64, n, bytes int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if n > 0 {
		per := float64(bytes)/float64(n) + 64 // the stream entry's own overhead
		if t.avgBytes == 0 {
			t.avgBytes = per
		} else {
			t.avgBytes += (per - t.avgBytes) / 16
		}
	}
	// A sample's seq must not be newer than its time, so one within the
	// interval is skipped rather than updated.
	if k := len(t.samples); k == 0 || now.Sub(t.samples[k-1].at) >= t.every {
		t.samples = append(t.samples, sample{now, last})
	}
	cutoff := now.Add(-t.minAge)
	// Keep one sample at or before the cutoff: the age bound's anchor.
	drop := 0
	for drop+1 < len(t.samples) && !t.samples[drop+1].at.After(cutoff) {
		drop++
	}
	if drop > 0 {
		t.samples = append(t.samples[:0], t.samples[drop:]...)
	}
}

// minID returns the lowest seq to keep when last is the newest seq, or 0 to
// keep everything.
func (t *trimmer) minID(now time.Time, last uint64) uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	if last <= t.minEvents {
		return 0
	}
	keep := last - t.minEvents + 1
	var anchor uint64 // newest seq at or before now-minAge; 0: none known
	if len(t.samples) > 0 && !t.samples[0].at.After(now.Add(-t.minAge)) {
		anchor = t.samples[0].seq
	}
	keep = min(keep, anchor)
	if t.avgBytes > 0 {
		if n := uint64(t.maxBytes / t.avgBytes); n < last {
			keep = max(keep, last-n+1)
		}
	}
	return keep
}
