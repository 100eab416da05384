package hub

import (
	"context"
	"sync"
	"testing"
)

// hookBroker is a memory broker that lets a test act inside Subscribe and
// records Unsubscribe calls.
type hookBroker struct {
	*MemoryBroker
	onSubscribe func(topics []string)
	mu          sync.Mutex
	unsubs      [][]string
}

func (b *hookBroker) Subscribe(ctx context.Context, topics ...string) error {
	if b.onSubscribe != nil {
		b.onSubscribe(topics)
	}
	return nil
}

func (b *hookBroker) Unsubscribe(ctx context.Context, topics ...string) error {
	b.mu.Lock()
	b.unsubs = append(b.unsubs, topics)
	b.mu.Unlock()
	return nil
}

func newHookHub(t *testing.T) (*Hub, *hookBroker) {
	t.Helper()
	b := &hookBroker{MemoryBroker: NewMemoryBroker(MemoryConfig{})}
	h, err := New(Config{Classify: classify, Expand: expand}, b)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close(context.Background()) })
	return h, b
}

// A topic whose only subscriber leaves while another is subscribing is not
// reported idle: the broker must keep routing it.
func TestSubscribingTopicIsNotIdle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h, b := newHookHub(t)
	first := h.NewSubscriber()
	first.Subscribe(ctx, SubscribeRequest{Topics: []string{"quote:A"}})
	second := h.NewSubscriber()
	defer second.Close(ctx)
	var during bool
	b.onSubscribe = func(topics []string) {
		during = h.Interested("quote:A")
		first.Close(ctx) // the last registered subscriber leaves meanwhile
	}
	second.Subscribe(ctx, SubscribeRequest{Topics: []string{"quote:A"}})
	if !during {
		t.Fatal("a topic being subscribed is not Interested")
	}
	if len(b.unsubs) != 0 {
		t.Fatalf("broker asked to unsubscribe %v while a subscriber was arriving", b.unsubs)
	}
	b.onSubscribe = nil
	second.Close(ctx)
	if h.Interested("quote:A") {
		t.Fatal("topic still Interested after its last subscriber left")
	}
	if len(b.unsubs) != 1 || b.unsubs[0][0] != "quote:A" {
		t.Fatalf("unsubscribes = %v, want [[quote:A]]", b.unsubs)
	}
}

func TestAdvanceHeadOnlyRaises(t *testing.T) {
	t.Parallel()
	h, _ := newHookHub(t)
	cases := []struct{ advance, want uint64 }{{10, 10}, {5, 10}, {11, 11}}
	for _, c := range cases {
		h.AdvanceHead(c.advance)
		if h.Head() != c.want {
			t.Fatalf("after AdvanceHead(%d) head = %d, want %d", c.advance, h.Head(), c.want)
		}
	}
}

// After Unrouted, a topic's snapshot comes from the broker, not from a last
// value that stopped being updated.
func TestUnroutedDropsLastValue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h, b := newHookHub(t)
	waitHead(t, h, publish(t, h, "quote:A", "1"))
	h.Unrouted([]string{"quote:A"})
	// The broker saw a newer value the hub was not routed.
	ev := NewEvent("quote:A", 99, 1, []byte("2"))
	b.MemoryBroker.mu.Lock()
	b.MemoryBroker.last["quote:A"] = ev
	b.MemoryBroker.mu.Unlock()
	evs, _ := h.Snapshot(ctx, []string{"quote:A"})
	if len(evs) != 1 || string(evs[0].Data) != "2" {
		t.Fatalf("snapshot after Unrouted = %v, want the broker's last value", evs)
	}
}

// Without an AsyncPublisher broker, PublishAsync publishes like Publish.
func TestPublishAsyncFallsBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h, _ := newHookHub(t)
	if err := h.PublishAsync(ctx, "quote:A", []byte("1"), 0); err != nil {
		t.Fatal(err)
	}
	waitHead(t, h, 1)
	if evs, _ := h.Snapshot(ctx, []string{"quote:A"}); len(evs) != 1 || string(evs[0].Data) != "1" {
		t.Fatalf("snapshot = %v", evs)
	}
	if h.Stats().Published != 1 {
		t.Fatalf("stats %+v", h.Stats())
	}
}
