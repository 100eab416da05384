package wsio

import (
	"context"
	"sync"
	"sync/atomic"
)

// Writer is one connection's side of a Scheduler. It queues the connection
// for a round at most once at a time, counts what runs for the connection
// (its Service, and the goroutines Service spawns to finish a stalled
// batch or to close) so that the connection's end can wait for them, and
// drops kicks once the connection has ended. The zero Writer is ready; it
// queues nothing until Start.
type Writer struct {
	queued  atomic.Bool
	mu      sync.Mutex // guards sched, ended, and running.Add from zero
	sched   *Scheduler
	ended   bool
	running sync.WaitGroup
}

// Start sets the scheduler that serves the connection, from sched, unless
// one is set already; false when the connection has ended.
func (w *Writer) Start(sched func() *Scheduler) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ended {
		return false
	}
	if w.sched == nil {
		w.sched = sched()
	}
	return true
}

// Kick queues sv (the connection) for the next round unless it is queued
// already. It never blocks: it is what a hub subscriber's notify calls.
// Before Start it queues nothing; once ended, nothing ever again.
func (w *Writer) Kick(sv Servicer) {
	if w.queued.Swap(true) {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case w.ended: // stays queued: nothing is written any more
	case w.sched == nil: // Start kicks are the caller's: not queued
		w.queued.Store(false)
	default:
		w.running.Add(1)
		w.sched.Enqueue(sv)
	}
}

// Serving opens the connection's Service: a kick from now on queues the
// next round. Defer Served after it.
func (w *Writer) Serving() { w.queued.Store(false) }

// Served closes the connection's Service.
func (w *Writer) Served() { w.running.Done() }

// Spawn runs f on a goroutine that Wait waits for. Call it from Service or
// from a goroutine it spawned (their count keeps the total above zero).
func (w *Writer) Spawn(f func()) {
	w.running.Add(1)
	go func() {
		defer w.running.Done()
		f()
	}()
}

// End drops every kick from now on. It reports whether this call ended a
// Writer that had been started (whose scheduler the caller may then let go
// of, after Wait).
func (w *Writer) End() (started bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ended {
		return false
	}
	w.ended = true
	return w.sched != nil
}

// Wait waits, after End, for the services and goroutines under way.
func (w *Writer) Wait() { w.running.Wait() }

// Stream is a connection whose end is its context's, served in rounds:
// its Service calls Serve.
type Stream interface {
	// Send writes one batch of what is pending (or nothing); an error
	// ends the stream.
	Send() error
	// Cancel ends the stream's context with err (and kicks it, so that
	// its end is served).
	Cancel(err error)
	// Finish ends the connection once its context has ended, on a
	// goroutine of its own: last words may wait for the client.
	Finish()
	// Unstall writes the stalled rest of a batch, on a goroutine of its
	// own, then kicks the stream.
	Unstall()
}

// Serve is the Service of a Stream with Writer w, connection nc and
// context ctx: one batch, or nothing while a stalled batch is being
// finished (its Unstall kicks again); then, once ctx has ended, the
// stream's Finish, or Unstall when the batch stalled. No worker waits on a
// client.
func Serve(w *Writer, nc *Conn, ctx context.Context, s Stream) {
	w.Serving()
	defer w.Served()
	if nc.Stalled() {
		return
	}
	if ctx.Err() == nil {
		if err := s.Send(); err != nil {
			s.Cancel(err)
		}
	}
	switch {
	case ctx.Err() != nil:
		w.Spawn(s.Finish)
	case nc.Stalled():
		w.Spawn(s.Unstall)
	}
}
