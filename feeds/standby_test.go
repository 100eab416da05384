package feeds

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// scriptFeed publishes status payloads when told, then waits.
type scriptFeed struct {
	name  string
	steps chan string // "down", "ok", "quit"
}

func (f *scriptFeed) Name() string { return f.name }
func (f *scriptFeed) Run(ctx context.Context, pub Publisher) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case st := <-f.steps:
			if st == "quit" {
				return errors.New("gave up")
			}
			_ = pub.Publish(ctx, "status", []byte(`{"sources":[{"source":"p","state":"`+st+`"}]}`), 0)
		}
	}
}

// runFeed counts how many runs are active.
type runFeed struct {
	active, starts atomic.Int32
}

func (f *runFeed) Name() string { return "backup" }
func (f *runFeed) Run(ctx context.Context, _ Publisher) error {
	f.starts.Add(1)
	f.active.Add(1)
	defer f.active.Add(-1)
	<-ctx.Done()
	return ctx.Err()
}

type countPub struct {
	mu sync.Mutex
	n  int
}

func (c *countPub) Publish(context.Context, string, []byte, int64) error {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	return nil
}

func waitActive(t *testing.T, f *runFeed, want int32) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for f.active.Load() != want {
		if time.Now().After(deadline) {
			t.Fatalf("backup active = %d, want %d", f.active.Load(), want)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestStandby(t *testing.T) {
	t.Parallel()
	primary := &scriptFeed{name: "ssi", steps: make(chan string)}
	backup := &runFeed{}
	s := &Standby{Primary: primary, Backup: backup}
	if s.Name() != "ssi+backup" {
		t.Fatalf("name %q", s.Name())
	}
	ctx, cancel := context.WithCancel(context.Background())
	pub := &countPub{}
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, pub) }()

	primary.steps <- "ok"
	waitActive(t, backup, 0)
	primary.steps <- "down"
	waitActive(t, backup, 1)
	primary.steps <- "degraded"
	primary.steps <- "ok"
	waitActive(t, backup, 0)
	if n := backup.starts.Load(); n != 1 {
		t.Fatalf("backup started %d times, want 1 (a second bad status must not start another)", n)
	}
	primary.steps <- "quit"
	waitActive(t, backup, 1)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	waitActive(t, backup, 0)
	pub.mu.Lock()
	defer pub.mu.Unlock()
	if pub.n != 4 {
		t.Fatalf("%d statuses passed through, want 4", pub.n)
	}
}
