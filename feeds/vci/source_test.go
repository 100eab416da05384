package vci

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/feeds/fakeupstream"
	"github.com/vnstock-api/vnstock-api/feeds/internal/golden"
	"github.com/vnstock-api/vnstock-api/feeds/upstream"
	"github.com/vnstock-api/vnstock-api/market"
)

// The Source has feeds.Source's method set (spelled out so that this
// package's tests do not build package feeds).
var _ interface {
	Name() string
	Fetch(context.Context, market.Query) (market.Result, error)
} = (*Source)(nil)

// fixture is a Source wired to a fake upstream over HTTP.
type fixture struct {
	src  *Source
	fake *fakeupstream.Server
	rec  *recorder
	base string
}

// newFixture starts a fake upstream and a Source on it whose clock reads now.
func newFixture(t *testing.T, now time.Time, ratios string) *fixture {
	t.Helper()
	fake := fakeupstream.New(fakeupstream.Config{})
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	rec := &recorder{inner: upstream.NewClient(upstream.Config{Source: "vci"})}
	src := New(Config{TradingURL: srv.URL + "/vci", IQURL: srv.URL + "/vciiq", Doer: rec,
		Now: func() time.Time { return now }, Ratios: ratios})
	return &fixture{src: src, fake: fake, rec: rec, base: srv.URL}
}

// fetch runs q and fails the test on error.
func (f *fixture) fetch(t *testing.T, q market.Query) market.Result {
	t.Helper()
	res, err := f.src.Fetch(context.Background(), q)
	if err != nil {
		t.Fatalf("fetch %s: %v", q.Key(), err)
	}
	return res
}

