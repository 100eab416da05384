package hub

import (
	"context"
	"fmt"
	"runtime"
	"testing"
)

// BenchmarkFanout measures Deliver (the hub's whole per-event cost: snapshot
// update plus an offer to every subscriber queue) for a conflated topic and a
// stream topic whose subscribers drain in between.
func BenchmarkFanout(b *testing.B) {
	for _, n := range []int{1, 100, 10_000} {
		for _, topic := range []string{"quote:A", "trade:A"} {
			b.Run(fmt.Sprintf("subs=%d/%s", n, TopicKind(topic)), func(b *testing.B) {
				benchFanout(b, n, topic)
			})
		}
	}
}

func benchFanout(b *testing.B, n int, topic string) {
	ctx := context.Background()
	br := NewMemoryBroker(MemoryConfig{})
	h, err := New(Config{Classify: classify, QueueBytes: 1 << 30}, br)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = h.Close(ctx) }()
	subs := make([]*Subscriber, n)
	for i := range subs {
		subs[i] = h.NewSubscriber()
		subs[i].Subscribe(ctx, SubscribeRequest{Topics: []string{topic}})
	}
	data := []byte(`{"symbol":"VNM","close_price":61300,"volume_accumulated":1234500}`)
	items := make([]Item, 0, 1024)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		h.Deliver(NewEvent(topic, uint64(i+1), 1, data))
		if i%64 == 63 { // drain now and then, as writers do
			b.StopTimer()
			for _, s := range subs {
				items, _ = s.Drain(items[:0])
			}
			b.StartTimer()
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/sub")
}

// BenchmarkDrain measures a writer's drain of 30 conflated topics.
func BenchmarkDrain(b *testing.B) {
	ctx := context.Background()
	h, err := New(Config{Classify: classify}, NewMemoryBroker(MemoryConfig{}))
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = h.Close(ctx) }()
	s := h.NewSubscriber()
	var topics []string
	for i := range 30 {
		topics = append(topics, fmt.Sprintf("quote:S%d", i))
	}
	s.Subscribe(ctx, SubscribeRequest{Topics: topics})
	data := []byte(`{"symbol":"VNM","close_price":61300}`)
	evs := make([]*Event, len(topics))
	for i, t := range topics {
		evs[i] = NewEvent(t, uint64(i+1), 1, data)
	}
	items := make([]Item, 0, 64)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		for _, ev := range evs {
			s.offer(ev, ev.Topic, true)
		}
		items, _ = s.Drain(items[:0])
	}
}

// BenchmarkSubscriberMemory reports the live heap each idle subscriber of a
// 30-member group costs (B/subscriber), the hub's share of an idle
// connection's memory. The group expands to fresh strings on every call, as
// the market directory's expansion does.
func BenchmarkSubscriberMemory(b *testing.B) {
	const group, n = "quote:@G30", 5000
	expand30 := func(t string) ([]string, error) {
		if t != group {
			return []string{t}, nil
		}
		out := make([]string, 30)
		for i := range out {
			out[i] = fmt.Sprintf("quote:S%02d", i)
		}
		return out, nil
	}
	ctx := context.Background()
	b.ReportAllocs()
	for range b.N {
		h, err := New(Config{Classify: classify, Expand: expand30}, NewMemoryBroker(MemoryConfig{}))
		if err != nil {
			b.Fatal(err)
		}
		before := liveHeap()
		subs := make([]*Subscriber, n)
		for i := range subs {
			subs[i] = h.NewSubscriber()
			subs[i].Subscribe(ctx, SubscribeRequest{Topics: []string{group}})
			subs[i].Drain(nil)
		}
		b.ReportMetric(float64(liveHeap()-before)/n, "B/subscriber")
		runtime.KeepAlive(subs)
		_ = h.Close(ctx)
	}
}

func liveHeap() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}
