package hub

import (
	"context"
	"slices"
	"testing"
)

func pullNames(s *Subscriber) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var names []string
	for _, ts := range s.pulls.topics {
		names = append(names, ts.name)
	}
	return names
}

// Subscribers of the same group share one topic list; a later subscribe or
// unsubscribe of one of them gives it a list of its own and leaves the
// shared one as it was; delivery follows each subscriber's own topics.
func TestPullListsShared(t *testing.T) {
	t.Parallel()
	h, _ := newTestHub(t, Config{}, MemoryConfig{})
	ctx := context.Background()
	group := []string{"quote:A", "quote:B", "quote:C"}
	sub := func(topics ...string) *Subscriber {
		s := h.NewSubscriber()
		s.Subscribe(ctx, SubscribeRequest{Topics: topics})
		t.Cleanup(func() { s.Close(ctx) })
		return s
	}
	s1, s2 := sub("quote:@G"), sub("quote:@G")
	if &s1.pulls.topics[0] != &s2.pulls.topics[0] {
		t.Fatal("two subscribers of the same group hold two topic lists")
	}
	shared := s1.pulls.topics
	s1.Subscribe(ctx, SubscribeRequest{Topics: []string{"quote:D"}})
	s2.Unsubscribe(ctx, nil, []string{"quote:@G"})
	s3 := sub("quote:@G")
	for name, tt := range map[string]struct {
		s    *Subscriber
		want []string
	}{
		"s1": {s1, append(slices.Clone(group), "quote:D")},
		"s2": {s2, nil},
		"s3": {s3, group},
	} {
		if got := pullNames(tt.s); !slices.Equal(got, tt.want) {
			t.Errorf("%s pulls %v, want %v", name, got, tt.want)
		}
	}
	if &s3.pulls.topics[0] != &shared[0] || len(shared) != 3 || shared[2].name != "quote:C" {
		t.Error("the shared list was changed or not reused")
	}
	for _, s := range []*Subscriber{s1, s2, s3} {
		_, _ = s.Drain(nil) // acks
	}
	publish(t, h, "quote:B", `"b"`)
	publish(t, h, "quote:D", `"d"`)
	for _, c := range []struct {
		s    *Subscriber
		want []string
	}{{s1, []string{"quote:B", "quote:D"}}, {s3, []string{"quote:B"}}, {s2, nil}} {
		var got []string
		for len(got) < len(c.want) {
			waitReady(t, c.s)
			items, err := c.s.Drain(nil)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, eventTopics(items)...)
		}
		if c.want == nil { // s1 and s3 have theirs: both events are delivered
			items, _ := c.s.Drain(nil)
			got = eventTopics(items)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("subscriber %d got events of %v, want %v", c.s.ID(), got, c.want)
		}
	}
}

func eventTopics(items []Item) []string {
	var topics []string
	for _, it := range items {
		if it.Kind == ItemEvent {
			topics = append(topics, it.Event.Topic)
		}
	}
	return topics
}