// lastBody returns the body of the last recorded request.
func (f *fixture) lastBody(t *testing.T) map[string]any {
	t.Helper()
	f.rec.mu.Lock()
	defer f.rec.mu.Unlock()
	var m map[string]any
	if err := json.Unmarshal(f.rec.reqs[len(f.rec.reqs)-1].Body, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func ict(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, market.ICT)
}

// TestOHLCVMatchesVnstock compares the daily bars the Source returns for
// vnstock 3.2's VCI history call with vnstock's own output: the same days
// (without the 2024-03-21 bar the quirky `to` let in), prices × 1000 (VND
// against vnstock's thousands), the same volumes.
func TestOHLCVMatchesVnstock(t *testing.T) {
	t.Parallel()
	f := newFixture(t, captureDay, "")
	res := f.fetch(t, market.Query{Capability: market.CapOHLCV, Symbol: "VCI", Interval: market.Interval1D,
		Start: ict(2024, 1, 1, 0, 0), End: ict(2024, 3, 20, 0, 0)})
	var want []struct {
		Time                   string
		Open, High, Low, Close float64
		Volume                 int64
	}
	if err := json.Unmarshal(golden.Read(t, "vci", "expected/quote_vci_history__output_VCI.json"), &want); err != nil {
		t.Fatal(err)
	}
	want = want[:len(want)-1] // 2024-03-21: after the asked end
	if len(res.Bars) != len(want) || len(want) != 52 {
		t.Fatalf("%d bars, want %d", len(res.Bars), len(want))
	}
	for i, w := range want {
		b := res.Bars[i]
		if got := b.Time.Format("2006-01-02 15:04:05"); got != w.Time || b.Time.Location() != market.ICT {
			t.Errorf("bar %d time %s, want %s ICT", i, b.Time, w.Time)
		}
		for _, p := range [...][2]float64{{b.Open, w.Open}, {b.High, w.High}, {b.Low, w.Low}, {b.Close, w.Close}} {
			if math.Abs(p[0]-p[1]*1000) > 0.01 {
				t.Errorf("bar %d price %v, want %v × 1000", i, p[0], p[1])
			}
		}
		if b.Volume != w.Volume || !b.Closed || b.Interval != market.Interval1D || b.Symbol != "VCI" {
			t.Errorf("bar %d = %+v", i, b)
		}
	}
}

// TestOHLCVResampled checks the intervals VCI lacks, built from its 1m and
// 1D bars, and the hourly bars it has.
func TestOHLCVResampled(t *testing.T) {
	t.Parallel()
	f := newFixture(t, captureDay, "")
	q := market.Query{Capability: market.CapOHLCV, Symbol: "VCI", Start: ict(2024, 1, 1, 0, 0), End: ict(2024, 3, 20, 0, 0)}
	daily := f.fetch(t, q).Bars

	q.Interval = market.Interval1W
	weeks := f.fetch(t, q).Bars
	if len(weeks) != 12 || !weeks[0].Time.Equal(ict(2024, 1, 1, 0, 0)) || weeks[0].Open != daily[0].Open ||
		weeks[0].Close != daily[3].Close || weeks[0].Volume != daily[0].Volume+daily[1].Volume+daily[2].Volume+daily[3].Volume {
		t.Errorf("weeks: %d, first %+v", len(weeks), weeks[0])
	}
	q.Interval = market.Interval1M
	months := f.fetch(t, q).Bars
	if len(months) != 3 || !months[1].Time.Equal(ict(2024, 2, 1, 0, 0)) || months[2].Close != daily[len(daily)-1].Close {
		t.Errorf("months: %+v", months)
	}
	var vol int64
	for _, m := range months {
		vol += m.Volume
	}
	for _, d := range daily {
		vol -= d.Volume
	}
	if vol != 0 {
		t.Errorf("monthly volume differs from daily by %d", vol)
	}

	fpt := market.Query{Capability: market.CapOHLCV, Symbol: "FPT", Start: ict(2025, 9, 26, 0, 0), End: ict(2025, 9, 26, 0, 0)}
	for _, c := range []struct {
		iv    market.Interval
		times []string
	}{
		{market.Interval1m, []string{"09:54", "09:55"}},
		{market.Interval5m, []string{"09:50", "09:55"}},
		{market.Interval15m, []string{"09:45"}},
	} {
		fpt.Interval = c.iv
		bars := f.fetch(t, fpt).Bars
		var got []string
		for _, b := range bars {
			got = append(got, b.Time.Format("15:04"))
		}
		if !slices.Equal(got, c.times) {
			t.Errorf("FPT %s bars at %v, want %v", c.iv, got, c.times)
		}
		if c.iv == market.Interval15m && bars[0].Volume != 9500 {
			t.Errorf("15m volume %d, want 4600+4900", bars[0].Volume)
		}
	}
	if b := f.lastBody(t); b["timeFrame"] != "ONE_MINUTE" || b["countBack"] != float64(271) {
		t.Errorf("15m request %v", b)
	}
}

// TestOHLCVSynthetic checks catalogue-built bars for ranges nothing was
// recorded for: every bar inside the range, on the session's hours.
func TestOHLCVSynthetic(t *testing.T) {
	t.Parallel()
	f := newFixture(t, captureDay, "")
	hourly := f.fetch(t, market.Query{Capability: market.CapOHLCV, Symbol: "HPG", Interval: market.Interval1H,
		Start: ict(2025, 3, 17, 0, 0), End: ict(2025, 3, 21, 0, 0)}).Bars
	if len(hourly) != 25 {
		t.Fatalf("%d hourly bars, want 5 days × 5", len(hourly))
	}
	for _, b := range hourly {
		if h := b.Time.Hour(); h == 12 || h < 9 || h > 14 || b.Low > b.High || !b.Closed {
			t.Errorf("bar %+v", b)
		}
	}
	half := f.fetch(t, market.Query{Capability: market.CapOHLCV, Symbol: "SSI", Interval: market.Interval30m,
		Start: ict(2025, 3, 20, 0, 0), End: ict(2025, 3, 20, 0, 0)}).Bars
	if len(half) != 9 || half[8].Time.Format("15:04") != "14:30" {
		t.Errorf("30m bars: %d, last %v", len(half), half[len(half)-1].Time)
	}
	weekend := f.fetch(t, market.Query{Capability: market.CapOHLCV, Symbol: "SSI",
		Start: ict(2025, 3, 22, 0, 0), End: ict(2025, 3, 23, 0, 0)})
	if len(weekend.Bars) != 0 {
		t.Errorf("weekend bars: %v", weekend.Bars)
	}
}

// TestOHLCVCodes checks the codes sent for indices and futures, and that
// index points are not scaled.
func TestOHLCVCodes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, captureDay, "")
	for _, c := range []struct {
		sym  market.Symbol
		code string
	}{{"VNINDEX", "VNINDEX"}, {"HNXINDEX", "HNXIndex"}, {"UPCOMINDEX", "HNXUpcomIndex"}, {"VNMID", "VNMIDCAP"},
		{"VN30F2601", "41I1G1000"}, {"VN30F1M", "41I1F4000"} /* March 2025 expired on the 20th */, {"41I1F8000", "41I1F8000"}} {
		res := f.fetch(t, market.Query{Capability: market.CapOHLCV, Symbol: c.sym,
			Start: ict(2025, 3, 10, 0, 0), End: ict(2025, 3, 14, 0, 0)})
		if syms := f.lastBody(t)["symbols"].([]any); syms[0] != c.code {
			t.Errorf("%s sent as %v, want %s", c.sym, syms, c.code)
		}
		if len(res.Bars) != 5 || res.Bars[0].Symbol != c.sym {
			t.Errorf("%s: %d bars", c.sym, len(res.Bars))
		}
		if c.sym == "VNINDEX" && (res.Bars[0].Close < 500 || res.Bars[0].Close > 3000) {
			t.Errorf("VNINDEX close %v is not in points", res.Bars[0].Close)
		}
	}
}

