package storage_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
	"github.com/vnstock-api/vnstock-api/storage/cache"
)

// env is one Service under test with its fakes.
type env struct {
	svc   *storage.Service
	up    *fakeFetcher
	clk   *clock
	store storage.Repository
	cache *countingCache
}

// countingCache wraps a cache and counts Gets, so a test knows how many
// callers have missed and are on their way to the shared load.
type countingCache struct {
	inner storage.Cache
	gets  atomic.Int64
}

func (c *countingCache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	defer c.gets.Add(1)
	return c.inner.Get(ctx, key)
}

func (c *countingCache) Set(ctx context.Context, key string, val []byte, ttl time.Duration) error {
	return c.inner.Set(ctx, key, val, ttl)
}

// newEnv builds a Service at Wednesday 2025-03-12 10:00 ICT (session open);
// withCache adds an in-memory cache on the same clock.
func newEnv(t *testing.T, store storage.Repository, withCache bool) *env {
	t.Helper()
	e := &env{up: newFetcher(), clk: &clock{}, store: store}
	e.clk.Set(day(t, "2025-03-12").Add(10 * time.Hour))
	cfg := storage.Config{Store: store, Fetcher: e.up, Now: e.clk.Now}
	if withCache {
		e.cache = &countingCache{inner: cache.NewMemory(cache.MemoryConfig{Now: e.clk.Now})}
		cfg.Cache = e.cache
	}
	svc, err := storage.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.svc = svc
	return e
}

func ohlcv(t *testing.T, sym, start, end string) market.Query {
	return market.Query{Capability: market.CapOHLCV, Symbol: market.Symbol(sym), Asset: market.AssetEquity,
		Interval: market.Interval1D, Start: day(t, start), End: day(t, end)}
}

func (e *env) get(t *testing.T, q market.Query) storage.Answer {
	t.Helper()
	a, err := e.svc.Get(context.Background(), q)
	if err != nil {
		t.Fatalf("Get(%s): %v", q.Key(), err)
	}
	return a
}

func barDates(bars []market.Bar) []string {
	out := make([]string, len(bars))
	for i, b := range bars {
		out[i] = b.Time.In(market.ICT).Format(time.DateOnly)
	}
	return out
}

