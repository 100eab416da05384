package feeds

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vnstock-api/vnstock-api/market"
)

// histNow is a Thursday; the history ends on Wednesday 4 March 2026.
var histNow = time.Date(2026, 3, 5, 10, 0, 0, 0, market.ICT)

func newTestHistory(t testing.TB, seed int64) *SimHistory {
	t.Helper()
	h, err := NewSimHistory(SimHistoryConfig{Seed: seed, Now: func() time.Time { return histNow }})
	if err != nil {
		t.Fatalf("NewSimHistory: %v", err)
	}
	return h
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, market.ICT) }

func fetchBars(t *testing.T, h *SimHistory, q market.Query) []market.Bar {
	t.Helper()
	q.Capability = market.CapOHLCV
	res, err := h.Fetch(context.Background(), q)
	if err != nil {
		t.Fatalf("Fetch(%s): %v", q.Key(), err)
	}
	if res.Source != "sim" || res.PriceUnit != "vnd" || res.Bars == nil {
		t.Fatalf("Fetch(%s): source %q unit %q bars nil=%v", q.Key(), res.Source, res.PriceUnit, res.Bars == nil)
	}
	return res.Bars
}

// The history ends at the prices the live simulator opens with: the last
// daily close is each symbol's reference price, each index's base.
func TestSimHistoryEndsAtSimReference(t *testing.T) {
	t.Parallel()
	h := newTestHistory(t, 7)
	sim, err := NewSim(SimConfig{Seed: 7, Rate: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range append(append([]*simSymbol{}, sim.primary...), sim.others...) {
		bars := fetchBars(t, h, market.Query{Symbol: st.sym, Interval: market.Interval1D, Start: day(2026, 2, 1)})
		last := bars[len(bars)-1]
		if !last.Time.Equal(day(2026, 3, 4)) || last.Close != float64(st.ref) {
			t.Errorf("%s: last bar %s close %v, want 2026-03-04 close %d", st.sym, last.Time, last.Close, st.ref)
		}
	}
	for _, x := range sim.indices {
		bars := fetchBars(t, h, market.Query{Symbol: x.code, Asset: market.AssetIndex, Interval: market.Interval1D, Start: day(2026, 3, 1)})
		if got := bars[len(bars)-1].Close; got != x.base {
			t.Errorf("%s: last close %v, want %v", x.code, got, x.base)
		}
	}
}

// Daily bars fall on trading days only (no weekend, no Tet 2026), never
// today or later, and honour the range.
func TestSimHistoryTradingDaysOnly(t *testing.T) {
	t.Parallel()
	h := newTestHistory(t, 1)
	cal := market.DefaultCalendar()
	tests := []struct {
		name       string
		start, end time.Time
		want       []time.Time
	}{
		{"tet", day(2026, 2, 10), day(2026, 2, 25), cal.TradingDays(day(2026, 2, 10), day(2026, 2, 25))},
		{"end in future", day(2026, 3, 2), day(2026, 3, 20), cal.TradingDays(day(2026, 3, 2), day(2026, 3, 4))},
		{"weekend only", day(2026, 2, 28), day(2026, 3, 1), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bars := fetchBars(t, h, market.Query{Symbol: "VNM", Interval: market.Interval1D, Start: tc.start, End: tc.end})
			var got []time.Time
			for _, b := range bars {
				got = append(got, b.Time)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("days (-want +got):\n%s", diff)
			}
		})
	}
	if got := len(cal.TradingDays(day(2026, 2, 10), day(2026, 2, 25))); got != 7 {
		t.Fatalf("calendar sanity: %d trading days around Tet, want 7", got)
	}
}

// Every bar is well formed and every price obeys the exchange: on the tick
// grid, within the day's limits around the previous close.
func TestSimHistoryPricesValid(t *testing.T) {
	t.Parallel()
	h := newTestHistory(t, 3)
	for sym, in := range h.inst {
		days := fetchBars(t, h, market.Query{Symbol: sym, Interval: market.Interval1D, Start: day(2025, 3, 1)})
		mins := fetchBars(t, h, market.Query{Symbol: sym, Interval: market.Interval1m, Start: day(2026, 2, 23)})
		prev := map[time.Time]float64{}
		for i := 1; i < len(days); i++ {
			prev[days[i].Time] = days[i-1].Close
		}
		for _, set := range [][]market.Bar{days, mins} {
			for _, b := range set {
				p, ok := prev[market.Date(b.Time)]
				if !ok {
					continue // first day: previous close not in the set
				}
				ceil, floor := market.Limits(in.ex, market.Stock, int64(p))
				for _, v := range []float64{b.Open, b.High, b.Low, b.Close} {
					if !market.ValidPrice(in.ex, market.Stock, int64(v), floor, ceil) || v != float64(int64(v)) {
						t.Fatalf("%s %s %s: price %v not valid in [%d,%d]", sym, b.Interval, b.Time, v, floor, ceil)
					}
				}
				if b.Low > min(b.Open, b.Close) || b.High < max(b.Open, b.Close) || b.Volume <= 0 || b.Volume%100 != 0 || !b.Closed {
					t.Fatalf("%s %s %s: malformed bar %+v", sym, b.Interval, b.Time, b)
				}
			}
		}
	}
}

// Every interval aggregates the same minute path: aligned bar times, and
// the same open, close, extremes and volume over the range.
func TestSimHistoryIntervalsAgree(t *testing.T) {
	t.Parallel()
	h := newTestHistory(t, 5)
	start, end := day(2026, 2, 2), day(2026, 3, 4)
	mins := fetchBars(t, h, market.Query{Symbol: "FPT", Interval: market.Interval1m, Start: start, End: end})
	for _, iv := range market.Intervals[1:] {
		t.Run(string(iv), func(t *testing.T) {
			bars := fetchBars(t, h, market.Query{Symbol: "FPT", Interval: iv, Start: start, End: end})
			want := market.Bar{Open: mins[0].Open, Close: mins[len(mins)-1].Close, Low: mins[0].Low}
			for _, m := range mins {
				want.High, want.Low, want.Volume = max(want.High, m.High), min(want.Low, m.Low), want.Volume+m.Volume
			}
			got := market.Bar{Open: bars[0].Open, Close: bars[len(bars)-1].Close, Low: bars[0].Low}
			for i, b := range bars {
				if !iv.Start(b.Time).Equal(b.Time) || b.Interval != iv || b.Symbol != "FPT" {
					t.Fatalf("bar %d: time %s not aligned to %s (%+v)", i, b.Time, iv, b)
				}
				if i > 0 && !b.Time.After(bars[i-1].Time) {
					t.Fatalf("bar %d: %s not after %s", i, b.Time, bars[i-1].Time)
				}
				got.High, got.Low, got.Volume = max(got.High, b.High), min(got.Low, b.Low), got.Volume+b.Volume
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("aggregate (-1m +%s):\n%s", iv, diff)
			}
		})
	}
}

// A day's bars do not depend on the range that asked for them, and the seed
// decides the path.
func TestSimHistoryDeterministic(t *testing.T) {
	t.Parallel()
	a, b, other := newTestHistory(t, 9), newTestHistory(t, 9), newTestHistory(t, 10)
	q := market.Query{Symbol: "HPG", Interval: market.Interval5m, Start: day(2026, 2, 23), End: day(2026, 2, 27)}
	wide := fetchBars(t, a, q)
	q2 := q
	q2.Start, q2.End = day(2026, 2, 25), day(2026, 2, 25)
	narrow := fetchBars(t, b, q2)
	var sameDay []market.Bar
	for _, bar := range wide {
		if market.Date(bar.Time).Equal(day(2026, 2, 25)) {
			sameDay = append(sameDay, bar)
		}
	}
	if diff := cmp.Diff(sameDay, narrow); diff != "" || len(narrow) == 0 {
		t.Errorf("one day inside a wider range differs (%d bars):\n%s", len(narrow), diff)
	}
	if cmp.Equal(wide, fetchBars(t, other, q)) {
		t.Error("seed 10 gave the same bars as seed 9")
	}
}

func TestSimHistoryErrors(t *testing.T) {
	t.Parallel()
	h := newTestHistory(t, 1)
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		q    market.Query
		want error
	}{
		{"unknown symbol", nil, market.Query{Capability: market.CapOHLCV, Symbol: "ZZZ"}, market.ErrNotFound},
		{"unknown index", nil, market.Query{Capability: market.CapOHLCV, Symbol: "VNM", Asset: market.AssetIndex}, market.ErrNotFound},
		{"company of an index", nil, market.Query{Capability: market.CapCompany, Symbol: "VNINDEX"}, market.ErrNotFound},
		{"forex", nil, market.Query{Capability: market.CapOHLCV, Symbol: "USDVND", Asset: market.AssetForex}, market.ErrUnsupported},
		{"trades", nil, market.Query{Capability: market.CapTrades, Symbol: "VNM"}, market.ErrUnsupported},
		{"bad interval", nil, market.Query{Capability: market.CapOHLCV, Symbol: "VNM", Interval: "2m"}, market.ErrInvalid},
		{"end before start", nil, market.Query{Capability: market.CapOHLCV, Symbol: "VNM", Start: day(2026, 2, 2), End: day(2026, 1, 2)}, market.ErrInvalid},
		{"too far back", nil, market.Query{Capability: market.CapOHLCV, Symbol: "VNM", Start: day(1990, 1, 1)}, market.ErrInvalid},
		{"intraday too long", nil, market.Query{Capability: market.CapOHLCV, Symbol: "VNM", Interval: market.Interval1m, Start: day(2024, 1, 1)}, market.ErrInvalid},
		{"bad period", nil, market.Query{Capability: market.CapRatios, Symbol: "VNM", Period: "month"}, market.ErrInvalid},
		{"bad lang", nil, market.Query{Capability: market.CapRatios, Symbol: "VNM", Lang: "fr"}, market.ErrInvalid},
		{"canceled", canceled, market.Query{Capability: market.CapOHLCV, Symbol: "VNM"}, context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := tc.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			_, err := h.Fetch(ctx, tc.q)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

// Defaults: no interval is 1D over a year; no range on 1m is the last week.
func TestSimHistoryDefaults(t *testing.T) {
	t.Parallel()
	h := newTestHistory(t, 1)
	daily := fetchBars(t, h, market.Query{Symbol: "VNM"})
	if n := len(daily); n < 240 || n > 255 || daily[0].Interval != market.Interval1D {
		t.Errorf("default: %d bars of %s, want a year of 1D", n, daily[0].Interval)
	}
	mins := fetchBars(t, h, market.Query{Symbol: "VNM", Interval: market.Interval1m})
	first, last := market.Date(mins[0].Time), market.Date(mins[len(mins)-1].Time)
	if !last.Equal(day(2026, 3, 4)) || first.Before(day(2026, 2, 25)) {
		t.Errorf("default 1m range %s..%s, want the week to 2026-03-04", first, last)
	}
	if got := mins[0].Time.Sub(first); got != 9*time.Hour+15*time.Minute {
		t.Errorf("HOSE first minute at %s, want 09:15", got)
	}
}

func TestSimHistoryCompanyAndRatios(t *testing.T) {
	t.Parallel()
	h := newTestHistory(t, 1)
	res, err := h.Fetch(context.Background(), market.Query{Capability: market.CapCompany, Symbol: "VNM"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"symbol", "name", "sector", "profile", "listing_date", "issued_share"}, res.Frame.Columns); diff != "" {
		t.Errorf("company columns (-want +got):\n%s", diff)
	}
	if res.Frame.Len() != 1 || res.Frame.Value(0, "symbol") != "VNM" || res.Frame.Value(0, "issued_share").(float64) <= 0 {
		t.Errorf("company row %v", res.Frame.Rows)
	}
	res, err = h.Fetch(context.Background(), market.Query{Capability: market.CapRatios, Symbol: "VNM", Period: "quarter", Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"item", "item_id", "2025-Q4", "2025-Q3", "2025-Q2", "2025-Q1"}
	if diff := cmp.Diff(want, res.Frame.Columns); diff != "" {
		t.Errorf("ratio columns (-want +got):\n%s", diff)
	}
	row := func(id string) []any {
		for _, r := range res.Frame.Rows {
			if r[1] == id {
				return r
			}
		}
		t.Fatalf("no ratio %s", id)
		return nil
	}
	eps, pe, pb, bvps := row("trailing_eps")[2].(float64), row("p_e")[2].(float64), row("p_b")[2].(float64), row("book_value_per_share_bvps")[2].(float64)
	if price := eps * pe; price/(bvps*pb) < 0.97 || price/(bvps*pb) > 1.03 {
		t.Errorf("EPS×P/E = %v but BVPS×P/B = %v: the ratios disagree", price, bvps*pb)
	}
	if row("p_e")[0] != "Price to earnings (P/E)" {
		t.Errorf("lang en label %q", row("p_e")[0])
	}
	years, _ := simPeriods("", histNow)
	if diff := cmp.Diff([]string{"2025", "2024", "2023", "2022"}, years); diff != "" {
		t.Errorf("years (-want +got):\n%s", diff)
	}
}

func BenchmarkSimHistoryDailyYear(b *testing.B) {
	h := newTestHistory(b, 1)
	q := market.Query{Capability: market.CapOHLCV, Symbol: "VNM", Interval: market.Interval1D, Start: day(2025, 3, 5)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Fetch(context.Background(), q); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSimHistoryMinutesWeek(b *testing.B) {
	h := newTestHistory(b, 1)
	q := market.Query{Capability: market.CapOHLCV, Symbol: "VNM", Interval: market.Interval1m, Start: day(2026, 2, 25)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Fetch(context.Background(), q); err != nil {
			b.Fatal(err)
		}
	}
}
