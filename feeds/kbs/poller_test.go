package kbs

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/feeds"
	"github.com/vnstock-api/vnstock-api/market"
)

type topicRecorder struct {
	mu     sync.Mutex
	topics map[string]int
}

func (r *topicRecorder) Publish(_ context.Context, topic string, _ []byte, _ int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.topics[topic]++
	return nil
}

// TestPollerOnKBS runs the board poller on the KBS source against the fake
// upstream in real time (1 s cycles): one stock/iss request per cycle for
// the whole VN30 watchlist, and every symbol's quote on the first board.
func TestPollerOnKBS(t *testing.T) {
	t.Parallel()
	src, fake := newFakeSource(t)
	pub := &topicRecorder{topics: map[string]int{}}
	p, err := feeds.NewPoller(feeds.PollerConfig{Source: src, Symbols: market.VN30, Every: time.Second, AlwaysOn: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx, pub) }()
	deadline := time.After(10 * time.Second)
	for p.Stats().Polls < 3 {
		select {
		case <-deadline:
			t.Fatalf("stats %+v after 10 s", p.Stats())
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	st := p.Stats()
	if n := fake.Count(Name, "/kbs/stock/iss"); int64(n) != st.Polls || st.Errors != 0 {
		t.Errorf("%d board requests for %d polls (%d errors), want one per poll", n, st.Polls, st.Errors)
	}
	pub.mu.Lock()
	defer pub.mu.Unlock()
	quotes := 0
	for topic := range pub.topics {
		if strings.HasPrefix(topic, "quote:") {
			quotes++
		}
	}
	if quotes != len(market.VN30) || pub.topics["status"] != 2 {
		t.Errorf("%d quote topics and %d status events, want %d and ok+stopped", quotes, pub.topics["status"], len(market.VN30))
	}
}
