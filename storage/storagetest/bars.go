package storagetest

import (
	"math"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
)

func vnmDaily() storage.SeriesKey {
	return storage.SeriesKey{Symbol: "VNM", Asset: market.AssetEquity, Interval: market.Interval1D}
}

// dailyBars returns n closed daily bars of key from day(first), prices
// derived from the day so that every bar differs.
func dailyBars(key storage.SeriesKey, first, n int) []market.Bar {
	out := make([]market.Bar, n)
	for i := range out {
		p := float64(60000 + 100*(first+i))
		out[i] = market.Bar{Symbol: key.Symbol, Interval: key.Interval, Time: day(first + i),
			Open: p, High: p + 500, Low: p - 300, Close: p + 200, Volume: int64(1000 * (first + i + 1)),
			Closed: true, Source: "kbs"}
	}
	return out
}

func readAll(t *testing.T, s storage.Store, key storage.SeriesKey) []market.Bar {
	t.Helper()
	got, err := s.Bars(ctxOf(t), key, storage.Range{})
	must(t, err)
	return got
}

func testBarsRoundTrip(t *testing.T, s storage.Store) {
	ctx := ctxOf(t)
	key := storage.SeriesKey{Symbol: "VNINDEX", Asset: market.AssetIndex, Interval: market.Interval1m}
	t0 := time.Date(2024, 3, 5, 9, 15, 0, 0, market.ICT)
	want := []market.Bar{
		{Symbol: "VNINDEX", Interval: market.Interval1m, Time: t0, Open: 1254.37, High: 1256.02, Low: 1253.1,
			Close: 1255.5, Volume: 9_876_543_210, Closed: true, Source: "vci"},
		// Given in UTC: the store answers in ICT.
		{Symbol: "VNINDEX", Interval: market.Interval1m, Time: t0.Add(time.Minute).UTC(), Open: 1255.5,
			High: 1255.5, Low: 1255.25, Close: 1255.25, Volume: 0, Closed: false, Source: "kbs"},
	}
	must(t, s.UpsertBars(ctx, key, want))
	got := readAll(t, s, key)
	if d := diff(want, got); d != "" {
		t.Errorf("bars (-want +got):\n%s", d)
	}
	for _, b := range got {
		inICT(t, "bar", b.Time)
	}
	// Bars without symbol or interval take the series'.
	must(t, s.UpsertBars(ctx, key, []market.Bar{{Time: t0.Add(2 * time.Minute), Open: 1, High: 1, Low: 1, Close: 1}}))
	got = readAll(t, s, key)
	if len(got) != 3 || got[2].Symbol != "VNINDEX" || got[2].Interval != market.Interval1m {
		t.Errorf("bar written without symbol/interval reads back as %+v", got[len(got)-1])
	}
	must(t, s.UpsertBars(ctx, key, nil))
}

func testBarsUpsertReplaces(t *testing.T, s storage.Store) {
	ctx := ctxOf(t)
	key := vnmDaily()
	must(t, s.UpsertBars(ctx, key, dailyBars(key, 0, 3)))

	changed := dailyBars(key, 1, 3) // days 1, 2 again and day 3 new
	changed[0].Close, changed[0].Source = 12345, "vci"
	changed[1].Closed = false
	// Among equal times in one call, the last given wins.
	dup := changed[2]
	dup.Close = 99999
	changed = append(changed, dup)
	must(t, s.UpsertBars(ctx, key, changed))

	want := append(dailyBars(key, 0, 1), changed[0], changed[1], dup)
	if d := diff(want, readAll(t, s, key)); d != "" {
		t.Errorf("after upsert (-want +got):\n%s", d)
	}
	// Re-writing identical bars changes nothing.
	must(t, s.UpsertBars(ctx, key, want))
	if d := diff(want, readAll(t, s, key)); d != "" {
		t.Errorf("after identical upsert (-want +got):\n%s", d)
	}
}