// TestTradesMatchVnstock compares the trades of VCI's 2025-03-21 session
// with vnstock 3.2's intraday output (which kept prices in VND).
func TestTradesMatchVnstock(t *testing.T) {
	t.Parallel()
	f := newFixture(t, captureDay, "")
	trades := f.fetch(t, market.Query{Capability: market.CapTrades, Symbol: "VCI", Limit: 1000}).Trades
	var want []struct {
		Time      string
		Price     float64
		Volume    int64
		MatchType string `json:"match_type"`
		ID        string
	}
	if err := json.Unmarshal(golden.Read(t, "vci", "expected/quote_vci_intraday__output_VCI.json"), &want); err != nil {
		t.Fatal(err)
	}
	if len(trades) != len(want) {
		t.Fatalf("%d trades, want %d", len(trades), len(want))
	}
	// vnstock's sort by time is not stable, so trades of one second may be
	// in another order there; match them by id.
	sides := map[string]market.Side{"Buy": market.SideBuy, "Sell": market.SideSell, "ATC": market.SideUnknown}
	byID := map[string]int{}
	for i, w := range want {
		byID[w.ID] = i
	}
	for i, tr := range trades {
		j, ok := byID[tr.ID]
		if !ok {
			t.Fatalf("trade %d id %q not in vnstock's output", i, tr.ID)
		}
		w := want[j]
		if tr.Time.Format("2006-01-02 15:04:05") != w.Time || float64(tr.Price) != w.Price || tr.Volume != w.Volume ||
			tr.Side != sides[w.MatchType] || tr.Source != "vci" || tr.Symbol != "VCI" {
			t.Errorf("trade %d = %+v, want %+v", i, tr, w)
		}
		if i > 0 && tr.Time.Before(trades[i-1].Time) {
			t.Errorf("trade %d before trade %d", i, i-1)
		}
	}
	last := trades[len(trades)-1]
	if last.TotalVolume != 12817200 || last.Price != 39100 || last.Time.Format("15:04:05") != "14:45:02" {
		t.Errorf("last trade %+v", last)
	}
	for _, sym := range []market.Symbol{"VNINDEX", "VN30F1M"} {
		_, err := f.src.Fetch(context.Background(), market.Query{Capability: market.CapTrades, Symbol: sym})
		if !errors.Is(err, market.ErrUnsupported) {
			t.Errorf("trades of %s: %v, want ErrUnsupported", sym, err)
		}
	}
	synth := f.fetch(t, market.Query{Capability: market.CapTrades, Symbol: "HPG", Limit: 50}).Trades
	if len(synth) != 50 || !slices.IsSortedFunc(synth, func(a, b market.Trade) int { return a.Time.Compare(b.Time) }) {
		t.Errorf("synthetic trades: %d, sorted %v", len(synth), synth)
	}
}

// TestDepthMatchesVnstock compares the price depth with vnstock 3.2's
// output: the same columns, the same values as numbers.
func TestDepthMatchesVnstock(t *testing.T) {
	t.Parallel()
	f := newFixture(t, captureDay, "")
	fr := f.fetch(t, market.Query{Capability: market.CapDepth, Symbol: "VCI"}).Frame
	var want []map[string]string
	if err := json.Unmarshal(golden.Read(t, "vci", "expected/quote_vci_price_depth__output_VCI.json"), &want); err != nil {
		t.Fatal(err)
	}
	if fr.Len() != len(want) {
		t.Fatalf("%d rows, want %d", fr.Len(), len(want))
	}
	for i, w := range want {
		if len(w) != len(fr.Columns) {
			t.Errorf("row %d has %d columns, vnstock %d", i, len(fr.Columns), len(w))
		}
		for col, v := range w {
			if got := fr.Value(i, col); got == nil || jsonString(got) != v {
				t.Errorf("row %d %s = %v, want %s", i, col, got, v)
			}
		}
	}
}

func jsonString(v any) string { b, _ := json.Marshal(v); return strings.Trim(string(b), `"`) }
