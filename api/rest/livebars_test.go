package rest

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/mux"

	"github.com/vnstock-api/vnstock-api/hub"
	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
)

// fakeLive is a hub holding the last value of some bar topics; it records
// the topics it was asked for.
type fakeLive struct {
	mu     sync.Mutex
	last   map[string]string
	topics []string
}

func (f *fakeLive) Snapshot(_ context.Context, topics []string) ([]*hub.Event, map[string]error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.topics = append(f.topics, topics...)
	var evs []*hub.Event
	for _, t := range topics {
		if d, ok := f.last[t]; ok {
			evs = append(evs, hub.NewEvent(t, 7, 1741748400000, []byte(d)))
		}
	}
	return evs, nil
}

func (f *fakeLive) asked() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.topics...)
}

// ict is a time of the test day's calendar in ICT.
func ict(d, h, m int) time.Time { return time.Date(2025, 3, d, h, m, 0, 0, market.ICT) }

// liveBarJSON is a bar as the live feed publishes it.
func liveBarJSON(iv market.Interval, at time.Time, open, close float64, vol int64) string {
	b := market.Bar{Symbol: "VNM", Interval: iv, Time: at, Open: open, High: max(open, close) + 100, Low: min(open, close) - 100,
		Close: close, Volume: vol, Source: "kbs"}
	return string(b.AppendJSON(nil))
}

func storedBars(iv market.Interval, times ...time.Time) []market.Bar {
	out := make([]market.Bar, len(times))
	for i, at := range times {
		out[i] = market.Bar{Symbol: "VNM", Interval: iv, Time: at, Open: 68000, High: 68500, Low: 67900, Close: 68100, Volume: 1000, Closed: true}
	}
	return out
}

// liveServer serves the REST routes at 2025-03-12 10:00:30 ICT over a
// service answering stored bars and a hub holding last.
func liveServer(stored []market.Bar, last map[string]string) (*mux.Router, *fakeLive) {
	a := storage.Answer{Result: market.Result{Source: "kbs", PriceUnit: "vnd", Bars: stored, FetchedAt: ict(12, 9, 0)}, Cached: true}
	live := &fakeLive{last: last}
	s := New(Config{Service: &fakeService{fixed: &a}, LiveBars: live, Now: func() time.Time { return ict(12, 10, 0).Add(30 * time.Second) }})
	r := mux.NewRouter()
	s.Register(r)
	return r, live
}

