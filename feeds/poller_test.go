package feeds

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vnstock-api/vnstock-api/market"
)

// boardSource is a fake board Source: board(n, now) answers the n-th Fetch
// (0-based); every Fetch is recorded with the calendar instant it happened.
type boardSource struct {
	now   func() time.Time
	board func(n int, now time.Time) ([]market.Quote, error)

	mu    sync.Mutex
	calls []time.Time
	sizes []int
}

func (s *boardSource) Name() string { return "fake" }

func (s *boardSource) Fetch(_ context.Context, q market.Query) (market.Result, error) {
	s.mu.Lock()
	n := len(s.calls)
	now := s.now()
	s.calls = append(s.calls, now)
	s.sizes = append(s.sizes, len(q.Symbols))
	s.mu.Unlock()
	if q.Capability != market.CapBoard {
		return market.Result{}, market.ErrUnsupported
	}
	quotes, err := s.board(n, now)
	return market.Result{Source: "fake", Quotes: quotes}, err
}

func (s *boardSource) fetches() ([]time.Time, []int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.calls...), append([]int(nil), s.sizes...)
}

// pollRecorder keeps every published event; safe for concurrent use.
type pollRecorder struct {
	mu     sync.Mutex
	topics []string
	bodies [][]byte
}

func (r *pollRecorder) Publish(_ context.Context, topic string, payload []byte, _ int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.topics, r.bodies = append(r.topics, topic), append(r.bodies, payload)
	return nil
}

// events returns the events published from index `from` on whose topic
// starts with prefix.
func (r *pollRecorder) events(from int, prefix string) (topics []string, bodies []map[string]any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := from; i < len(r.topics); i++ {
		if strings.HasPrefix(r.topics[i], prefix) {
			var m map[string]any
			_ = json.Unmarshal(r.bodies[i], &m)
			topics, bodies = append(topics, r.topics[i]), append(bodies, m)
		}
	}
	return topics, bodies
}

func (r *pollRecorder) len() int { r.mu.Lock(); defer r.mu.Unlock(); return len(r.topics) }

// staticBoard is a board of syms that never changes.
func staticBoard(syms []market.Symbol) func(int, time.Time) ([]market.Quote, error) {
	return func(int, time.Time) ([]market.Quote, error) {
		out := make([]market.Quote, len(syms))
		for i, s := range syms {
			out[i] = market.Quote{Symbol: s, Exchange: market.HOSE, Ref: 20000, Ceiling: 21400, Floor: 18600,
				Open: 20000, High: 20100, Low: 19900, Last: 20050, TotalVolume: 1000, Source: "fake",
				Time: time.Date(2026, 3, 4, 9, 30, 0, 0, market.ICT)}
		}
		return out, nil
	}
}

// bubbleClock maps the synctest clock onto the calendar from start.
func bubbleClock(start time.Time) func() time.Time {
	t0 := time.Now()
	return func() time.Time { return start.Add(time.Since(t0)).In(market.ICT) }
}

// runFor runs p in the bubble for d of fake time, then stops it.
func runFor(t *testing.T, p *Poller, pub Publisher, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx, pub) }()
	time.Sleep(d) // fake time inside the synctest bubble
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
}

// TestPollerOnlyInSession runs from Friday 14:50 to Monday 09:05 ICT: the
// board is fetched only while an exchange trades (Friday until 15:00,
// Monday from 09:00), never over the weekend or before the open.
func TestPollerOnlyInSession(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		start := time.Date(2026, 3, 6, 14, 50, 0, 0, market.ICT) // a Friday
		now := bubbleClock(start)
		src := &boardSource{now: now, board: staticBoard(market.VN30)}
		cal := market.DefaultCalendar()
		p, err := NewPoller(PollerConfig{Source: src, Symbols: market.VN30, Calendar: cal, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		runFor(t, p, &pollRecorder{}, 66*time.Hour+15*time.Minute)
		calls, sizes := src.fetches()
		friday, monday := 0, 0
		for i, at := range calls {
			open := cal.Phase(market.HOSE, at).Trading() || cal.Phase(market.HNX, at).Trading() || cal.Phase(market.UPCOM, at).Trading()
			if !open {
				t.Fatalf("fetch %d at %v, outside every trading phase", i, at)
			}
			if sizes[i] != len(market.VN30) {
				t.Fatalf("fetch %d asked %d symbols, want the whole watchlist in one query", i, sizes[i])
			}
			switch at.Weekday() {
			case time.Friday:
				friday++
			case time.Monday:
				monday++
			default:
				t.Fatalf("fetch on %v", at)
			}
		}
		// 10 minutes and 5 minutes of 2-second cycles.
		if friday < 295 || friday > 301 || monday < 148 || monday > 151 {
			t.Errorf("%d fetches on Friday, %d on Monday; want about 300 and 150", friday, monday)
		}
		if s := p.Stats(); s.Sleeps < 1 || s.Polls != int64(len(calls)) {
			t.Errorf("stats %+v after %d fetches", s, len(calls))
		}
	})
}

