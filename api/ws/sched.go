package ws

import (
	"sync"
	"time"
)

// scheduler writes for every connection of a handler on a fixed set of
// worker goroutines, in rounds. A connection with something to send (its
// subscriber's notify, a heartbeat, its end) is queued for the next round;
// a round hands each queued connection to a worker once, for one batch, and
// lasts at least the handler's rest, so that what arrives meanwhile joins
// the next frame.
//
// Workers never wait on a client: a batch the client's socket cannot take
// at once goes on, with its connection, to a goroutine of its own
// (conn.service). So the goroutines that compete for the CPU with the hub's
// delivering goroutine are these few, however many connections are open,
// and no connection costs a timer or a goroutine start per frame.
//
// It runs while the handler has connections (Handler.track starts and stops
// it), so an idle handler holds no goroutine.
type scheduler struct {
	rest func() time.Duration

	mu   sync.Mutex
	next []servicer // queued since the current round began

	wake chan struct{} // cap 1: next became non-empty
	work chan servicer
	stop chan struct{}
	done sync.WaitGroup // a round's connections, served
}

// servicer is what a scheduler serves: a connection (conn.service).
type servicer interface{ service() }

// newScheduler starts a dispatcher and n workers.
func newScheduler(n int, rest func() time.Duration) *scheduler {
	s := &scheduler{
		rest: rest,
		wake: make(chan struct{}, 1),
		work: make(chan servicer, n),
		stop: make(chan struct{}),
	}
	for range n {
		go s.worker()
	}
	go s.dispatch()
	return s
}

// enqueue queues cn for the next round. The caller makes sure a
// connection is queued once at a time (conn.queued).
func (s *scheduler) enqueue(cn servicer) {
	s.mu.Lock()
	s.next = append(s.next, cn)
	first := len(s.next) == 1
	s.mu.Unlock()
	if first {
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}

// close stops the goroutines once the round under way is served. Only
// call it when no connection can be queued any more.
func (s *scheduler) close() { close(s.stop) }

func (s *scheduler) dispatch() {
	defer close(s.work)
	var round []servicer
	for {
		select {
		case <-s.wake:
		case <-s.stop:
			return
		}
		start := time.Now()
		s.mu.Lock()
		round, s.next = s.next, round[:0]
		s.mu.Unlock()
		s.done.Add(len(round))
		for _, cn := range round {
			s.work <- cn
		}
		s.done.Wait()
		clear(round)
		if d := s.rest() - time.Since(start); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-s.stop:
				t.Stop()
				return
			}
		}
	}
}

func (s *scheduler) worker() {
	for cn := range s.work {
		cn.service()
		s.done.Done()
	}
}
