package hub

import (
	"context"
	"testing"
	"time"
)

// Flags are distinct across chunk boundaries, and a flag given back comes
// out again cleared.
func TestFlagSlab(t *testing.T) {
	t.Parallel()
	var f flagSlab
	seen := map[any]bool{}
	for range flagChunk + 3 {
		fl := f.get()
		if seen[fl] || fl.Load() != 0 {
			t.Fatalf("flag %p handed out twice or not clear", fl)
		}
		seen[fl] = true
		fl.Store(1)
	}
	again := f.get()
	if again.Load() != 0 || seen[again] {
		t.Fatalf("flag %p: %d, seen before %v", again, again.Load(), seen[again])
	}
	again.Store(1)
	f.put(again)
	if got := f.get(); got != again || got.Load() != 0 {
		t.Fatalf("get after put = %p (%d), want %p cleared", got, got.Load(), again)
	}
}

// A subscriber that takes over a closed one's flag is woken by the next
// event of its topic, whatever the closed one's writer still does.
func TestFlagReusedAfterClose(t *testing.T) {
	t.Parallel()
	h, _ := newTestHub(t, Config{}, MemoryConfig{})
	ctx := context.Background()
	old := h.NewSubscriber()
	old.Subscribe(ctx, SubscribeRequest{Topics: []string{"quote:A"}})
	publish(t, h, "quote:A", `1`)
	waitReady(t, old)
	old.Close(ctx)
	if _, err := old.Drain(nil); err == nil {
		t.Fatal("Drain after Close gave no error")
	}

	s := h.NewSubscriber()
	if s.dirty != old.dirty {
		t.Fatal("the new subscriber did not reuse the closed one's flag")
	}
	s.Subscribe(ctx, SubscribeRequest{Topics: []string{"quote:A"}})
	waitReady(t, s)
	if _, err := s.Drain(nil); err != nil { // the snapshot; the flag is clear again
		t.Fatal(err)
	}
	_, _ = old.Drain(nil) // the closed one's writer, late
	publish(t, h, "quote:A", `2`)
	waitReady(t, s)
	items, err := s.Drain(nil)
	if err != nil || len(items) != 1 || items[0].Kind != ItemEvent || string(items[0].Event.Data) != "2" {
		t.Fatalf("after the next event: %+v, %v", items, err)
	}
}

func waitReady(t *testing.T, s *Subscriber) {
	t.Helper()
	select {
	case <-s.Ready():
	case <-time.After(5 * time.Second):
		t.Fatal("the subscriber was not woken")
	}
}
