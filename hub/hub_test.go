package hub

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// classify conflates every topic but `trade:` ones, keyed by topic.
func classify(topic string, _ []byte) (string, bool) {
	return topic, !strings.HasPrefix(topic, "trade:")
}

func expand(t string) ([]string, error) {
	switch {
	case t == "quote:@G":
		return []string{"quote:A", "quote:B", "quote:C"}, nil
	case strings.Contains(t, "BAD"):
		return nil, &TopicError{Code: "unknown_topic", Message: t + ": unknown symbol"}
	}
	return []string{t}, nil
}

func newTestHub(t *testing.T, cfg Config, mc MemoryConfig) (*Hub, *MemoryBroker) {
	t.Helper()
	if cfg.Classify == nil {
		cfg.Classify = classify
	}
	if cfg.Expand == nil {
		cfg.Expand = expand
	}
	b := NewMemoryBroker(mc)
	h, err := New(cfg, b)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close(context.Background()) })
	return h, b
}

type msg struct {
	Type     string          `json:"type"`
	Topic    string          `json:"topic"`
	Seq      uint64          `json:"seq"`
	Data     json.RawMessage `json:"data"`
	Topics   []string        `json:"topics"`
	Code     string          `json:"code"`
	Complete bool            `json:"complete"`
	From     uint64          `json:"from"`
	To       uint64          `json:"to"`
}

// collect drains s until stop says so or 5 s pass.
func collect(t *testing.T, s *Subscriber, stop func([]msg) bool) []msg {
	t.Helper()
	var out []msg
	var items []Item
	deadline := time.After(5 * time.Second)
	for !stop(out) {
		select {
		case <-s.Ready():
		case <-deadline:
			t.Fatalf("timed out; got %d messages: %+v", len(out), out)
		}
		var err error
		items, err = s.Drain(items[:0])
		if err != nil {
			t.Fatalf("drain: %v", err)
		}
		for _, it := range items {
			var m msg
			line := it.AppendJSON(nil)
			if err := json.Unmarshal(line, &m); err != nil {
				t.Fatalf("invalid JSON %s: %v", line, err)
			}
			out = append(out, m)
		}
	}
	return out
}

func publish(t *testing.T, h *Hub, topic, data string) uint64 {
	t.Helper()
	seq, err := h.Publish(context.Background(), topic, []byte(data), 0)
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

func waitHead(t *testing.T, h *Hub, seq uint64) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for h.Head() < seq {
		if time.Now().After(deadline) {
			t.Fatalf("head %d never reached %d", h.Head(), seq)
		}
		time.Sleep(time.Millisecond)
	}
}

func count(ms []msg, typ string) int {
	n := 0
	for _, m := range ms {
		if m.Type == typ {
			n++
		}
	}
	return n
}

func TestSubscribeAckSnapshotEvent(t *testing.T) {
	t.Parallel()
	h, _ := newTestHub(t, Config{}, MemoryConfig{})
	waitHead(t, h, publish(t, h, "quote:A", `{"p":1}`))
	s := h.NewSubscriber()
	defer s.Close(context.Background())
	s.Subscribe(context.Background(), SubscribeRequest{ID: []byte("1"), Topics: []string{"quote:@G", "trade:A", "quote:BAD"}})
	got := collect(t, s, func(m []msg) bool { return len(m) >= 3 })
	if got[0].Type != "ack" || strings.Join(got[0].Topics, ",") != "quote:@G,trade:A" {
		t.Fatalf("first message %+v, want ack of quote:@G,trade:A", got[0])
	}
	if got[1].Type != "error" || got[1].Code != "unknown_topic" {
		t.Fatalf("second message %+v, want unknown_topic error", got[1])
	}
	if got[2].Type != "snapshot" || got[2].Topic != "quote:A" || string(got[2].Data) != `{"p":1}` {
		t.Fatalf("third message %+v, want snapshot of quote:A", got[2])
	}
	seq := publish(t, h, "quote:B", `{"p":2}`)
	got = collect(t, s, func(m []msg) bool { return len(m) >= 1 })
	if got[0].Type != "event" || got[0].Seq != seq {
		t.Fatalf("got %+v, want event seq %d", got[0], seq)
	}
}

// Snapshot-before-event with no race: whatever the interleaving of publishes
// and the subscribe, each topic's first message is its snapshot (if any) and
// no event with a seq at or below it follows; events arrive in increasing seq.
func TestSnapshotOrderingUnderConcurrentPublish(t *testing.T) {
	t.Parallel()
	h, _ := newTestHub(t, Config{}, MemoryConfig{})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				_, _ = h.Publish(ctx, fmt.Sprintf("quote:%c", 'A'+w), []byte(fmt.Sprint(i)), 0)
			}
		}()
	}
	defer func() { cancel(); wg.Wait() }()
	for range 20 {
		s := h.NewSubscriber()
		s.Subscribe(ctx, SubscribeRequest{Topics: []string{"quote:@G"}})
		got := collect(t, s, func(m []msg) bool { return count(m, "event") >= 30 })
		checkOrdering(t, got)
		s.Close(ctx)
	}
}

func checkOrdering(t *testing.T, got []msg) {
	t.Helper()
	floor := map[string]uint64{}
	var lastEvent uint64
	for _, m := range got {
		switch m.Type {
		case "snapshot":
			if _, seen := floor[m.Topic]; seen {
				t.Fatalf("snapshot of %s after its events", m.Topic)
			}
			floor[m.Topic] = m.Seq
		case "event":
			if m.Seq <= floor[m.Topic] && floor[m.Topic] != 0 {
				t.Fatalf("event %s seq %d not above its snapshot %d", m.Topic, m.Seq, floor[m.Topic])
			}
			if m.Seq <= lastEvent {
				t.Fatalf("event seq %d after %d", m.Seq, lastEvent)
			}
			lastEvent = m.Seq
			floor[m.Topic] = m.Seq
		}
	}
}

// Pulled (quote) and pushed (trade) topics published at once still reach a
// subscriber in strictly increasing seq, with every trade, none repeated.
func TestPulledAndPushedKeepSeqOrder(t *testing.T) {
	t.Parallel()
	h, _ := newTestHub(t, Config{QueueBytes: 64 << 20}, MemoryConfig{})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, topic := range []string{"quote:A", "quote:B", "trade:A"} {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				_, _ = h.Publish(ctx, topic, []byte(fmt.Sprint(i)), 0)
			}
		})
	}
	defer func() { cancel(); wg.Wait() }()
	for range 10 {
		s := h.NewSubscriber()
		s.Subscribe(ctx, SubscribeRequest{Topics: []string{"quote:A", "quote:B", "trade:A"}})
		got := collect(t, s, func(m []msg) bool { return count(m, "event") >= 200 })
		checkOrdering(t, got)
		var trades []string
		for _, m := range got {
			if m.Type == "event" && m.Topic == "trade:A" {
				trades = append(trades, string(m.Data))
			}
		}
		for i := 1; i < len(trades); i++ { // the trade publisher counts up by one
			var a, b int
			if _, err := fmt.Sscan(trades[i-1], &a); err != nil {
				t.Fatal(err)
			}
			if _, err := fmt.Sscan(trades[i], &b); err != nil {
				t.Fatal(err)
			}
			if b != a+1 {
				t.Fatalf("trade %d followed by %d: a stream event was lost or repeated", a, b)
			}
		}
		s.Close(ctx)
	}
}
