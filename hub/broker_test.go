package hub

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// recorder is a Deliverer that keeps what it is given.
type recorder struct {
	mu  sync.Mutex
	evs []*Event
	got chan struct{}
}

func newRecorder() *recorder { return &recorder{got: make(chan struct{}, 1)} }

func (r *recorder) Deliver(ev *Event) {
	r.mu.Lock()
	r.evs = append(r.evs, ev)
	r.mu.Unlock()
	select {
	case r.got <- struct{}{}:
	default:
	}
}

func (r *recorder) waitN(t *testing.T, n int) []*Event {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		r.mu.Lock()
		if len(r.evs) >= n {
			out := append([]*Event(nil), r.evs...)
			r.mu.Unlock()
			return out
		}
		r.mu.Unlock()
		select {
		case <-r.got:
		case <-deadline:
			t.Fatalf("delivered %d events, want %d", len(r.evs), n)
		}
	}
}

// testBroker is the contract every Broker implementation passes.
func testBroker(t *testing.T, newBroker func(t *testing.T, hist HistoryConfig) Broker) {
	ctx := context.Background()
	t.Run("seq increases and delivery is in order", func(t *testing.T) {
		b := newBroker(t, HistoryConfig{})
		rec := newRecorder()
		if err := b.Start(rec); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 50 {
					if _, err := b.Publish(ctx, fmt.Sprintf("t:%d", w), []byte(fmt.Sprint(i)), 1); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
		evs := rec.waitN(t, 200)
		for i := 1; i < len(evs); i++ {
			if evs[i].Seq != evs[i-1].Seq+1 {
				t.Fatalf("seq %d follows %d", evs[i].Seq, evs[i-1].Seq)
			}
		}
	})
	t.Run("history reads a window and reports trimming", func(t *testing.T) {
		b := newBroker(t, HistoryConfig{MinEvents: 10, MinAge: time.Nanosecond})
		rec := newRecorder()
		if err := b.Start(rec); err != nil {
			t.Fatal(err)
		}
		var last uint64
		for i := range 30 {
			topic := "a"
			if i%2 == 1 {
				topic = "b"
			}
			seq, err := b.Publish(ctx, topic, []byte(`{}`), 1)
			if err != nil {
				t.Fatal(err)
			}
			last = seq
		}
		rec.waitN(t, 30)
		evs, ok, err := b.History(ctx, last-6, last, func(s string) bool { return s == "a" })
		if err != nil || !ok {
			t.Fatalf("History = ok %v, err %v", ok, err)
		}
		if len(evs) != 3 {
			t.Fatalf("got %d events of topic a in the last 6, want 3", len(evs))
		}
		if _, ok, _ := b.History(ctx, last-29, last, nil); ok {
			t.Fatal("history of 30 events kept beyond its bound of 10 events")
		}
		if _, ok, _ := b.History(ctx, last, last, nil); !ok {
			t.Fatal("an empty window must be complete")
		}
	})
	t.Run("last values", func(t *testing.T) {
		b := newBroker(t, HistoryConfig{})
		rec := newRecorder()
		if err := b.Start(rec); err != nil {
			t.Fatal(err)
		}
		for _, d := range []string{`1`, `2`} {
			if _, err := b.Publish(ctx, "x", []byte(d), 1); err != nil {
				t.Fatal(err)
			}
		}
		rec.waitN(t, 2)
		evs, err := b.LastValues(ctx, []string{"x", "never"})
		if err != nil || len(evs) != 1 || string(evs[0].Data) != "2" {
			t.Fatalf("LastValues = %v, %v", evs, err)
		}
	})
	t.Run("closed broker refuses publishes", func(t *testing.T) {
		b := newBroker(t, HistoryConfig{})
		if err := b.Start(newRecorder()); err != nil {
			t.Fatal(err)
		}
		if err := b.Close(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Publish(ctx, "x", nil, 1); err == nil {
			t.Fatal("publish after close succeeded")
		}
	})
}

func TestMemoryBroker(t *testing.T) {
	t.Parallel()
	testBroker(t, func(t *testing.T, hist HistoryConfig) Broker {
		b := NewMemoryBroker(MemoryConfig{History: hist})
		t.Cleanup(func() { _ = b.Close(context.Background()) })
		return b
	})
}

func TestHistoryByteBound(t *testing.T) {
	t.Parallel()
	h := newHistory(HistoryConfig{MinEvents: 1000, MinAge: time.Hour, MaxBytes: 10 * (64 + 1 + 100)})
	for i := range 100 {
		h.add(NewEvent("x", uint64(i+1), 1, make([]byte, 100)), 1)
	}
	if h.len() > 10 {
		t.Fatalf("history holds %d events over its byte bound", h.len())
	}
	if h.oldest() != 91 {
		t.Fatalf("oldest = %d, want 91", h.oldest())
	}
}
