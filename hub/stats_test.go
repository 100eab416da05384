package hub

import (
	"context"
	"testing"
)

// Stats count queued stream bytes until they are drained, and each topic
// kind's events and offers.
func TestStatsQueuedBytesAndKinds(t *testing.T) {
	t.Parallel()
	h, _ := newTestHub(t, Config{}, MemoryConfig{})
	s := h.NewSubscriber()
	defer s.Close(context.Background())
	s.Subscribe(context.Background(), SubscribeRequest{ID: []byte("1"), Topics: []string{"trade:A", "quote:A"}})
	collect(t, s, func(m []msg) bool { return len(m) >= 1 }) // the ack
	waitHead(t, h, publish(t, h, "trade:A", `{"v":1}`))
	waitHead(t, h, publish(t, h, "trade:A", `{"v":2}`))
	waitHead(t, h, publish(t, h, "quote:A", `{"p":1}`))
	if q := h.Stats().QueuedBytes; q <= 0 {
		t.Fatalf("queued bytes %d with two undrained trades", q)
	}
	kinds := h.StatsByKind()
	if k := kinds["trade"]; k.Received != 2 || k.Delivered != 2 {
		t.Fatalf("trade kind %+v, want 2 received, 2 delivered", k)
	}
	if k := kinds["quote"]; k.Received != 1 || k.Delivered != 1 {
		t.Fatalf("quote kind %+v", k)
	}
	collect(t, s, func(m []msg) bool { return len(m) >= 3 })
	if q := h.Stats().QueuedBytes; q != 0 {
		t.Fatalf("queued bytes %d after the drain", q)
	}
}
