package feeds

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

func TestTradingHours(t *testing.T) {
	t.Parallel()
	h := tradingHours{cal: market.DefaultCalendar(), exchanges: []market.Exchange{market.HOSE, market.HNX, market.UPCOM}}
	at := func(d, hh, mm int) time.Time { return time.Date(2026, 3, d, hh, mm, 0, 0, market.ICT) }
	tests := []struct {
		name            string
		t               time.Time
		open            bool
		nextOpen, close time.Time
	}{
		{"morning", at(4, 10, 0), true, at(4, 13, 0), at(4, 11, 30)},
		{"lunch", at(4, 12, 0), false, at(4, 13, 0), at(4, 15, 0)},
		{"afternoon", at(4, 14, 50), true, at(5, 9, 0), at(4, 15, 0)},
		{"before the open", at(4, 8, 0), false, at(4, 9, 0), at(4, 11, 30)},
		{"saturday", at(7, 10, 0), false, at(9, 9, 0), at(9, 11, 30)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := h.open(tc.t); got != tc.open {
				t.Errorf("open = %v, want %v", got, tc.open)
			}
			if got := h.nextOpen(tc.t); !got.Equal(tc.nextOpen) {
				t.Errorf("nextOpen = %v, want %v", got, tc.nextOpen)
			}
			if got := h.nextClose(tc.t); !got.Equal(tc.close) {
				t.Errorf("nextClose = %v, want %v", got, tc.close)
			}
		})
	}
}

// tickFeed publishes a tick every second while it runs and records when
// each Run started; it ends by itself after `ends` ticks when ends > 0,
// returning err.
type tickFeed struct {
	now  func() time.Time
	ends int
	err  error

	mu     sync.Mutex
	starts []time.Time
}

func (f *tickFeed) Name() string { return "tick" }

func (f *tickFeed) Run(ctx context.Context, pub Publisher) error {
	f.mu.Lock()
	f.starts = append(f.starts, f.now())
	f.mu.Unlock()
	for n := 1; ; n++ {
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Second):
		}
		_ = pub.Publish(ctx, "tick", nil, f.now().UnixMilli())
		if n == f.ends {
			return f.err
		}
	}
}

// tickTimes records the calendar time of each tick.
type tickTimes struct {
	now func() time.Time
	mu  sync.Mutex
	at  []time.Time
}

func (r *tickTimes) Publish(context.Context, string, []byte, int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.at = append(r.at, r.now())
	return nil
}

// TestSessionGate runs a gated feed from Friday 11:20 to Monday 09:05: it
// runs only in the trading periods (Friday until 11:30 and 13:00-15:00,
// Monday from 09:00), restarted for each one, and never over the weekend.
func TestSessionGate(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		now := bubbleClock(time.Date(2026, 3, 6, 11, 20, 0, 0, market.ICT))
		feed := &tickFeed{now: now}
		pub := &tickTimes{now: now}
		g := &SessionGate{Feed: feed, Now: now}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- g.Run(ctx, pub) }()
		time.Sleep(69*time.Hour + 45*time.Minute)
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run: %v", err)
		}
		h := tradingHours{cal: market.DefaultCalendar(), exchanges: []market.Exchange{market.HOSE, market.HNX, market.UPCOM}}
		for _, at := range pub.at {
			if !h.open(at.Add(-time.Millisecond)) { // a tick is sent just after its second
				t.Fatalf("tick at %v, outside trading", at)
			}
		}
		at := func(d, hh, mm int) time.Time { return time.Date(2026, 3, d, hh, mm, 0, 0, market.ICT) }
		want := []time.Time{at(6, 11, 20), at(6, 13, 0), at(9, 9, 0)}
		if len(feed.starts) != len(want) {
			t.Fatalf("feed started at %v, want %v", feed.starts, want)
		}
		for i := range want {
			if !feed.starts[i].Equal(want[i]) {
				t.Errorf("start %d at %v, want %v", i, feed.starts[i], want[i])
			}
		}
		// 10 min + 2 h + 5 min of one tick a second.
		if n := len(pub.at); n < 8100-3 || n > 8100 {
			t.Errorf("%d ticks, want about 8100", n)
		}
	})
}

// TestSessionGateFeedEnds: a feed that ends by itself ends the gate, with
// its error.
func TestSessionGateFeedEnds(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	for _, want := range []error{nil, boom} {
		synctest.Test(t, func(t *testing.T) {
			now := bubbleClock(time.Date(2026, 3, 4, 10, 0, 0, 0, market.ICT))
			g := &SessionGate{Feed: &tickFeed{now: now, ends: 3, err: want}, Now: now}
			if err := g.Run(context.Background(), &tickTimes{now: now}); !errors.Is(err, want) || (want == nil && err != nil) {
				t.Errorf("Run = %v, want %v", err, want)
			}
		})
	}
	if err := (&SessionGate{}).Run(context.Background(), &tickTimes{}); err == nil {
		t.Error("a gate without a feed ran")
	}
}
