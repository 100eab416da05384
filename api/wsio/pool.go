package wsio

import (
	"sync"
	"sync/atomic"
	"time"
)

// Pool runs a Scheduler while it has connections: the first Add starts
// it, and the Done of the last connection, whose writes must all be done,
// stops it. So a handler with no connection holds no goroutine.
type Pool struct {
	workers int
	rest    func() time.Duration

	mu    sync.Mutex
	sched *Scheduler // while n > 0
	n     int
	open  atomic.Int64 // n, read without the lock
}

// NewPool returns a pool whose scheduler runs workers goroutines with
// rounds at least rest apart.
func NewPool(workers int, rest func() time.Duration) *Pool {
	return &Pool{workers: workers, rest: rest}
}

// Add counts a connection in and returns the scheduler that serves it (a
// Writer's Start).
func (p *Pool) Add() *Scheduler {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.n == 0 {
		p.sched = NewScheduler(p.workers, p.rest)
	}
	p.n++
	p.open.Store(int64(p.n))
	return p.sched
}

// Done counts out a connection that Add counted, once nothing can queue
// it any more (after its Writer's End and Wait).
func (p *Pool) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n--
	p.open.Store(int64(p.n))
	if p.n == 0 {
		p.sched.Close()
		p.sched = nil
	}
}

// Open is how many connections are counted in.
func (p *Pool) Open() int64 { return p.open.Load() }

// Rest is how long a connection rests between two frames when open
// connections (or streams) share frameRate frames a second: never less
// than least, so that what arrives meanwhile joins the next frame.
func Rest(open int64, frameRate int, least time.Duration) time.Duration {
	return max(time.Duration(open)*time.Second/time.Duration(frameRate), least)
}