// testService runs the read-through scenarios against a store.
func testService(t *testing.T, newStore func(t *testing.T) storage.Repository) {
	t.Run("second identical request makes no upstream call", func(t *testing.T) {
		for _, withCache := range []bool{false, true} {
			e := newEnv(t, newStore(t), withCache)
			q := ohlcv(t, "VNM", "2025-01-02", "2025-03-11")
			first := e.get(t, q)
			if first.Cached || e.up.calls.Load() != 1 {
				t.Fatalf("first: cached=%v calls=%d, want false, 1", first.Cached, e.up.calls.Load())
			}
			second := e.get(t, q)
			if !second.Cached || e.up.calls.Load() != 1 {
				t.Fatalf("cache=%v second: cached=%v calls=%d, want true, 1", withCache, second.Cached, e.up.calls.Load())
			}
			if diff := cmp.Diff(barDates(first.Bars), barDates(second.Bars)); diff != "" {
				t.Fatalf("second answer differs (-first +second):\n%s", diff)
			}
			if len(first.Bars) != 44 { // Jan 2 .. Mar 11 2025: 17 + 20 + 7 trading days (Tet Jan 27-31 off)
				t.Fatalf("got %d bars, want 44", len(first.Bars))
			}
		}
	})
	t.Run("wider range fetches only the difference", func(t *testing.T) {
		e := newEnv(t, newStore(t), false)
		e.get(t, ohlcv(t, "FPT", "2025-02-03", "2025-02-28"))
		e.up.reset()
		a := e.get(t, ohlcv(t, "FPT", "2025-01-02", "2025-03-11"))
		want := [][2]string{{"2025-01-02", "2025-01-24"}, {"2025-03-03", "2025-03-11"}}
		if diff := cmp.Diff(want, e.up.asked()); diff != "" {
			t.Fatalf("upstream ranges (-want +got):\n%s", diff)
		}
		if len(a.Bars) != 44 || a.Cached {
			t.Fatalf("got %d bars cached=%v, want 44 fetched", len(a.Bars), a.Cached)
		}
	})
	t.Run("weekends and holidays are not gaps", func(t *testing.T) {
		e := newEnv(t, newStore(t), false)
		e.get(t, ohlcv(t, "HPG", "2025-01-20", "2025-01-24"))
		e.get(t, ohlcv(t, "HPG", "2025-02-03", "2025-02-07"))
		e.up.reset()
		for _, r := range [][2]string{{"2025-01-20", "2025-02-07"}, {"2025-01-25", "2025-02-02"}} {
			a := e.get(t, ohlcv(t, "HPG", r[0], r[1]))
			if n := e.up.calls.Load(); n != 0 || !a.Cached {
				t.Fatalf("%v: %d upstream calls (%v), cached=%v; want none", r, n, e.up.asked(), a.Cached)
			}
		}
	})
	t.Run("today is not covered while the session is open", func(t *testing.T) {
		e := newEnv(t, newStore(t), false)
		q := ohlcv(t, "VCB", "2025-03-10", "2025-03-12")
		a := e.get(t, q)
		want := [][2]string{{"2025-03-10", "2025-03-11"}, {"2025-03-12", "2025-03-12"}}
		if diff := cmp.Diff(want, e.up.asked()); diff != "" {
			t.Fatalf("first request ranges (-want +got):\n%s", diff)
		}
		if len(a.Bars) != 3 {
			t.Fatalf("got %v, want 3 bars", barDates(a.Bars))
		}
		e.up.reset()
		e.get(t, q)
		if diff := cmp.Diff([][2]string{{"2025-03-12", "2025-03-12"}}, e.up.asked()); diff != "" {
			t.Fatalf("during the session only today is refetched (-want +got):\n%s", diff)
		}
		e.clk.Set(day(t, "2025-03-12").Add(16 * time.Hour))
		e.get(t, q) // after the close: today is fetched once more and covered
		e.up.reset()
		if a := e.get(t, q); e.up.calls.Load() != 0 || !a.Cached {
			t.Fatalf("after the close: %d calls, cached=%v; want 0, true", e.up.calls.Load(), a.Cached)
		}
	})
	t.Run("concurrent identical misses share one upstream call", func(t *testing.T) {
		for _, q := range []market.Query{
			ohlcv(t, "SSI", "2024-03-01", "2025-03-11"),
			{Capability: market.CapCompany, Symbol: "SSI"},
		} {
			e := newEnv(t, newStore(t), true)
			e.up.gate = make(chan struct{})
			const n = 50
			var wg sync.WaitGroup
			errs := make(chan error, n)
			for range n {
				wg.Go(func() {
					_, err := e.svc.Get(context.Background(), q)
					errs <- err
				})
			}
			for e.cache.gets.Load() < n { // every caller has missed the cache
				runtime.Gosched()
			}
			close(e.up.gate)
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			if got := e.up.calls.Load(); got != 1 {
				t.Fatalf("%s: %d upstream calls for %d identical misses, want 1", q.Capability, got, n)
			}
		}
	})
	t.Run("upstream down serves stored bars as stale", func(t *testing.T) {
		e := newEnv(t, newStore(t), true)
		e.get(t, ohlcv(t, "MWG", "2025-02-03", "2025-02-28"))
		e.up.down.Store(true)
		a := e.get(t, ohlcv(t, "MWG", "2025-02-03", "2025-03-11"))
		if !a.Stale || len(a.Bars) != 20 {
			t.Fatalf("stale=%v bars=%d, want stale with the 20 stored bars", a.Stale, len(a.Bars))
		}
	})
	t.Run("upstream down serves a stored document as stale", func(t *testing.T) {
		e := newEnv(t, newStore(t), false)
		q := market.Query{Capability: market.CapCompany, Symbol: "VNM"}
		first := e.get(t, q)
		if again := e.get(t, q); !again.Cached || e.up.calls.Load() != 1 {
			t.Fatalf("within the TTL: cached=%v calls=%d", again.Cached, e.up.calls.Load())
		}
		e.clk.Set(e.clk.Now().Add(25 * time.Hour))
		e.up.down.Store(true)
		a := e.get(t, q)
		if !a.Stale || a.Frame.Len() != 1 || a.Frame.Value(0, "organ_name") != first.Frame.Value(0, "organ_name") {
			t.Fatalf("got stale=%v frame=%+v, want the stored frame, stale", a.Stale, a.Frame)
		}
		e.up.down.Store(false)
		if a := e.get(t, q); a.Stale || a.Cached {
			t.Fatalf("upstream back: stale=%v cached=%v, want a fresh fetch", a.Stale, a.Cached)
		}
	})
	t.Run("nothing stored and upstream down is ErrUpstream", func(t *testing.T) {
		e := newEnv(t, newStore(t), false)
		e.up.down.Store(true)
		for _, q := range []market.Query{ohlcv(t, "ACB", "2025-02-03", "2025-02-28"), {Capability: market.CapCompany, Symbol: "ACB"}} {
			_, err := e.svc.Get(context.Background(), q)
			if !errors.Is(err, market.ErrUpstream) {
				t.Fatalf("%s: err = %v, want ErrUpstream", q.Capability, err)
			}
		}
	})
}

