package wsio

import (
	"sync/atomic"
	"testing"
	"time"
)

// countConn counts its services; each one runs on its Writer.
type countConn struct {
	w        Writer
	services atomic.Int32
	served   chan struct{}
}

func (c *countConn) Service() {
	c.w.Serving()
	defer c.w.Served()
	c.services.Add(1)
	c.served <- struct{}{}
}

// gateConn's service holds its worker until release is closed.
type gateConn struct {
	w                Writer
	started, release chan struct{}
}

func (g *gateConn) Service() {
	g.w.Serving()
	defer g.w.Served()
	close(g.started)
	<-g.release
}

// A Writer queues nothing before Start, queues a connection once however
// often it is kicked before its service, queues it again after, and drops
// kicks once ended; Wait waits for what it spawned.
func TestWriter(t *testing.T) {
	s := NewScheduler(1, func() time.Duration { return 0 })
	defer s.Close()
	c := &countConn{served: make(chan struct{}, 8)}
	c.w.Kick(c) // before Start: nothing
	if !c.w.Start(func() *Scheduler { return s }) {
		t.Fatal("Start refused a live Writer")
	}
	select {
	case <-c.served:
		t.Fatal("a kick before Start was served")
	case <-time.After(20 * time.Millisecond):
	}
	// The one worker is held by another connection while c is kicked
	// twice, so both kicks find c queued, whatever the machine's timing.
	g := &gateConn{started: make(chan struct{}), release: make(chan struct{})}
	g.w.Start(func() *Scheduler { return s })
	g.w.Kick(g)
	<-g.started
	c.w.Kick(c)
	c.w.Kick(c) // queued already: one service
	close(g.release)
	<-c.served
	select {
	case <-c.served:
		t.Fatal("two kicks before the service were served twice")
	case <-time.After(20 * time.Millisecond):
	}
	c.w.Kick(c) // after the service: queued again
	<-c.served
	if n := c.services.Load(); n != 2 {
		t.Fatalf("%d services, want 2", n)
	}
	var spawned atomic.Bool
	c.w.running.Add(1) // as Service holds a count when it spawns
	c.w.Spawn(func() { time.Sleep(20 * time.Millisecond); spawned.Store(true) })
	c.w.running.Done()
	if !c.w.End() || c.w.End() {
		t.Fatal("End should report a started Writer once")
	}
	c.w.Kick(c)
	c.w.Wait()
	if !spawned.Load() {
		t.Fatal("Wait returned before the spawned goroutine")
	}
	select {
	case <-c.served:
		t.Fatal("a kick after End was served")
	case <-time.After(20 * time.Millisecond):
	}
	if c.w.Start(func() *Scheduler { return s }) {
		t.Fatal("Start accepted an ended Writer")
	}
}
