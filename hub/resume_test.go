package hub

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

func u64(v uint64) *uint64 { return &v }

// Resume returns exactly the missed events of the subscribed topics, in
// order, no duplicates, then recovered complete:true, then live events.
func TestResumeReplaysExactlyTheMissedEvents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h, _ := newTestHub(t, Config{}, MemoryConfig{})
	var lastSeen uint64
	var missed []uint64
	for i := range 40 {
		topic := []string{"trade:A", "quote:A", "quote:Z"}[i%3]
		seq := publish(t, h, topic, fmt.Sprint(i))
		switch {
		case i == 9:
			lastSeen = seq
		case i > 9 && topic != "quote:Z":
			missed = append(missed, seq)
		}
	}
	waitHead(t, h, lastSeen+30)
	s := h.NewSubscriber()
	defer s.Close(ctx)
	s.Subscribe(ctx, SubscribeRequest{ID: []byte(`"r"`), Topics: []string{"trade:A", "quote:A"}, Since: u64(lastSeen), Epoch: h.Epoch()})
	got := collect(t, s, func(m []msg) bool { return count(m, "recovered") == 1 })
	var replayed []uint64
	for _, m := range got {
		if m.Type == "event" {
			replayed = append(replayed, m.Seq)
		}
	}
	if fmt.Sprint(replayed) != fmt.Sprint(missed) {
		t.Fatalf("replayed %v, want %v", replayed, missed)
	}
	rec := got[len(got)-1]
	if !rec.Complete || rec.From != lastSeen || rec.To != h.Head() {
		t.Fatalf("recovered = %+v, want complete from %d to %d", rec, lastSeen, h.Head())
	}
	live := publish(t, h, "trade:A", `"live"`)
	got = collect(t, s, func(m []msg) bool { return len(m) >= 1 })
	if got[0].Seq != live {
		t.Fatalf("after recovery got %+v, want live seq %d", got[0], live)
	}
}

func TestResumeBeyondHistory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// The broker's clock runs a second ahead, so events stamped by the hub
	// are past the 1 ns age bound even when all fall in one millisecond.
	later := func() time.Time { return time.Now().Add(time.Second) }
	h, _ := newTestHub(t, Config{}, MemoryConfig{History: HistoryConfig{MinEvents: 5, MinAge: time.Nanosecond}, Now: later})
	var seq uint64
	for i := range 50 {
		seq = publish(t, h, "quote:A", fmt.Sprint(i))
	}
	waitHead(t, h, seq)
	cases := []struct {
		name  string
		since uint64
		epoch string
	}{
		{"trimmed history", 1, ""},
		{"other epoch", seq - 1, "not-this-one"},
		{"since above head", seq + 100, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := h.NewSubscriber()
			defer s.Close(ctx)
			s.Subscribe(ctx, SubscribeRequest{Topics: []string{"quote:A"}, Since: u64(tc.since), Epoch: tc.epoch})
			got := collect(t, s, func(m []msg) bool { return count(m, "snapshot") == 1 })
			types := make([]string, len(got))
			for i, m := range got {
				types[i] = m.Type
			}
			if strings.Join(types, ",") != "ack,recovered,snapshot" || got[1].Complete {
				t.Fatalf("got %v (%+v), want ack, recovered complete:false, snapshot", types, got[1])
			}
			if got[2].Seq != seq {
				t.Fatalf("snapshot seq %d, want %d", got[2].Seq, seq)
			}
		})
	}
}

// A subscriber that stops reading is ended once its stream queue passes the
// byte bound; the queue never grows past it; others keep receiving.
func TestSlowConsumerIsEndedAndBounded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const limit = 4096
	h, _ := newTestHub(t, Config{QueueBytes: limit}, MemoryConfig{})
	slow, fast := h.NewSubscriber(), h.NewSubscriber()
	defer slow.Close(ctx)
	defer fast.Close(ctx)
	for _, s := range []*Subscriber{slow, fast} {
		s.Subscribe(ctx, SubscribeRequest{Topics: []string{"trade:A", "quote:A"}})
	}
	collect(t, fast, func(m []msg) bool { return count(m, "ack") == 1 })
	payload := `"` + strings.Repeat("x", 100) + `"`
	maxQueued := 0
	var last uint64
	for range 200 {
		last = publish(t, h, "trade:A", payload)
		publish(t, h, "quote:A", payload)
		maxQueued = max(maxQueued, slow.QueuedBytes())
		collect(t, fast, func(m []msg) bool { return count(m, "event") >= 1 })
	}
	waitHead(t, h, last)
	if maxQueued > limit {
		t.Fatalf("slow queue reached %d bytes, bound %d", maxQueued, limit)
	}
	if _, err := slow.Drain(nil); err != ErrSlowConsumer {
		t.Fatalf("slow subscriber Drain err = %v, want ErrSlowConsumer", err)
	}
	if h.Stats().SlowConsumers != 1 {
		t.Fatalf("stats: %+v", h.Stats())
	}
}