func testBarsRange(t *testing.T, s storage.Store) {
	ctx := ctxOf(t)
	key := vnmDaily()
	bars := dailyBars(key, 0, 6) // days 0..5
	// Written out of order: reads are oldest first anyway.
	must(t, s.UpsertBars(ctx, key, []market.Bar{bars[4], bars[1], bars[5], bars[0], bars[3], bars[2]}))
	tests := []struct {
		name string
		r    storage.Range
		want []market.Bar
	}{
		{"half open", storage.Range{From: day(1), To: day(4)}, bars[1:4]},
		{"empty", storage.Range{From: day(2), To: day(2)}, nil},
		{"inverted", storage.Range{From: day(4), To: day(2)}, nil},
		{"to inside a day", storage.Range{From: day(1), To: day(3).Add(time.Nanosecond)}, bars[1:4]},
		{"from inside a day", storage.Range{From: day(1).Add(time.Second), To: day(3)}, bars[2:3]},
		{"open from", storage.Range{To: day(2)}, bars[:2]},
		{"open to", storage.Range{From: day(4)}, bars[4:]},
		{"open both", storage.Range{}, bars},
		{"before all", storage.Range{From: day(-10), To: day(0)}, nil},
		{"other zone, same instants", storage.Range{From: day(1).UTC(), To: day(3).UTC()}, bars[1:3]},
	}
	for _, tc := range tests {
		got, err := s.Bars(ctx, key, tc.r)
		must(t, err)
		if d := diff(tc.want, got); d != "" {
			t.Errorf("%s: Bars(%v, %v) (-want +got):\n%s", tc.name, tc.r.From, tc.r.To, d)
		}
	}
}

func testBarsSeriesIsolated(t *testing.T, s storage.Store) {
	ctx := ctxOf(t)
	base := vnmDaily()
	keys := []storage.SeriesKey{
		base,
		{Symbol: "FPT", Asset: base.Asset, Interval: base.Interval},
		{Symbol: base.Symbol, Asset: base.Asset, Interval: market.Interval1W},
		{Symbol: base.Symbol, Asset: base.Asset, Interval: base.Interval, Adjusted: true},
		{Symbol: base.Symbol, Asset: market.AssetETF, Interval: base.Interval},
	}
	for i, k := range keys {
		must(t, s.UpsertBars(ctx, k, dailyBars(k, 10*i, i+1)))
	}
	for i, k := range keys {
		if d := diff(dailyBars(k, 10*i, i+1), readAll(t, s, k)); d != "" {
			t.Errorf("series %+v (-want +got):\n%s", k, d)
		}
	}
}

func testBarsInvalid(t *testing.T, s storage.Store) {
	ctx := ctxOf(t)
	key := vnmDaily()
	good := dailyBars(key, 0, 1)[0]
	other, noTime, nan, inf, otherIv := good, good, good, good, good
	other.Symbol = "FPT"
	noTime.Time = time.Time{}
	nan.Close = math.NaN()
	inf.High = math.Inf(1)
	otherIv.Interval = market.Interval1H
	tests := []struct {
		name string
		key  storage.SeriesKey
		bar  market.Bar
	}{
		{"symbol differs", key, other},
		{"interval differs", key, otherIv},
		{"no time", key, noTime},
		{"NaN", key, nan},
		{"Inf", key, inf},
		{"series without symbol", storage.SeriesKey{Interval: market.Interval1D}, good},
		{"series without interval", storage.SeriesKey{Symbol: "VNM"}, good},
	}
	for _, tc := range tests {
		err := s.UpsertBars(ctx, tc.key, []market.Bar{good, tc.bar})
		wantErr(t, err, market.ErrInvalid, tc.name)
	}
	if got := readAll(t, s, key); len(got) != 0 {
		t.Errorf("a refused batch wrote %d bars", len(got))
	}
	_, err := s.Bars(ctx, storage.SeriesKey{}, storage.Range{})
	wantErr(t, err, market.ErrInvalid, "Bars of an empty series key")
}