// TestPollerLunchBreak: no fetch between 11:30 and 13:00.
func TestPollerLunchBreak(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		now := bubbleClock(time.Date(2026, 3, 4, 11, 29, 0, 0, market.ICT))
		src := &boardSource{now: now, board: staticBoard([]market.Symbol{"FPT"})}
		p, err := NewPoller(PollerConfig{Source: src, Symbols: []market.Symbol{"FPT"}, Every: 3 * time.Second, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		runFor(t, p, &pollRecorder{}, 92*time.Minute)
		calls, _ := src.fetches()
		lunch0 := time.Date(2026, 3, 4, 11, 30, 0, 0, market.ICT)
		lunch1 := lunch0.Add(90 * time.Minute)
		after := 0
		for _, at := range calls {
			if !at.Before(lunch0) && at.Before(lunch1) {
				t.Fatalf("fetch at %v during the lunch break", at)
			}
			if !at.Before(lunch1) {
				after++
			}
		}
		if len(calls)-after != 20 || after < 19 || after > 21 {
			t.Errorf("%d fetches before lunch, %d after; want 20 (3 s cycles) and about 20", len(calls)-after, after)
		}
	})
}

// TestPollerUnchangedBoard: after the first board (the baseline: every
// quote and day bar), identical boards publish nothing.
func TestPollerUnchangedBoard(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		now := bubbleClock(time.Date(2026, 3, 4, 10, 0, 0, 0, market.ICT))
		src := &boardSource{now: now, board: staticBoard(market.VN30)}
		pub := &pollRecorder{}
		p, err := NewPoller(PollerConfig{Source: src, Symbols: market.VN30, AlwaysOn: true, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		runFor(t, p, pub, 61*time.Second)
		quotes, _ := pub.events(0, "quote:")
		bars, _ := pub.events(0, "bar:")
		trades, _ := pub.events(0, "trade:")
		if len(quotes) != 30 || len(bars) != 30 || len(trades) != 0 {
			t.Errorf("%d quotes, %d bars, %d trades; want 30 quotes and 30 day bars once, no trade", len(quotes), len(bars), len(trades))
		}
		if s := p.Stats(); s.Polls != 31 || s.Unchanged != 30*30 {
			t.Errorf("stats %+v, want 31 polls and 900 unchanged rows", s)
		}
	})
}

// TestPollerTradesAndBars: a cumulative-volume increase becomes one trade
// (the increase, at the last price, no side), a forming 1m bar, and the
// bar is published closed once its minute is over.
func TestPollerTradesAndBars(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		now := bubbleClock(time.Date(2026, 3, 4, 10, 0, 50, 0, market.ICT))
		board := func(n int, at time.Time) ([]market.Quote, error) {
			q := market.Quote{Symbol: "FPT", Exchange: market.HOSE, Ref: 100000, Ceiling: 107000, Floor: 93000,
				Open: 100000, High: 100500, Low: 99800, Last: 100000, TotalVolume: 10000, Time: at, Source: "fake"}
			if n >= 2 { // the third board: 500 shares matched at 100200
				q.Last, q.TotalVolume = 100200, 10500
			}
			return []market.Quote{q}, nil
		}
		src := &boardSource{now: now, board: board}
		pub := &pollRecorder{}
		p, err := NewPoller(PollerConfig{Source: src, Symbols: []market.Symbol{"FPT"}, AlwaysOn: true, Now: now,
			Intervals: []market.Interval{market.Interval1m, market.Interval5m}})
		if err != nil {
			t.Fatal(err)
		}
		runFor(t, p, pub, 75*time.Second)
		_, trades := pub.events(0, "trade:FPT")
		if len(trades) != 1 || trades[0]["volume"] != 500.0 || trades[0]["price"] != 100200.0 ||
			trades[0]["side"] != "unknown" || trades[0]["volume_accumulated"] != 10500.0 {
			t.Fatalf("trades %v, want one of 500 at 100200, side unknown", trades)
		}
		topics, bars := pub.events(0, "bar:FPT:1m")
		if len(bars) != 2 || bars[0]["volume"] != 500.0 || bars[0]["closed"] != false || bars[1]["closed"] != true ||
			bars[0]["time"] != "2026-03-04T10:00:00+07:00" {
			t.Fatalf("1m bars %v %v, want the forming 10:00 bar then the same closed after 10:01", topics, bars)
		}
		if _, b5 := pub.events(0, "bar:FPT:5m"); len(b5) != 1 || b5[0]["closed"] != false {
			t.Errorf("5m bars %v, want one forming", b5)
		}
		if q, _ := pub.events(0, "quote:FPT"); len(q) != 2 {
			t.Errorf("%d quotes, want the baseline and the change", len(q))
		}
	})
}

