package redisbroker

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/vnstock-api/vnstock-api/hub"
)

// server is a Redis a test can stop and start again, losing its data.
type server interface {
	addr() string
	stop(t *testing.T)
	start(t *testing.T)
}

type miniServer struct{ m *miniredis.Miniredis }

func (s miniServer) addr() string { return s.m.Addr() }
func (s miniServer) stop(*testing.T) {
	s.m.Close()
	s.m.FlushAll()
}
func (s miniServer) start(t *testing.T) {
	if err := s.m.Restart(); err != nil {
		t.Fatal(err)
	}
}

// redisServer is the test's own redis-server on a spare loopback port.
type redisServer struct {
	port string
	mu   sync.Mutex
	cmd  *exec.Cmd
}

func startRedisServer(t *testing.T) *redisServer {
	t.Helper()
	path, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("VNSTOCK_INTEGRATION") == "1" {
			t.Fatal("redis-server not installed")
		}
		t.Skip("redis-server not installed")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	_ = ln.Close()
	s := &redisServer{port: port}
	s.run(t, path)
	t.Cleanup(func() { s.stop(t) })
	return s
}

func (s *redisServer) addr() string { return "127.0.0.1:" + s.port }

func (s *redisServer) run(t *testing.T, path string) {
	t.Helper()
	cmd := exec.Command(path, "--port", s.port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	s.cmd = cmd
	s.mu.Unlock()
	c := redis.NewClient(&redis.Options{Addr: s.addr()})
	defer c.Close()
	waitFor(t, "redis-server to answer", func() bool { return c.Ping(context.Background()).Err() == nil })
}

func (s *redisServer) stop(t *testing.T) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

func (s *redisServer) start(t *testing.T) {
	path, _ := exec.LookPath("redis-server")
	s.run(t, path)
}

func servers() []struct {
	name string
	open func(t *testing.T) server
} {
	return []struct {
		name string
		open func(t *testing.T) server
	}{
		{"miniredis", func(t *testing.T) server { return miniServer{miniredis.RunT(t)} }},
		{"redis-server", func(t *testing.T) server { return startRedisServer(t) }},
	}
}

// stateLog records OnState calls.
type stateLog struct {
	mu     sync.Mutex
	states []State
}

func (l *stateLog) add(s State, _ string) {
	l.mu.Lock()
	l.states = append(l.states, s)
	l.mu.Unlock()
}

func (l *stateLog) saw(s State) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, x := range l.states {
		if x == s {
			return true
		}
	}
	return false
}

// Redis stops (losing everything) and starts again mid-stream: the leader
// keeps serving its clients locally, both instances report degraded, then
// recover by themselves under a new epoch with seqs still increasing, and
// a client resuming from before the loss gets recovered complete:false
// and fresh snapshots.
func TestRedisRestartMidStream(t *testing.T) {
	t.Parallel()
	for _, sv := range servers() {
		t.Run(sv.name, func(t *testing.T) {
			t.Parallel()
			testRestart(t, sv.open(t))
		})
	}
}

func testRestart(t *testing.T, srv server) {
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: srv.addr(), MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { _ = c.Close() })
	logs := [2]*stateLog{{}, {}}
	var ins [2]*instance
	for i := range ins {
		b := newTestBroker(t, Config{Client: c, Prefix: "restart:", OnState: logs[i].add})
		h, err := hub.New(hub.Config{Classify: classify}, b)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = h.Close(ctx) })
		ins[i] = &instance{h, b}
	}
	topics := []string{"trade:T", "quote:Q"}
	leader, follower := ins[0], ins[1]
	sa := subscribe(t, leader, hub.SubscribeRequest{Topics: topics})
	sb := subscribe(t, follower, hub.SubscribeRequest{Topics: topics})
	var published atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
			if seq, err := leader.h.Publish(ctx, topics[i%2], []byte(fmt.Sprint(i)), 0); err == nil {
				published.Store(seq)
			}
		}
	})
	defer func() { close(stop); wg.Wait() }()
	var a, b []msg
	more := func(s *hub.Subscriber, into *[]msg, n int) {
		start := len(*into)
		*into = append(*into, collect(t, s, func(m []msg) bool { return count(m, "event") >= n })...)
		checkOrdering(t, (*into)[max(start-1, 0):])
	}
	more(sa, &a, 10)
	more(sb, &b, 10)
	epoch, seenB := follower.h.Epoch(), lastEventSeq(b)

	srv.stop(t)
	waitFor(t, "both instances degraded", func() bool { return !leader.b.Healthy() && !follower.b.Healthy() })
	more(sa, &a, 20) // the leader's clients are still served, locally
	srv.start(t)
	waitFor(t, "both instances healthy", func() bool { return leader.b.Healthy() && follower.b.Healthy() })
	waitFor(t, "one new epoch", func() bool {
		return leader.h.Epoch() == follower.h.Epoch() && leader.h.Epoch() != epoch
	})
	more(sa, &a, 20)
	more(sb, &b, 20)
	for i, l := range logs {
		if !l.saw(StateDegraded) || !l.saw(StateOK) {
			t.Errorf("instance %d reported states %v, want degraded then ok", i, l.states)
		}
	}
	s := subscribe(t, follower, hub.SubscribeRequest{Topics: topics, Since: &seenB, Epoch: epoch})
	got := collect(t, s, func(m []msg) bool { return count(m, "snapshot") >= 1 })
	if got[1].Type != "recovered" || got[1].Complete {
		t.Fatalf("resume across the loss: %+v, want ack, recovered complete:false, snapshots", got)
	}
}

// checkOrdering fails when events do not strictly increase.
func checkOrdering(t *testing.T, ms []msg) {
	t.Helper()
	var last uint64
	for _, m := range ms {
		if m.Type != "event" {
			continue
		}
		if m.Seq <= last {
			t.Fatalf("event seq %d after %d", m.Seq, last)
		}
		last = m.Seq
	}
}

// Redis loses the deployment's keys while connected (FLUSHALL): the next
// publish re-establishes a new epoch with the counter above every seq
// delivered, and delivery goes on in order.
func TestStateLostWhileConnected(t *testing.T) {
	t.Parallel()
	forBackends(t, func(t *testing.T, be backend) {
		in := cluster(t, be, 1, hub.Config{})[0]
		s := subscribe(t, in, hub.SubscribeRequest{Topics: []string{"trade:A"}})
		var before uint64
		for i := range 5 {
			before = pub(t, in, "trade:A", fmt.Sprint(i))
		}
		epoch := in.h.Epoch()
		k := in.b.k
		if err := in.b.rdb.Del(context.Background(), k.seq, k.epoch, k.hist, k.last).Err(); err != nil {
			t.Fatal(err)
		}
		after := pub(t, in, "trade:A", "5")
		if after <= before {
			t.Fatalf("seq %d after the loss, not above %d", after, before)
		}
		got := collect(t, s, func(m []msg) bool { return lastEventSeq(m) >= after })
		checkOrdering(t, got)
		if n := count(got, "event"); n != 6 {
			t.Fatalf("%d events delivered, want 6", n)
		}
		if in.h.Epoch() == epoch {
			t.Fatal("epoch unchanged after the history was lost")
		}
	})
}