func testCoverage(t *testing.T, s storage.Store) {
	ctx := ctxOf(t)
	r := func(a, b int) storage.Range { return storage.Range{From: day(a), To: day(b)} }
	tests := []struct {
		name string
		add  []storage.Range
		want []storage.Range
	}{
		{"one", []storage.Range{r(1, 2)}, []storage.Range{r(1, 2)}},
		{"disjoint, sorted on read", []storage.Range{r(5, 6), r(1, 2), r(3, 4)}, []storage.Range{r(1, 2), r(3, 4), r(5, 6)}},
		{"touching after", []storage.Range{r(1, 2), r(2, 3)}, []storage.Range{r(1, 3)}},
		{"touching before", []storage.Range{r(2, 3), r(1, 2)}, []storage.Range{r(1, 3)}},
		{"overlapping", []storage.Range{r(1, 3), r(2, 4)}, []storage.Range{r(1, 4)}},
		{"contained", []storage.Range{r(1, 5), r(2, 3)}, []storage.Range{r(1, 5)}},
		{"containing", []storage.Range{r(2, 3), r(1, 5)}, []storage.Range{r(1, 5)}},
		{"bridging two", []storage.Range{r(1, 2), r(3, 4), r(2, 3)}, []storage.Range{r(1, 4)}},
		{"swallowing many", []storage.Range{r(1, 2), r(3, 4), r(5, 6), r(8, 9), r(0, 7)}, []storage.Range{r(0, 7), r(8, 9)}},
		{"gap of an instant", []storage.Range{r(1, 2), {From: day(2).Add(time.Microsecond), To: day(3)}},
			[]storage.Range{r(1, 2), {From: day(2).Add(time.Microsecond), To: day(3)}}},
		{"empty range records nothing", []storage.Range{r(2, 2)}, nil},
		{"same twice", []storage.Range{r(1, 2), r(1, 2)}, []storage.Range{r(1, 2)}},
	}
	for i, tc := range tests {
		// One series per case, in one store: also shows series do not mix.
		key := storage.SeriesKey{Symbol: market.Symbol("C" + string(rune('A'+i))), Asset: market.AssetEquity, Interval: market.Interval1D}
		for _, rg := range tc.add {
			must(t, s.AddCoverage(ctx, key, rg))
		}
		got, err := s.Coverage(ctx, key)
		must(t, err)
		if d := diff(tc.want, got); d != "" {
			t.Errorf("%s: coverage (-want +got):\n%s", tc.name, d)
		}
		for _, g := range got {
			inICT(t, tc.name, g.From)
		}
	}
	adj := storage.SeriesKey{Symbol: "CA", Asset: market.AssetEquity, Interval: market.Interval1D, Adjusted: true}
	got, err := s.Coverage(ctx, adj)
	must(t, err)
	if len(got) != 0 {
		t.Errorf("adjusted series shares the unadjusted one's coverage: %v", got)
	}
}

func testCoverageInvalid(t *testing.T, s storage.Store) {
	ctx := ctxOf(t)
	key := vnmDaily()
	tests := []struct {
		name string
		key  storage.SeriesKey
		r    storage.Range
	}{
		{"inverted", key, storage.Range{From: day(3), To: day(1)}},
		{"open from", key, storage.Range{To: day(1)}},
		{"open to", key, storage.Range{From: day(1)}},
		{"no symbol", storage.SeriesKey{Interval: market.Interval1D}, storage.Range{From: day(1), To: day(2)}},
	}
	for _, tc := range tests {
		wantErr(t, s.AddCoverage(ctx, tc.key, tc.r), market.ErrInvalid, tc.name)
	}
	got, err := s.Coverage(ctx, key)
	must(t, err)
	if len(got) != 0 {
		t.Errorf("refused ranges were recorded: %v", got)
	}
}