func TestOHLCVLiveBar(t *testing.T) {
	t.Parallel()
	const (
		todayRow   = `{"time":"2025-03-12T00:00:00+07:00","open":68000,"high":69100,"low":67900,"close":69000,"volume":1500000}`
		storedRow  = `{"time":"2025-03-12T00:00:00+07:00","open":68000,"high":68500,"low":67900,"close":68100,"volume":1000}`
		yesterday  = `{"time":"2025-03-11T00:00:00+07:00","open":68000,"high":68500,"low":67900,"close":68100,"volume":1000}`
		minuteRow  = `{"time":"2025-03-12T10:00:00+07:00","open":69000,"high":69200,"low":68900,"close":69100,"volume":300}`
		minuteLast = `{"time":"2025-03-12T09:59:00+07:00","open":68000,"high":68500,"low":67900,"close":68100,"volume":1000}`
	)
	daily := map[string]string{"bar:VNM:1D": liveBarJSON(market.Interval1D, ict(12, 0, 0), 68000, 69000, 1_500_000)}
	tests := []struct {
		name     string
		target   string
		stored   []market.Bar
		last     map[string]string
		wantLast string // the last row
		wantN    int
		wantLive bool
		noAsk    bool // the hub is not even asked
	}{
		{name: "today appended after yesterday", target: "/v1/market/equity/VNM/ohlcv", stored: storedBars(market.Interval1D, ict(10, 0, 0), ict(11, 0, 0)),
			last: daily, wantLast: todayRow, wantN: 3, wantLive: true},
		{name: "today's stored bar replaced", target: "/v1/market/equity/VNM/ohlcv?start=2025-03-01&end=2025-03-12", stored: storedBars(market.Interval1D, ict(11, 0, 0), ict(12, 0, 0)),
			last: daily, wantLast: todayRow, wantN: 2, wantLive: true},
		{name: "empty stored series", target: "/v1/market/equity/VNM/ohlcv?start=2025-03-12", last: daily, wantLast: todayRow, wantN: 1, wantLive: true},
		{name: "past range untouched", target: "/v1/market/equity/VNM/ohlcv?end=2025-03-11", stored: storedBars(market.Interval1D, ict(10, 0, 0), ict(11, 0, 0)),
			last: daily, wantLast: yesterday, wantN: 2, noAsk: true},
		{name: "hub without the topic", target: "/v1/market/equity/VNM/ohlcv", stored: storedBars(market.Interval1D, ict(11, 0, 0), ict(12, 0, 0)),
			last: map[string]string{"bar:FPT:1D": daily["bar:VNM:1D"]}, wantLast: storedRow, wantN: 2},
		{name: "hub bar of yesterday", target: "/v1/market/equity/VNM/ohlcv", stored: storedBars(market.Interval1D, ict(10, 0, 0)),
			last: map[string]string{"bar:VNM:1D": liveBarJSON(market.Interval1D, ict(11, 0, 0), 68000, 68100, 1000)}, wantLast: `{"time":"2025-03-10T00:00:00+07:00","open":68000,"high":68500,"low":67900,"close":68100,"volume":1000}`, wantN: 1},
		{name: "undecodable hub value", target: "/v1/market/equity/VNM/ohlcv", stored: storedBars(market.Interval1D, ict(11, 0, 0)),
			last: map[string]string{"bar:VNM:1D": `{"time":"soon"}`}, wantLast: yesterday, wantN: 1},
		{name: "weekly skipped", target: "/v1/market/equity/VNM/ohlcv?interval=1W", stored: storedBars(market.Interval1W, ict(10, 0, 0)),
			last: map[string]string{"bar:VNM:1W": liveBarJSON(market.Interval1W, ict(10, 0, 0), 1, 2, 3)}, wantLast: `{"time":"2025-03-10T00:00:00+07:00","open":68000,"high":68500,"low":67900,"close":68100,"volume":1000}`, wantN: 1, noAsk: true},
		{name: "forex never takes a hub bar", target: "/v1/market/forex/VNM/ohlcv", stored: storedBars(market.Interval1D, ict(11, 0, 0)),
			last: daily, wantLast: yesterday, wantN: 1, noAsk: true},
		{name: "minute bar appended", target: "/v1/market/equity/VNM/ohlcv?interval=1m", stored: storedBars(market.Interval1m, ict(12, 9, 58), ict(12, 9, 59)),
			last: map[string]string{"bar:VNM:1m": liveBarJSON(market.Interval1m, ict(12, 10, 0), 69000, 69100, 300)}, wantLast: minuteRow, wantN: 3, wantLive: true},
		{name: "stored ahead of the feed", target: "/v1/market/equity/VNM/ohlcv?interval=1m", stored: storedBars(market.Interval1m, ict(12, 9, 58), ict(12, 9, 59)),
			last: map[string]string{"bar:VNM:1m": liveBarJSON(market.Interval1m, ict(12, 9, 58), 69000, 69100, 300)}, wantLast: minuteLast, wantN: 2},
		{name: "hub bar off the interval grid", target: "/v1/market/equity/VNM/ohlcv?interval=5m", stored: storedBars(market.Interval5m, ict(12, 9, 55)),
			last: map[string]string{"bar:VNM:5m": liveBarJSON(market.Interval5m, ict(12, 9, 58), 69000, 69100, 300)}, wantN: 1,
			wantLast: `{"time":"2025-03-12T09:55:00+07:00","open":68000,"high":68500,"low":67900,"close":68100,"volume":1000}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			before := append([]market.Bar(nil), tc.stored...)
			r, live := liveServer(tc.stored, tc.last)
			w := do(t, r, tc.target)
			if w.Code != 200 {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			b := decode(t, w)
			if len(b.Data) != tc.wantN || b.Meta["count"] != float64(tc.wantN) {
				t.Fatalf("%d rows, meta count %v, want %d: %s", len(b.Data), b.Meta["count"], tc.wantN, w.Body)
			}
			if diff := cmp.Diff(tc.wantLast, string(b.Data[len(b.Data)-1])); diff != "" {
				t.Errorf("last row (-want +got):\n%s", diff)
			}
			if got, has := b.Meta["live"]; tc.wantLive != has || has && got != true {
				t.Errorf("meta.live = %v (present %v), want present %v", got, has, tc.wantLive)
			}
			if asked := live.asked(); tc.noAsk != (len(asked) == 0) {
				t.Errorf("hub asked for %v, want asked %v", asked, !tc.noAsk)
			}
			if diff := cmp.Diff(before, tc.stored); diff != "" {
				t.Errorf("the service's bars were modified (-before +after):\n%s", diff)
			}
		})
	}
}

func TestOHLCVLiveBarPriceUnitAndCSV(t *testing.T) {
	t.Parallel()
	stored := yearOfBars("VNM", 250) // more than minMemoBars: the render memo is in play
	stored = stored[:len(stored):len(stored)]
	last := map[string]string{"bar:VNM:1D": liveBarJSON(market.Interval1D, ict(12, 0, 0), 68000, 69000, 1_500_000)}
	r, _ := liveServer(stored, last)
	for range 2 { // each request merges afresh; the service's slice is reused
		b := decode(t, do(t, r, "/v1/market/equity/VNM/ohlcv?start=2024-01-01&price_unit=thousand"))
		if len(b.Data) != 251 || b.Meta["live"] != true || b.Meta["price_unit"] != "thousand" {
			t.Fatalf("%d rows, meta %v", len(b.Data), b.Meta)
		}
		want := `{"time":"2025-03-12T00:00:00+07:00","open":68,"high":69.1,"low":67.9,"close":69,"volume":1500000}`
		if got := string(b.Data[250]); got != want {
			t.Fatalf("live row %s, want %s", got, want)
		}
	}
	w := do(t, r, "/v1/market/equity/VNM/ohlcv?format=csv")
	lines := strings.Split(strings.TrimSpace(w.Body.String()), "\n")
	if got, want := lines[len(lines)-1], "2025-03-12T00:00:00+07:00,68000,69100,67900,69000,1500000"; got != want {
		t.Fatalf("CSV last line %q, want %q", got, want)
	}
	// Without a hub the same service answers the stored bars only.
	a := storage.Answer{Result: market.Result{Source: "kbs", Bars: stored}}
	s := New(Config{Service: &fakeService{fixed: &a}, Now: func() time.Time { return ict(12, 10, 0) }})
	plain := mux.NewRouter()
	s.Register(plain)
	if b := decode(t, do(t, plain, "/v1/market/equity/VNM/ohlcv")); len(b.Data) != 250 || b.Meta["live"] != nil {
		t.Fatalf("no hub: %d rows, meta %v", len(b.Data), b.Meta)
	}
	if w := do(t, r, "/v1/market/snapshot?topics=bar:VNM:1D"); w.Code != 404 {
		t.Fatalf("LiveBars mounted the snapshot route: status %d", w.Code)
	}
}