// State topics conflate: a subscriber that does not drain holds one pending
// event per topic, the latest.
func TestConflationKeepsLatestPerTopic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h, _ := newTestHub(t, Config{}, MemoryConfig{})
	s := h.NewSubscriber()
	defer s.Close(ctx)
	s.Subscribe(ctx, SubscribeRequest{Topics: []string{"quote:A", "quote:B"}})
	collect(t, s, func(m []msg) bool { return count(m, "ack") == 1 })
	var lastA, lastB uint64
	for i := range 100 {
		lastA = publish(t, h, "quote:A", fmt.Sprint(i))
		lastB = publish(t, h, "quote:B", fmt.Sprint(i))
	}
	waitHead(t, h, lastB)
	got := collect(t, s, func(m []msg) bool { return len(m) >= 2 })
	if len(got) != 2 || got[0].Seq != lastA || got[1].Seq != lastB {
		t.Fatalf("got %+v, want the latest of A (%d) then B (%d)", got, lastA, lastB)
	}
	if c := h.Stats().Conflated; c != 198 {
		t.Fatalf("conflated %d, want 198: the 99 older values of each topic", c)
	}
}

func TestSubscriberMaxTopics(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h, _ := newTestHub(t, Config{MaxTopics: 4}, MemoryConfig{})
	for _, tc := range []struct {
		name string
		set  int
		want int // topics held before too_many_topics
	}{
		{"below the hub's", 2, 2},
		{"above the hub's", 10, 4},
		{"unset", 0, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := h.NewSubscriber()
			defer s.Close(ctx)
			s.SetMaxTopics(tc.set)
			if s.MaxTopics() != tc.want {
				t.Fatalf("MaxTopics() = %d, want %d", s.MaxTopics(), tc.want)
			}
			for i := range tc.want + 1 {
				s.Subscribe(ctx, SubscribeRequest{Topics: []string{fmt.Sprintf("quote:S%d", i)}})
			}
			got := collect(t, s, func(m []msg) bool { return len(m) >= tc.want+1 })
			if n := count(got, "ack"); n != tc.want {
				t.Fatalf("%d acks, want %d: %+v", n, tc.want, got)
			}
			if last := got[tc.want]; last.Type != "error" || last.Code != "too_many_topics" {
				t.Fatalf("subscribe %d got %+v, want too_many_topics", tc.want+1, last)
			}
		})
	}
}

func TestUnsubscribeAndLimits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h, _ := newTestHub(t, Config{MaxTopics: 4}, MemoryConfig{})
	s := h.NewSubscriber()
	defer s.Close(ctx)
	s.Subscribe(ctx, SubscribeRequest{ID: []byte("1"), Topics: []string{"quote:@G", "quote:A"}})
	s.Subscribe(ctx, SubscribeRequest{ID: []byte("2"), Topics: []string{"quote:X", "quote:Y"}})
	s.Unsubscribe(ctx, []byte("3"), []string{"quote:@G", "quote:never", "quote:BAD"})
	got := collect(t, s, func(m []msg) bool { return count(m, "ack") == 2 && count(m, "error") == 2 })
	if got[1].Type != "error" || got[1].Code != "too_many_topics" {
		t.Fatalf("got %+v, want too_many_topics for request 2", got)
	}
	if strings.Join(got[2].Topics, ",") != "quote:@G,quote:never" || got[3].Code != "unknown_topic" {
		t.Fatalf("unsubscribe replies %+v", got[2:])
	}
	// quote:A is still held through its own request; B and C are released.
	publish(t, h, "quote:B", "1")
	seq := publish(t, h, "quote:A", "1")
	got = collect(t, s, func(m []msg) bool { return len(m) >= 1 })
	if got[0].Seq != seq || got[0].Topic != "quote:A" {
		t.Fatalf("after unsubscribe got %+v, want quote:A seq %d only", got, seq)
	}
}
