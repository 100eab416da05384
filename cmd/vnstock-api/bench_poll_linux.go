//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// pollSet reads the WebSocket clients of a run with a few epoll loops,
// four per CPU, instead of a goroutine per client. A delivered frame then
// costs the load tool one read system call among many connections' events,
// not a goroutine wake-up plus a read and a read that finds nothing.
//
// Several loops per CPU, each on a P of its own (benchProcs), not one: the
// load tool shares the machine with the servers it measures (two servers and
// Redis in the scale-out run), and a loop that waits for a CPU delays every
// connection it holds; more, smaller loops spread that wait. Loops queued on
// fewer Ps would wait for the Go scheduler's 10 ms preemption as well.
// One-tool scale-out run, p99: 117.8 / 121.9 ms with two loops per CPU on
// one P per CPU; 107.5 / 119.8 ms with two per CPU each on a P of its own;
// 87.0 / 89.1 ms with four per CPU each on a P of its own (BENCHMARKS.md).
// Pollers start with the first client and stop with close.
type pollSet struct {
	once    sync.Once
	pollers []*poller // none: clients read on their own goroutines
	next    atomic.Uint64
	lat     histogram // the latencies stopped pollers recorded
}

// readWS reads c, whose stats are st, until the connection ends (its
// error) or ctx does (nil). While a poller reads c, st records its
// latencies in the poller's histogram.
func (s *pollSet) readWS(ctx context.Context, c *benchWS, st *clientStats) error {
	s.once.Do(s.start)
	if len(s.pollers) == 0 {
		return readLoop(ctx, c)
	}
	fd, ok := takeFD(c)
	if !ok {
		return readLoop(ctx, c)
	}
	if err := c.consume(nil); err != nil {
		return err
	}
	p := s.pollers[(s.next.Add(1)-1)%uint64(len(s.pollers))]
	pc := &polled{c: c, fd: fd, done: make(chan error, 1)}
	if st.hist != nil {
		// Set before add and put back after the poller let go of pc
		// (done, or remove): p.mu and pc.mu order it with the poller's reads.
		st.hist = &p.hist
		defer func() { st.hist = st.own }()
	}
	if err := p.add(pc); err != nil {
		return err
	}
	select {
	case err := <-pc.done:
		return err
	case <-ctx.Done():
		p.remove(pc)
		return nil
	}
}

// start starts the pollers, or none if one cannot be made.
func (s *pollSet) start() {
	for range pollLoops() {
		p, err := newPoller()
		if err != nil {
			s.close()
			return
		}
		s.pollers = append(s.pollers, p)
		go p.run()
	}
}

// pollLoops is the number of epoll loops of a run: four per CPU, at most
// maxPollLoops (an idle loop wakes every millisecond, and a large machine
// needs no more to keep its share).
func pollLoops() int { return min(4*runtime.NumCPU(), maxPollLoops) }

const maxPollLoops = 32

// benchProcs is the GOMAXPROCS the load tool wants: a P for every poll loop.
func benchProcs() int { return pollLoops() }

// close stops the pollers; their clients must have ended.
func (s *pollSet) close() {
	for _, p := range s.pollers {
		p.stop()
		s.lat.merge(&p.hist)
	}
	s.pollers = nil
}

// latencies is what the pollers recorded; call it after close.
func (s *pollSet) latencies() *histogram { return &s.lat }

// takeFD moves c's connection out of Go's network poller: its descriptor
// is duplicated and the net.Conn closed, so that a frame wakes nothing but
// this poller (a socket left in both would also wake the runtime's poll
// thread, with a context switch, for every frame). c then writes through
// the duplicate, which is closed with c.
func takeFD(c *benchWS) (int, bool) {
	sc, ok := c.conn.(syscall.Conn)
	if !ok {
		return 0, false
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return 0, false
	}
	fd := -1
	ctlErr := raw.Control(func(f uintptr) {
		fd, err = unix.FcntlInt(f, unix.F_DUPFD_CLOEXEC, 0)
	})
	if ctlErr != nil || err != nil || fd < 0 {
		return 0, false
	}
	_ = c.conn.Close()
	c.out = &fdOut{fd: fd}
	return fd, true
}

// fdOut writes a descriptor the poller owns. It is non-blocking: a write
// the socket cannot take at once is retried each millisecond until the
// deadline.
type fdOut struct {
	fd       int
	deadline time.Time
}

func (o *fdOut) Write(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := unix.Write(o.fd, p[n:])
		switch {
		case errors.Is(err, unix.EAGAIN):
			if !o.deadline.IsZero() && time.Now().After(o.deadline) {
				return n, os.ErrDeadlineExceeded
			}
			time.Sleep(time.Millisecond)
		case errors.Is(err, unix.EINTR):
		case err != nil:
			return n, fmt.Errorf("write: %w", err)
		default:
			n += m
		}
	}
	return n, nil
}

func (o *fdOut) SetWriteDeadline(t time.Time) error { o.deadline = t; return nil }
func (o *fdOut) Close() error                       { return unix.Close(o.fd) }

