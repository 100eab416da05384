package upstream

import (
	"sync"
	"time"
)

// BreakerState is the state of a source's circuit breaker.
type BreakerState string

// Breaker states: closed lets every call through; open refuses calls until
// the cooldown has passed; half_open lets one probe through, whose outcome
// closes or reopens the breaker.
const (
	BreakerClosed   BreakerState = "closed"
	BreakerOpen     BreakerState = "open"
	BreakerHalfOpen BreakerState = "half_open"
)

// verdict is how an attempt counts for the breaker.
type verdict int

const (
	neutral verdict = iota // canceled by the caller: says nothing of the upstream
	success                // a 200 or a 4xx: the upstream answers
	failure                // 5xx, 429, timeout, transport error
)

// breaker counts consecutive failures. Safe for concurrent use.
type breaker struct {
	threshold int
	cooldown  time.Duration

	mu       sync.Mutex
	state    BreakerState
	failures int       // consecutive failed attempts
	openedAt time.Time // when it last opened
	probing  bool      // the half-open probe is in flight
	opens    int64
}

func newBreaker(threshold int, cooldown time.Duration) *breaker {
	return &breaker{threshold: threshold, cooldown: cooldown, state: BreakerClosed}
}

// allow reports whether an attempt may start at now. In half-open only one
// attempt (the probe) is let through until it reports; the caller must call
// record for every allowed attempt. retryIn is how long until the next
// probe when refused.
func (b *breaker) allow(now time.Time) (ok, probe bool, retryIn time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.state {
	case BreakerClosed:
		return true, false, 0
	case BreakerOpen:
		if wait := b.openedAt.Add(b.cooldown).Sub(now); wait > 0 {
			return false, false, wait
		}
		b.state = BreakerHalfOpen
	}
	if b.probing {
		return false, false, b.cooldown
	}
	b.probing = true
	return true, true, 0
}

// record reports the verdict of an allowed attempt and returns the state
// before and after, so that the caller can log transitions.
func (b *breaker) record(now time.Time, probe bool, v verdict) (from, to BreakerState) {
	b.mu.Lock()
	defer b.mu.Unlock()
	from = b.state
	if probe {
		b.probing = false
	}
	switch v {
	case success:
		b.failures = 0
		if b.state == BreakerHalfOpen && probe {
			b.state = BreakerClosed
		}
	case failure:
		b.failures++
		if (b.state == BreakerHalfOpen && probe) || (b.state == BreakerClosed && b.failures >= b.threshold) {
			b.state = BreakerOpen
			b.openedAt = now
			b.opens++
		}
	}
	return from, b.state
}

// snapshot returns the state, the consecutive failures, when it opened and
// how many times it opened.
func (b *breaker) snapshot(now time.Time) (BreakerState, int, time.Time, int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	st := b.state
	if st == BreakerOpen && !now.Before(b.openedAt.Add(b.cooldown)) {
		st = BreakerHalfOpen // the next call will probe
	}
	var opened time.Time
	if st != BreakerClosed {
		opened = b.openedAt
	}
	return st, b.failures, opened, b.opens
}
