package wsio

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeConn counts its services and, like a connection with more to send,
// queues itself again from within service while again is above zero.
type fakeConn struct {
	s     *Scheduler
	again atomic.Int32
	mu    sync.Mutex
	at    []time.Time
	done  chan struct{}
}

func (f *fakeConn) Service() {
	f.mu.Lock()
	f.at = append(f.at, time.Now())
	f.mu.Unlock()
	if f.again.Add(-1) >= 0 {
		f.s.Enqueue(f)
		return
	}
	close(f.done)
}

// A connection queued during a round is served in the next one, and rounds
// are at least rest apart; every queued connection is served once per round.
func TestSchedulerRounds(t *testing.T) {
	const rest = 100 * time.Millisecond
	s := NewScheduler(2, func() time.Duration { return rest })
	defer s.Close()
	conns := make([]*fakeConn, 5)
	for i := range conns {
		conns[i] = &fakeConn{s: s, done: make(chan struct{})}
		conns[i].again.Store(3) // four services in all
	}
	for _, f := range conns {
		s.Enqueue(f)
	}
	for _, f := range conns {
		select {
		case <-f.done:
		case <-time.After(10 * time.Second):
			t.Fatal("a queued connection was not served")
		}
	}
	for i, f := range conns {
		f.mu.Lock()
		at := f.at
		f.mu.Unlock()
		if len(at) != 4 {
			t.Fatalf("conn %d served %d times, want 4", i, len(at))
		}
		// Four services take four rounds, whose starts are at least three
		// rests apart; served within one round they would take microseconds.
		// (Two rests leave room for a worker that starts a round late.)
		if span := at[3].Sub(at[0]); span < 2*rest {
			t.Fatalf("conn %d served 4 times within %v (rest %v): more than once per round", i, span, rest)
		}
	}
}

// An idle scheduler serves a queued connection at once; the rest only
// spaces a round from the one before it.
func TestSchedulerRestFollowsARound(t *testing.T) {
	s := NewScheduler(1, func() time.Duration { return time.Hour })
	defer s.Close()
	first := &fakeConn{s: s, done: make(chan struct{})}
	s.Enqueue(first)
	select {
	case <-first.done:
	case <-time.After(10 * time.Second):
		t.Fatal("an idle scheduler did not serve a queued connection")
	}
	// The round has ended; the next one waits for the rest (an hour), so a
	// connection queued now is not served until then.
	second := &fakeConn{s: s, done: make(chan struct{})}
	s.Enqueue(second)
	select {
	case <-second.done:
		t.Fatal("served within the rest of the previous round")
	case <-time.After(100 * time.Millisecond):
	}
}
