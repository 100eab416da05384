package storage_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
	"github.com/vnstock-api/vnstock-api/storage/cache"
)

// tapeFetcher answers trades with a tape of one trade a minute from 09:15
// to 09:44 ICT on 2025-03-12, oldest first (as VCI orders them), cut to the
// newest q.Limit, and records the queries it is asked.
type tapeFetcher struct {
	mu    sync.Mutex
	asked []market.Query
}

func (f *tapeFetcher) Fetch(_ context.Context, q market.Query) (market.Result, error) {
	f.mu.Lock()
	f.asked = append(f.asked, q)
	f.mu.Unlock()
	open := time.Date(2025, 3, 12, 9, 15, 0, 0, market.ICT)
	var ts []market.Trade
	for i := range 30 {
		ts = append(ts, market.Trade{Symbol: q.Symbol, Time: open.Add(time.Duration(i) * time.Minute), Price: 60000 + int64(i)*100, Volume: 100})
	}
	if q.Limit > 0 && q.Limit < len(ts) {
		ts = ts[len(ts)-q.Limit:]
	}
	return market.Result{Source: "fake", Trades: ts}, nil
}

func (f *tapeFetcher) queries() []market.Query {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.asked)
}

func TestServiceTradesBefore(t *testing.T) {
	t.Parallel()
	clk := &clock{}
	clk.Set(time.Date(2025, 3, 12, 10, 0, 0, 0, market.ICT))
	up := &tapeFetcher{}
	c := &countingCache{inner: cache.NewMemory(cache.MemoryConfig{Now: clk.Now})}
	svc, err := storage.New(storage.Config{Store: newMemStore(), Fetcher: up, Cache: c, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	at := func(hm string) time.Time {
		d, err := time.ParseInLocation("2006-01-02 15:04", "2025-03-12 "+hm, market.ICT)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	times := func(ts []market.Trade) []string {
		out := make([]string, len(ts))
		for i, tr := range ts {
			out[i] = tr.Time.In(market.ICT).Format("15:04")
		}
		return out
	}
	base := market.Query{Capability: market.CapTrades, Symbol: "VNM", Asset: market.AssetEquity, Limit: 3}
	tests := []struct {
		name   string
		before time.Time
		limit  int
		want   []string
	}{
		{"no before: the source's newest page", time.Time{}, 3, []string{"09:42", "09:43", "09:44"}},
		{"strictly before, newest first", at("09:20"), 3, []string{"09:19", "09:18", "09:17"}},
		{"before 09:21 is another key", at("09:21"), 3, []string{"09:20", "09:19", "09:18"}},
		{"fewer than limit left", at("09:17"), 3, []string{"09:16", "09:15"}},
		{"before the open: none", at("09:00"), 3, []string{}},
		{"a UTC instant (09:30 ICT)", at("09:30").UTC(), 2, []string{"09:29", "09:28"}},
		{"limit unset: the default page", at("09:30"), 0, nil},
	}
	for _, tt := range tests {
		q := base
		q.Before, q.Limit = tt.before, tt.limit
		a, err := svc.Get(context.Background(), q)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		got := times(a.Trades)
		if tt.want == nil {
			if len(got) != 15 { // 09:15..09:29, fewer than DefaultTradeLimit
				t.Errorf("%s: %d trades %v, want the 15 before 09:30", tt.name, len(got), got)
			}
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: trades at %v, want %v", tt.name, got, tt.want)
		}
		// Asked again, the same query is a cache hit with the same answer.
		b, err := svc.Get(context.Background(), q)
		if err != nil || !b.Cached || !slices.Equal(times(b.Trades), tt.want) {
			t.Errorf("%s again: cached=%v %v (%v), want cached %v", tt.name, b.Cached, times(b.Trades), err, tt.want)
		}
	}
	// The upstream was asked twice: the newest page, and the day's tape
	// without Before, once for every cut of it.
	asked := up.queries()
	if len(asked) != 2 || asked[0].Limit != 3 || asked[1].Limit != storage.TapeLimit {
		t.Fatalf("upstream asked %+v, want limit 3 then the tape", asked)
	}
	for _, q := range asked {
		if !q.Before.IsZero() {
			t.Errorf("upstream asked with before %s; the sources do not page by time", q.Before)
		}
	}
	// The cut answer is cached under a key naming before: a query without
	// it still gets the newest page, not a cut.
	a, err := svc.Get(context.Background(), base)
	if err != nil || !slices.Equal(times(a.Trades), []string{"09:42", "09:43", "09:44"}) {
		t.Errorf("without before after the cuts: %v (%v)", times(a.Trades), err)
	}
}
