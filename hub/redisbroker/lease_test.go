package redisbroker

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vnstock-api/vnstock-api/hub/brokertest"
)

func newTestLease(t *testing.T, c redis.UniversalClient, prefix, owner string) *Lease {
	t.Helper()
	l, err := NewLease(c, LeaseConfig{
		Name: "src", Prefix: prefix, Owner: owner,
		TTL: 600 * time.Millisecond, Renew: 150 * time.Millisecond, Retry: 50 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// leaders counts the instances leading at once.
type leaders struct {
	active, most atomic.Int32
	mu           sync.Mutex
	who          []string
}

func (l *leaders) lead(owner string) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		n := l.active.Add(1)
		for m := l.most.Load(); n > m && !l.most.CompareAndSwap(m, n); m = l.most.Load() {
		}
		l.mu.Lock()
		l.who = append(l.who, owner)
		l.mu.Unlock()
		<-ctx.Done()
		l.active.Add(-1)
		return nil
	}
}

func (l *leaders) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.who)
}

func (l *leaders) last() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.who[len(l.who)-1]
}

// Of three candidates exactly one leads; when it stops, another takes
// over at once (released, not expired); never two at a time.
func TestLeaseOneLeaderAndHandover(t *testing.T) {
	t.Parallel()
	forBackends(t, func(t *testing.T, be backend) {
		c := be.open(t)
		prefix := testPrefix(t, c)
		var ls leaders
		cancels := map[string]context.CancelFunc{}
		var wg sync.WaitGroup
		for _, owner := range []string{"a", "b", "c"} {
			ctx, cancel := context.WithCancel(context.Background())
			cancels[owner] = cancel
			l := newTestLease(t, c, prefix, owner)
			wg.Go(func() { _ = l.Run(ctx, ls.lead(owner)) })
		}
		defer func() {
			for _, cancel := range cancels {
				cancel()
			}
			wg.Wait()
		}()
		waitFor(t, "a leader", func() bool { return ls.count() == 1 })
		time.Sleep(400 * time.Millisecond) // several renewals: nobody else may lead
		if ls.count() != 1 || ls.active.Load() != 1 {
			t.Fatalf("leaders %v, active %d", ls.who, ls.active.Load())
		}
		first := ls.last()
		start := time.Now()
		cancels[first]()
		waitFor(t, "a new leader", func() bool { return ls.count() == 2 })
		if d := time.Since(start); d > 500*time.Millisecond {
			t.Errorf("handover after a release took %v; the TTL should not be waited for", d)
		}
		if ls.last() == first || ls.most.Load() != 1 {
			t.Fatalf("leaders %v, at most %d at once", ls.who, ls.most.Load())
		}
	})
}

// A leader that dies without releasing is replaced once its TTL passes.
func TestLeaseTakeoverAfterCrash(t *testing.T) {
	t.Parallel()
	c := openRealRedis(t) // real time TTLs
	prefix := testPrefix(t, c)
	dead := newTestLease(t, c, prefix, "dead")
	value, err := dead.acquire(context.Background())
	if err != nil || value == "" {
		t.Fatalf("acquire = %q, %v", value, err)
	}
	var ls leaders
	ctx, cancel := context.WithCancel(context.Background())
	l := newTestLease(t, c, prefix, "alive")
	done := make(chan struct{})
	go func() { _ = l.Run(ctx, ls.lead("alive")); close(done) }()
	defer func() { cancel(); <-done }()
	start := time.Now()
	waitFor(t, "takeover", func() bool { return ls.count() == 1 })
	if d := time.Since(start); d > dead.cfg.TTL+dead.cfg.Retry+300*time.Millisecond {
		t.Fatalf("takeover after %v, TTL %v", d, dead.cfg.TTL)
	}
}

// startRecordedBroker starts a broker on be that records what it delivers,
// subscribed to topic "x".
func startRecordedBroker(t *testing.T, be backend) (redis.UniversalClient, string, *Broker, *brokertest.Recorder) {
	t.Helper()
	c := be.open(t)
	prefix := testPrefix(t, c)
	b := newTestBroker(t, Config{Client: c, Prefix: prefix})
	rec := brokertest.NewRecorder()
	if err := b.Start(rec); err != nil {
		t.Fatal(err)
	}
	if err := b.Subscribe(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	return c, prefix, b, rec
}

// Publishes fenced by a lease go through while it is held, are refused once
// another instance holds it, and go through again after Redis lost the key.
func TestFencedPublish(t *testing.T) {
	t.Parallel()
	forBackends(t, func(t *testing.T, be backend) {
		c, prefix, b, rec := startRecordedBroker(t, be)
		l := newTestLease(t, c, prefix, "me")
		value, err := l.acquire(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		ctx := WithFence(context.Background(), Fence{Key: l.key, Value: value, TTL: l.cfg.TTL})
		if _, err := b.Publish(ctx, "x", []byte("1"), 1); err != nil {
			t.Fatalf("publish while holding the lease: %v", err)
		}
		c.Set(context.Background(), l.key, "99:other", time.Minute)
		if _, err := b.Publish(ctx, "x", []byte("2"), 1); !errors.Is(err, ErrFenced) {
			t.Fatalf("publish after losing the lease: err %v, want ErrFenced", err)
		}
		c.Del(context.Background(), l.key)
		seq, err := b.Publish(ctx, "x", []byte("3"), 1)
		if err != nil {
			t.Fatalf("publish after Redis lost the lease key: %v", err)
		}
		evs := rec.WaitSeq(t, seq)
		if len(evs) != 2 || string(evs[0].Data) != "1" || string(evs[1].Data) != "3" {
			t.Fatalf("delivered %d events, want 1 and 3", len(evs))
		}
		if got := c.Get(context.Background(), l.key).Val(); got != value {
			t.Fatalf("lease value after re-claim = %q, want %q", got, value)
		}
	})
}

// Async publishes of a lost lease are dropped, not delivered.
func TestFencedPublishAsync(t *testing.T) {
	t.Parallel()
	forBackends(t, func(t *testing.T, be backend) {
		c, prefix, b, rec := startRecordedBroker(t, be)
		key := prefix + "lease:src"
		c.Set(context.Background(), key, "1:other", time.Minute)
		ctx := WithFence(context.Background(), Fence{Key: key, Value: "2:me", TTL: time.Second})
		if err := b.PublishAsync(ctx, "x", []byte("fenced"), 1); err != nil {
			t.Fatal(err)
		}
		// Same queue, so published after the fenced one.
		if err := b.PublishAsync(context.Background(), "x", []byte("free"), 1); err != nil {
			t.Fatal(err)
		}
		evs := rec.WaitN(t, 1)
		if len(evs) != 1 || string(evs[0].Data) != "free" {
			t.Fatalf("delivered %v, want only the unfenced event", evs)
		}
	})
}
