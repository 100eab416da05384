package kbs

import (
	"context"
	"errors"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/feeds/fakeupstream"
	"github.com/vnstock-api/vnstock-api/feeds/upstream"
	"github.com/vnstock-api/vnstock-api/market"
)

// sourceNow is the clock of the source under test (the fake's own clock is
// the wall clock; nothing asserted here depends on it).
var sourceNow = time.Date(2026, 8, 10, 10, 0, 0, 0, market.ICT)

// newFakeSource runs the fake upstream over httptest and a Source on it.
func newFakeSource(t *testing.T) (*Source, *fakeupstream.Server) {
	t.Helper()
	fake := fakeupstream.New(fakeupstream.Config{})
	ts := httptest.NewServer(fake)
	t.Cleanup(ts.Close)
	src := New(Config{BaseURL: ts.URL + "/kbs", Doer: upstream.NewClient(upstream.Config{Source: Name}),
		Now: func() time.Time { return sourceNow }})
	return src, fake
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, market.ICT) }

func TestSourceBars(t *testing.T) {
	t.Parallel()
	src, _ := newFakeSource(t)
	cal := market.DefaultCalendar()
	tests := []struct {
		name  string
		q     market.Query
		check func(t *testing.T, bars []market.Bar)
	}{
		{"recorded VNM day", market.Query{Symbol: "VNM", Interval: market.Interval1D, Start: day(2024, 1, 1), End: day(2024, 1, 31)},
			func(t *testing.T, bars []market.Bar) {
				if len(bars) != 1 || bars[0].Open != 58776.6816 || !bars[0].Time.Equal(day(2024, 1, 31)) {
					t.Errorf("bars = %+v, want the recorded 2024-01-31 bar", bars)
				}
			}},
		{"synthetic FPT June 2026", market.Query{Symbol: "FPT", Interval: market.Interval1D, Start: day(2026, 6, 1), End: day(2026, 6, 30)},
			func(t *testing.T, bars []market.Bar) {
				want := cal.TradingDays(day(2026, 6, 1), day(2026, 6, 30))
				if len(bars) != len(want) {
					t.Fatalf("%d bars, want one per trading day (%d)", len(bars), len(want))
				}
				for i, b := range bars {
					if !b.Time.Equal(want[i]) || !b.Closed || b.Low > b.High || b.Volume <= 0 {
						t.Errorf("bar %d = %+v, want day %v, closed, consistent", i, b, want[i])
					}
				}
			}},
		{"weeks from days", market.Query{Symbol: "FPT", Interval: market.Interval1W, Start: day(2026, 6, 3), End: day(2026, 6, 30)},
			func(t *testing.T, bars []market.Bar) {
				if len(bars) != 5 || !bars[0].Time.Equal(day(2026, 6, 1)) || !bars[4].Time.Equal(day(2026, 6, 29)) {
					t.Errorf("weeks = %v, want the 5 Mondays 2026-06-01 ... 06-29", times(bars))
				}
			}},
		{"months from days", market.Query{Symbol: "FPT", Interval: market.Interval1M, Start: day(2026, 1, 15), End: day(2026, 6, 30)},
			func(t *testing.T, bars []market.Bar) {
				if len(bars) != 6 || !bars[0].Time.Equal(day(2026, 1, 1)) || !bars[5].Time.Equal(day(2026, 6, 1)) {
					t.Errorf("months = %v, want 2026-01-01 ... 06-01", times(bars))
				}
			}},
		{"index with string prices", market.Query{Symbol: "VN30", Asset: market.AssetIndex, Interval: market.Interval1D, Start: day(2026, 6, 1), End: day(2026, 6, 5)},
			func(t *testing.T, bars []market.Bar) {
				if len(bars) != 5 || bars[0].Close < 900 || bars[0].Close > 2300 {
					t.Errorf("bars = %+v, want 5 index bars in points", bars)
				}
			}},
		{"5m bars of a day", market.Query{Symbol: "FPT", Interval: market.Interval5m, Start: day(2026, 6, 1), End: day(2026, 6, 1)},
			func(t *testing.T, bars []market.Bar) {
				if len(bars) < 40 || bars[0].Time.Hour() != 9 || bars[len(bars)-1].Time.Minute()%5 != 0 {
					t.Errorf("%d bars %v, want the session's 5-minute bars", len(bars), times(bars))
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.q.Capability = market.CapOHLCV
			res, err := src.Fetch(context.Background(), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if res.Source != Name || res.PriceUnit != "vnd" || !res.FetchedAt.Equal(sourceNow) {
				t.Errorf("provenance %q %q %v", res.Source, res.PriceUnit, res.FetchedAt)
			}
			if !slices.IsSortedFunc(res.Bars, func(a, b market.Bar) int { return a.Time.Compare(b.Time) }) {
				t.Error("bars not oldest first")
			}
			tc.check(t, res.Bars)
		})
	}
}

func times(bars []market.Bar) []string {
	out := make([]string, len(bars))
	for i, b := range bars {
		out[i] = b.Time.Format(time.DateTime)
	}
	return out
}

func TestSourceBoardAndTrades(t *testing.T) {
	t.Parallel()
	src, fake := newFakeSource(t)
	ctx := context.Background()
	res, err := src.Fetch(ctx, market.Query{Capability: market.CapBoard, Symbols: []market.Symbol{"VNM", "FPT", "ZZZ"}})
	if err != nil {
		t.Fatal(err)
	}
	if n := fake.Count(Name, "/kbs/stock/iss"); n != 1 {
		t.Errorf("%d board requests, want 1 for 3 symbols", n)
	}
	if len(res.Quotes) != 2 || res.Quotes[0].Symbol != "VNM" || res.Quotes[0].Last != 68200 || res.Quotes[1].Symbol != "FPT" {
		t.Fatalf("quotes = %+v, want recorded VNM and synthetic FPT", res.Quotes)
	}
	fpt := res.Quotes[1]
	if fpt.Exchange != market.HOSE || fpt.Last < fpt.Floor || fpt.Last > fpt.Ceiling || fpt.TotalVolume <= 0 || len(fpt.Bids) != 3 || len(fpt.Asks) != 3 {
		t.Errorf("FPT quote = %+v", fpt)
	}
	res, err = src.Fetch(ctx, market.Query{Capability: market.CapTrades, Symbol: "VNM"})
	if err != nil || len(res.Trades) != 1 || res.Trades[0].Side != market.SideSell {
		t.Fatalf("VNM trades = %+v, %v; want the recorded sell", res.Trades, err)
	}
	res, err = src.Fetch(ctx, market.Query{Capability: market.CapTrades, Symbol: "FPT", Limit: 50})
	if err != nil || len(res.Trades) != 50 {
		t.Fatalf("FPT trades: %d, %v; want 50", len(res.Trades), err)
	}
	if !slices.IsSortedFunc(res.Trades, func(a, b market.Trade) int { return b.Time.Compare(a.Time) }) {
		t.Error("trades not newest first")
	}
	if _, err := src.Fetch(ctx, market.Query{Capability: market.CapBoard, Symbols: []market.Symbol{"ZZZ"}}); !errors.Is(err, market.ErrNotFound) {
		t.Errorf("board of an unknown symbol: %v, want ErrNotFound", err)
	}
}

func TestSourceListings(t *testing.T) {
	t.Parallel()
	src, _ := newFakeSource(t)
	tests := []struct {
		q       market.Query
		rows    int
		first   []any
		wantErr error
	}{
		{q: market.Query{Capability: market.CapEquities, Exchange: "HOSE"}, rows: len(market.VN30), first: []any{"ACB"}},
		{q: market.Query{Capability: market.CapEquities, Exchange: "hnx", Type: "stock"}, rows: len(market.HNX30Sample)},
		{q: market.Query{Capability: market.CapGroup, Group: "VN30"}, rows: 30, first: []any{"ACB"}},
		{q: market.Query{Capability: market.CapGroup, Group: "hnx30"}, rows: len(market.HNX30Sample)},
		{q: market.Query{Capability: market.CapGroup, Group: "VNDIAMOND"}, wantErr: market.ErrUnsupported},
		{q: market.Query{Capability: market.CapIndustry, Code: "1"}, rows: 3, first: []any{"CMC", "1", "Bán buôn"}},
		{q: market.Query{Capability: market.CapIndustry, Code: "8300"}, wantErr: market.ErrUnsupported},
		{q: market.Query{Capability: market.CapIndustries}, wantErr: market.ErrUnsupported},
		{q: market.Query{Capability: market.CapDepth, Symbol: "VNM"}, wantErr: market.ErrUnsupported},
		{q: market.Query{Capability: market.CapOHLCV, Symbol: "VNXALL", Asset: market.AssetIndex}, wantErr: market.ErrUnsupported},
		{q: market.Query{Capability: market.CapCompany, Symbol: "ZZZ"}, wantErr: market.ErrNotFound},
		{q: market.Query{Capability: market.CapOHLCV, Symbol: "bad symbol"}, wantErr: market.ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.q.Key(), func(t *testing.T) {
			t.Parallel()
			res, err := src.Fetch(context.Background(), tc.q)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Frame.Len() != tc.rows {
				t.Fatalf("%d rows, want %d", res.Frame.Len(), tc.rows)
			}
			if tc.first != nil && !slices.Equal(res.Frame.Rows[0][:len(tc.first)], tc.first) {
				t.Errorf("first row %v, want %v", res.Frame.Rows[0], tc.first)
			}
		})
	}
}

func TestSourceAllSectors(t *testing.T) {
	t.Parallel()
	src, fake := newFakeSource(t)
	res, err := src.Fetch(context.Background(), market.Query{Capability: market.CapIndustry})
	if err != nil {
		t.Fatal(err)
	}
	// The recorded sector/all excerpt lists 5 sectors: one list call and one
	// member call per sector.
	if n := fake.Count(Name, "/kbs/sector/stock"); n != 5 {
		t.Errorf("%d sector/stock calls, want 5", n)
	}
	codes := map[any]bool{}
	for i := range res.Frame.Rows {
		codes[res.Frame.Value(i, "industry_code")] = true
	}
	if !codes["1"] || res.Frame.Len() < 3 {
		t.Errorf("industries %v over %d rows", codes, res.Frame.Len())
	}
}