// polled is one client in a poller. Once gone, the poller no longer touches
// fd, so the client may close its connection.
type polled struct {
	c    *benchWS
	fd   int
	id   int32
	mu   sync.Mutex
	gone bool
	done chan error // the error that ended the connection
}

// poller is one epoll loop. The event data of a connection is its id; id 0
// is the wake-up eventfd.
type poller struct {
	epfd, wake int
	mu         sync.Mutex
	conns      []*polled // by id; conns[0], the eventfd's, stays nil
	free       []int32   // ids of conns that left, for reuse
	exited     chan struct{}
	hist       histogram // latencies of the clients it reads; only run's goroutine records
}

func newPoller() (*poller, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("epoll_create1: %w", err)
	}
	wake, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err == nil {
		err = unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, wake, &unix.EpollEvent{Events: unix.EPOLLIN})
		if err != nil {
			_ = unix.Close(wake)
		}
	}
	if err != nil {
		_ = unix.Close(epfd)
		return nil, fmt.Errorf("poller wake-up: %w", err)
	}
	return &poller{epfd: epfd, wake: wake, conns: make([]*polled, 1, 64), exited: make(chan struct{})}, nil
}

func (p *poller) add(pc *polled) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.free); n > 0 {
		pc.id, p.free = p.free[n-1], p.free[:n-1]
	} else {
		pc.id = int32(len(p.conns))
		p.conns = append(p.conns, nil)
	}
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLRDHUP, Fd: pc.id}
	if err := unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, pc.fd, &ev); err != nil {
		p.free = append(p.free, pc.id)
		return fmt.Errorf("epoll_ctl add: %w", err)
	}
	p.conns[pc.id] = pc
	return nil
}

// remove takes pc out of the poller; once it returns, the poller will not
// read pc's descriptor again.
func (p *poller) remove(pc *polled) {
	pc.mu.Lock()
	p.leave(pc)
	pc.mu.Unlock()
}

// leave marks pc gone and forgets it; pc.mu is held.
func (p *poller) leave(pc *polled) {
	if pc.gone {
		return
	}
	pc.gone = true
	_ = unix.EpollCtl(p.epfd, unix.EPOLL_CTL_DEL, pc.fd, nil)
	p.mu.Lock()
	p.conns[pc.id] = nil
	p.free = append(p.free, pc.id)
	p.mu.Unlock()
}

// pollPause is how long a poller that found nothing to read sleeps before
// it looks again. The loop never blocks in epoll_wait: a blocked poller is
// woken, with two context switches, for almost every frame, and at tens of
// thousands of frames a second that costs the load tool more than all its
// reads. Sleeping lets frames gather, at the price of up to a millisecond
// (the runtime's timer resolution) added to the latency it measures.
const pollPause = time.Millisecond

// run reads the connections that are readable, each once per event: the
// poll is level-triggered, so what one read leaves is reported again.
func (p *poller) run() {
	defer close(p.exited)
	events := make([]unix.EpollEvent, 512)
	buf := make([]byte, 256<<10)
	for {
		n, err := unix.EpollWait(p.epfd, events, 0)
		if n == 0 && err == nil {
			time.Sleep(pollPause)
			continue
		}
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			p.failAll(fmt.Errorf("epoll_wait: %w", err))
			return
		}
		for _, ev := range events[:n] {
			if ev.Fd == 0 {
				return
			}
			p.mu.Lock()
			var pc *polled
			if int(ev.Fd) < len(p.conns) {
				pc = p.conns[ev.Fd]
			}
			p.mu.Unlock()
			if pc != nil {
				p.read(pc, buf)
			}
		}
	}
}

// read reads pc once and consumes what came; an end of the connection is
// reported on pc.done.
func (p *poller) read(pc *polled, buf []byte) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.gone {
		return
	}
	n, err := unix.Read(pc.fd, buf)
	switch {
	case errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR):
		return
	case err != nil:
		err = fmt.Errorf("read: %w", err)
	case n == 0:
		err = io.EOF
	default:
		err = pc.c.consume(buf[:n])
	}
	if err != nil {
		p.leave(pc)
		pc.done <- err
	}
}

// failAll ends every client with err.
func (p *poller) failAll(err error) {
	p.mu.Lock()
	all := make([]*polled, 0, len(p.conns))
	for _, pc := range p.conns {
		if pc == nil {
			continue
		}
		all = append(all, pc)
	}
	p.mu.Unlock()
	for _, pc := range all {
		pc.mu.Lock()
		if !pc.gone {
			p.leave(pc)
			pc.done <- err
		}
		pc.mu.Unlock()
	}
}

// stop wakes the loop, waits for it to exit and frees its descriptors.
func (p *poller) stop() {
	var one [8]byte
	one[0] = 1 // eventfd counters are host-endian; any non-zero value wakes
	_, _ = unix.Write(p.wake, one[:])
	<-p.exited
	_ = unix.Close(p.wake)
	_ = unix.Close(p.epfd)
}