func TestServiceMemStore(t *testing.T) {
	t.Parallel()
	testService(t, func(*testing.T) storage.Repository { return newMemStore() })
}

func TestServiceValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, newMemStore(), false)
	intraday := func(iv market.Interval, start string) market.Query {
		q := ohlcv(t, "VNM", start, "2025-03-11")
		q.Interval = iv
		return q
	}
	tests := []struct {
		name  string
		q     market.Query
		field string
	}{
		{"no symbol", market.Query{Capability: market.CapOHLCV}, "symbol"},
		{"bad interval", market.Query{Capability: market.CapOHLCV, Symbol: "VNM", Interval: "2D"}, "interval"},
		{"start after end", ohlcv(t, "VNM", "2025-03-11", "2025-03-01"), "start"},
		{"1m beyond look-back", intraday(market.Interval1m, "2024-06-03"), "start"},
		{"1H beyond look-back", intraday(market.Interval1H, "2023-01-03"), "start"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.Get(context.Background(), tt.q)
			var fe *market.FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Fatalf("err = %v, want a FieldError on %s", err, tt.field)
			}
		})
	}
	if n := e.up.calls.Load(); n != 0 {
		t.Fatalf("invalid queries made %d upstream calls", n)
	}
	// Within the look-back the same interval is fine.
	if _, err := e.svc.Get(context.Background(), intraday(market.Interval1m, "2025-03-03")); err != nil {
		t.Fatal(err)
	}
}

func TestServiceNotFoundIsNotStale(t *testing.T) {
	t.Parallel()
	e := newEnv(t, newMemStore(), false)
	for _, q := range []market.Query{ohlcv(t, "NOPE", "2025-02-03", "2025-02-07"), {Capability: market.CapCompany, Symbol: "NOPE"}} {
		if _, err := e.svc.Get(context.Background(), q); !errors.Is(err, market.ErrNotFound) || errors.Is(err, market.ErrUpstream) {
			t.Fatalf("%s: err = %v, want ErrNotFound only", q.Capability, err)
		}
	}
}

func TestServiceWeeklyFromDaily(t *testing.T) {
	t.Parallel()
	e := newEnv(t, newMemStore(), false)
	daily := e.get(t, ohlcv(t, "VNM", "2025-02-03", "2025-02-14"))
	q := ohlcv(t, "VNM", "2025-02-05", "2025-02-14")
	q.Interval = market.Interval1W
	e.up.reset()
	weekly := e.get(t, q)
	if e.up.calls.Load() != 0 {
		t.Fatalf("weekly bars refetched %v though the daily series covers them", e.up.asked())
	}
	if diff := cmp.Diff([]string{"2025-02-03", "2025-02-10"}, barDates(weekly.Bars)); diff != "" {
		t.Fatalf("weeks (-want +got):\n%s", diff)
	}
	w, d := weekly.Bars[0], daily.Bars[:5]
	var vol int64
	hi := d[0].High
	for _, b := range d {
		vol += b.Volume
		hi = max(hi, b.High)
	}
	if w.Open != d[0].Open || w.Close != d[4].Close || w.Volume != vol || w.High != hi || w.Interval != market.Interval1W {
		t.Fatalf("week bar %+v does not fold the days %+v", w, d)
	}
}