// TestPollerBackoff: failures slow the cycle down (2, 4, 8 ... s), flip the
// status to degraded then down, and the first success restores ok.
func TestPollerBackoff(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		now := bubbleClock(time.Date(2026, 3, 4, 10, 0, 0, 0, market.ICT))
		fail := errors.New("upstream down")
		src := &boardSource{now: now, board: func(n int, at time.Time) ([]market.Quote, error) {
			if n < 6 {
				return nil, fail
			}
			return staticBoard([]market.Symbol{"FPT"})(n, at)
		}}
		pub := &pollRecorder{}
		p, err := NewPoller(PollerConfig{Source: src, Symbols: []market.Symbol{"FPT"}, AlwaysOn: true, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		runFor(t, p, pub, 120*time.Second)
		calls, _ := src.fetches()
		// Waits after failures 1..6: 2, 4, 8, 16, 30, 30 s, jittered into
		// their upper half: at least 1+2+4+8+15+15 = 45 s in all.
		if len(calls) < 7 || calls[6].Sub(calls[0]) < 45*time.Second {
			t.Fatalf("fetch times %v, want backoff", calls)
		}
		_, st := pub.events(0, "status")
		var states []string
		for _, s := range st {
			states = append(states, s["sources"].([]any)[0].(map[string]any)["state"].(string))
		}
		if strings.Join(states, ",") != "degraded,down,ok,down" {
			t.Errorf("status sequence %v, want degraded,down,ok,down (stopped)", states)
		}
	})
}

func TestNewPollerValidates(t *testing.T) {
	t.Parallel()
	src := &boardSource{}
	tests := []struct {
		name string
		cfg  PollerConfig
	}{
		{"no source", PollerConfig{Symbols: []market.Symbol{"FPT"}}},
		{"no symbols", PollerConfig{Source: src}},
		{"too fast", PollerConfig{Source: src, Symbols: []market.Symbol{"FPT"}, Every: 500 * time.Millisecond}},
		{"too slow", PollerConfig{Source: src, Symbols: []market.Symbol{"FPT"}, Every: 4 * time.Second}},
		{"bad symbol", PollerConfig{Source: src, Symbols: []market.Symbol{"F-T"}}},
		{"bad interval", PollerConfig{Source: src, Symbols: []market.Symbol{"FPT"}, Intervals: []market.Interval{market.Interval1W}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := NewPoller(tc.cfg); !errors.Is(err, market.ErrInvalid) {
				t.Errorf("err = %v, want ErrInvalid", err)
			}
		})
	}
	p, err := NewPoller(PollerConfig{Source: src, Symbols: []market.Symbol{"fpt", "FPT"}})
	if err != nil || p.cfg.Every != DefaultPollEvery || len(p.cfg.Symbols) != 1 || p.Name() != "fake" {
		t.Errorf("defaults: %+v, %v", p, err)
	}
}

// breadthBoard is a VN30 board around a reference of 20000: the first
// `up` members trade at 20500 (the first two of them at the 21400
// ceiling), the next `down` at 19500 (the first at the 18600 floor), the
// rest at the reference; every member has volume 1000 and value 2e7.
func breadthBoard(up, down int, at time.Time) []market.Quote {
	out := make([]market.Quote, len(market.VN30))
	for i, s := range market.VN30 {
		last := int64(20000)
		switch {
		case i < 2:
			last = 21400
		case i < up:
			last = 20500
		case i == up:
			last = 18600
		case i < up+down:
			last = 19500
		}
		out[i] = market.Quote{Symbol: s, Exchange: market.HOSE, Ref: 20000, Ceiling: 21400, Floor: 18600,
			Last: last, TotalVolume: 1000, TotalValue: 20_000_000, Source: "fake", Time: at.Add(-time.Duration(i) * time.Second)}
	}
	return out
}

