package wsio

import (
	"sync"
	"time"
)

// Scheduler writes for every connection of a handler on a fixed set of
// worker goroutines, in rounds. A connection with something to send (its
// subscriber's notify, a heartbeat, its end) is queued for the next round;
// a round hands each queued connection to a worker once, for one batch, and
// lasts at least the handler's rest, so that what arrives meanwhile joins
// the next frame.
//
// Workers never wait on a client: a batch the client's socket cannot take
// at once goes on, with its connection, to a goroutine of its own
// (its Service). So the goroutines that compete for the CPU with the hub's
// delivering goroutine are these few, however many connections are open,
// and no connection costs a timer or a goroutine start per frame.
//
// A handler runs one while it has connections (it starts and stops it), so
// an idle handler holds no goroutine.
type Scheduler struct {
	rest func() time.Duration

	mu   sync.Mutex
	next []Servicer // queued since the current round began

	wake chan struct{} // cap 1: next became non-empty
	work chan Servicer
	stop chan struct{}
	done sync.WaitGroup // a round's connections, served
}

// Servicer is what a Scheduler serves: a connection. Service writes one
// batch and must not wait on the client.
type Servicer interface{ Service() }

// NewScheduler starts a dispatcher and n workers.
func NewScheduler(n int, rest func() time.Duration) *Scheduler {
	s := &Scheduler{
		rest: rest,
		wake: make(chan struct{}, 1),
		work: make(chan Servicer, n),
		stop: make(chan struct{}),
	}
	for range n {
		go s.worker()
	}
	go s.dispatch()
	return s
}

// enqueue queues cn for the next round. The caller makes sure a
// connection is queued once at a time.
func (s *Scheduler) Enqueue(cn Servicer) {
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
func (s *Scheduler) Close() { close(s.stop) }

func (s *Scheduler) dispatch() {
	defer close(s.work)
	var round []Servicer
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

func (s *Scheduler) worker() {
	for cn := range s.work {
		cn.Service()
		s.done.Done()
	}
}