func TestServiceIntradaySeriesIsSeparate(t *testing.T) {
	t.Parallel()
	e := newEnv(t, newMemStore(), false)
	e.get(t, ohlcv(t, "VNM", "2025-03-03", "2025-03-07"))
	q := ohlcv(t, "VNM", "2025-03-03", "2025-03-07")
	q.Interval = market.Interval5m
	e.up.reset()
	a := e.get(t, q)
	if e.up.calls.Load() != 1 || len(a.Bars) != 5 || a.Bars[0].Interval != market.Interval5m {
		t.Fatalf("5m: calls=%d bars=%+v; want one call and 5 bars of 5m", e.up.calls.Load(), a.Bars)
	}
}

func TestServiceStaleAnswerIsCachedBriefly(t *testing.T) {
	t.Parallel()
	e := newEnv(t, newMemStore(), true)
	e.get(t, ohlcv(t, "GAS", "2025-02-03", "2025-02-28"))
	e.up.down.Store(true)
	q := ohlcv(t, "GAS", "2025-02-03", "2025-03-11")
	if a := e.get(t, q); !a.Stale {
		t.Fatal("want a stale answer")
	}
	if a := e.get(t, q); !a.Stale || !a.Cached {
		t.Fatalf("from cache: stale=%v cached=%v, want both", a.Stale, a.Cached)
	}
	e.up.down.Store(false)
	e.clk.Set(e.clk.Now().Add(6 * time.Second))
	if a := e.get(t, q); a.Stale || a.Cached {
		t.Fatalf("after the stale TTL: stale=%v cached=%v, want a fresh answer", a.Stale, a.Cached)
	}
}

func TestServiceCallerGivesUp(t *testing.T) {
	t.Parallel()
	e := newEnv(t, newMemStore(), false)
	e.up.gate = make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.svc.Get(ctx, market.Query{Capability: market.CapCompany, Symbol: "VNM"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	close(e.up.gate) // the shared load finishes on its own
	a, err := e.svc.Get(context.Background(), market.Query{Capability: market.CapCompany, Symbol: "VNM"})
	if err != nil || a.Frame.Len() != 1 {
		t.Fatalf("after: %+v, %v", a, err)
	}
}

func TestNewNeedsStoreAndFetcher(t *testing.T) {
	t.Parallel()
	if _, err := storage.New(storage.Config{Store: newMemStore()}); err == nil {
		t.Fatal("New without a Fetcher succeeded")
	}
}

// TestServiceMemoFollowsTheCache: a replaced cache entry is decoded again,
// never answered from the memo of the old one.
func TestServiceMemoFollowsTheCache(t *testing.T) {
	t.Parallel()
	e := newEnv(t, newMemStore(), true)
	q := market.Query{Capability: market.CapCompany, Symbol: "VNM"}
	first := e.get(t, q)
	hit := e.get(t, q)
	if !hit.Cached || hit.Frame.Value(0, "organ_name") != first.Frame.Value(0, "organ_name") {
		t.Fatalf("hit: %+v", hit)
	}
	e.clk.Set(e.clk.Now().Add(25 * time.Hour)) // past the company TTL: refetch, recache
	fresh := e.get(t, q)
	if fresh.Cached || fresh.Frame.Value(0, "organ_name") == first.Frame.Value(0, "organ_name") {
		t.Fatalf("after the TTL: %+v, want a new upstream answer", fresh.Frame)
	}
	if again := e.get(t, q); !again.Cached || again.Frame.Value(0, "organ_name") != fresh.Frame.Value(0, "organ_name") {
		t.Fatalf("hit after refresh = %v, want the new answer %v", again.Frame.Value(0, "organ_name"), fresh.Frame.Value(0, "organ_name"))
	}
}