// TestPollerIndexBreadth: a watchlist that holds the whole VN30 basket
// publishes index:VN30 breadth from the board (counts, summed volume and
// value, no index level), again only when the breadth changes.
func TestPollerIndexBreadth(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		start := time.Date(2026, 3, 4, 10, 0, 0, 0, market.ICT)
		now := bubbleClock(start)
		src := &boardSource{now: now, board: func(n int, at time.Time) ([]market.Quote, error) {
			if n >= 3 { // one unchanged member goes up
				return breadthBoard(11, 5, at), nil
			}
			return breadthBoard(10, 5, at), nil // new times only: no new breadth
		}}
		pub := &pollRecorder{}
		p, err := NewPoller(PollerConfig{Source: src, Symbols: market.VN30, AlwaysOn: true, Now: now,
			Intervals: []market.Interval{market.Interval1D}})
		if err != nil {
			t.Fatal(err)
		}
		runFor(t, p, pub, 9*time.Second) // five cycles: 0, 2, 4, 6, 8 s
		topics, rows := pub.events(0, "index:")
		if len(rows) != 2 || topics[0] != "index:VN30" || topics[1] != "index:VN30" {
			t.Fatalf("index events %v, want index:VN30 twice (baseline, then the change)", topics)
		}
		want := []map[string]any{
			{"code": "VN30", "time": "2026-03-04T10:00:00+07:00", "session": "continuous", "volume": 30000.0,
				"total_value": 6e8, "advances": 10.0, "declines": 5.0, "unchanged": 15.0, "ceiling_count": 2.0,
				"floor_count": 1.0, "members": 30.0, "source": "fake"},
			{"code": "VN30", "time": "2026-03-04T10:00:06+07:00", "session": "continuous", "volume": 30000.0,
				"total_value": 6e8, "advances": 11.0, "declines": 5.0, "unchanged": 14.0, "ceiling_count": 2.0,
				"floor_count": 1.0, "members": 30.0, "source": "fake"},
		}
		if diff := cmp.Diff(want, rows); diff != "" {
			t.Errorf("index rows (-want +got):\n%s", diff)
		}
		if s := p.Stats(); s.Indices != 2 {
			t.Errorf("stats %+v, want 2 index events", s)
		}
	})
}

// TestPollerBreadthWholeBasketOnly: no index row from a watchlist that
// lacks a member, nor while a member is missing from the board.
func TestPollerBreadthWholeBasketOnly(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		symbols []market.Symbol
		drop    int // board cycles that leave out the last member
		want    int
	}{
		{"watchlist lacks a member", market.VN30[:29], 0, 0},
		{"member late on the board", market.VN30, 2, 1},
		{"member never on the board", market.VN30, 99, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				now := bubbleClock(time.Date(2026, 3, 4, 10, 0, 0, 0, market.ICT))
				src := &boardSource{now: now, board: func(n int, at time.Time) ([]market.Quote, error) {
					b := breadthBoard(10, 5, at)
					if n < tc.drop {
						b = b[:29]
					}
					return b, nil
				}}
				pub := &pollRecorder{}
				p, err := NewPoller(PollerConfig{Source: src, Symbols: tc.symbols, AlwaysOn: true, Now: now})
				if err != nil {
					t.Fatal(err)
				}
				runFor(t, p, pub, 9*time.Second)
				if _, rows := pub.events(0, "index:"); len(rows) != tc.want {
					t.Errorf("%d index rows %v, want %d", len(rows), rows, tc.want)
				}
			})
		})
	}
}

func TestBreadthBaskets(t *testing.T) {
	t.Parallel()
	dir := market.NewDirectory()
	dir.AddIndex("VN30", market.HOSE)
	dir.AddIndex("HNX30", market.HNX)
	dir.SetGroup("VN30", []market.Symbol{"FPT", "VCB"})
	dir.SetGroup("HNX30", []market.Symbol{"SHS", "PVS"})
	dir.SetGroup("BANKS", []market.Symbol{"VCB"}) // a group, not an index
	tests := []struct {
		name string
		syms []market.Symbol
		want []market.Symbol
	}{
		{"both whole", []market.Symbol{"FPT", "PVS", "SHS", "VCB"}, []market.Symbol{"HNX30", "VN30"}},
		{"one whole", []market.Symbol{"FPT", "SHS", "VCB"}, []market.Symbol{"VN30"}},
		{"none", []market.Symbol{"VCB"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got []market.Symbol
			for _, k := range breadthBaskets(dir, tc.syms) {
				got = append(got, k.code)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("baskets %v, want %v", got, tc.want)
			}
		})
	}
}
