package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
)

// fakeService answers every capability from recorded upstream data and
// vnstock output samples (testdata/README.md), and records each call.
type fakeService struct {
	frames  map[string]*market.Frame
	bars    []market.Bar
	trades  []market.Trade
	quotes  map[market.Symbol]market.Quote
	fetched time.Time

	mu    sync.Mutex
	calls []market.Query
	fail  map[market.Capability]error
	delay time.Duration
}

func newFakeService(t testing.TB) *fakeService {
	t.Helper()
	f := &fakeService{
		frames:  map[string]*market.Frame{},
		quotes:  map[market.Symbol]market.Quote{},
		fetched: time.Date(2025, 3, 21, 15, 30, 0, 0, market.ICT),
		fail:    map[market.Capability]error{},
	}
	samples, err := filepath.Glob("testdata/vnstock/*.json")
	if err != nil || len(samples) == 0 {
		t.Fatalf("no vnstock samples: %v", err)
	}
	for _, p := range samples {
		var doc struct{ Sample json.RawMessage }
		readJSON(t, p, &doc)
		fr := &market.Frame{}
		if err := fr.UnmarshalJSON(doc.Sample); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		f.frames[strings.TrimSuffix(filepath.Base(p), ".json")] = fr
	}
	var synth map[string]json.RawMessage
	readJSON(t, "testdata/synthetic.json", &synth)
	for name, rows := range synth {
		fr := &market.Frame{}
		if err := fr.UnmarshalJSON(rows); err != nil {
			t.Fatalf("synthetic %s: %v", name, err)
		}
		f.frames[name] = fr
	}
	f.loadDepth(t)
	f.loadGroup(t)
	f.loadBars(t)
	f.loadTrades(t)
	f.loadQuotes(t)
	return f
}

func readJSON(t testing.TB, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func (f *fakeService) loadDepth(t testing.TB) {
	b, err := os.ReadFile("testdata/vci/price_depth_VCI.json")
	if err != nil {
		t.Fatal(err)
	}
	fr := &market.Frame{}
	if err := fr.UnmarshalJSON(b); err != nil {
		t.Fatal(err)
	}
	f.frames["depth"] = fr
}

func (f *fakeService) loadGroup(t testing.TB) {
	var g struct{ Data []string }
	readJSON(t, "testdata/kbs/index_30_stocks.json", &g)
	fr := market.NewFrame("symbol", "group")
	for _, s := range g.Data {
		_ = fr.Append(s, "VN30")
	}
	f.frames["group_VN30"] = fr
}

func (f *fakeService) loadBars(t testing.TB) {
	var d struct {
		Data []struct {
			Open, High, Low, Close float64
			Volume                 int64
			TradingDate            time.Time
		}
	}
	readJSON(t, "testdata/tcbs/ohlcv_daily.json", &d)
	for _, r := range d.Data {
		f.bars = append(f.bars, market.Bar{
			Symbol: "VNM", Interval: market.Interval1D, Time: market.Interval1D.Start(r.TradingDate),
			Open: r.Open, High: r.High, Low: r.Low, Close: r.Close, Volume: r.Volume, Closed: true, Source: "tcbs",
		})
	}
}

func (f *fakeService) loadTrades(t testing.TB) {
	var d struct {
		Data []struct {
			P, V int64
			A, T string
		}
	}
	readJSON(t, "testdata/tcbs/intraday.json", &d)
	day := time.Date(2025, 3, 21, 0, 0, 0, 0, market.ICT)
	sides := map[string]market.Side{"BU": market.SideBuy, "SD": market.SideSell}
	var total int64
	for i := len(d.Data) - 1; i >= 0; i-- { // newest first upstream: accumulate from the oldest
		r := d.Data[i]
		tod, err := time.Parse(time.TimeOnly, r.T)
		if err != nil {
			t.Fatal(err)
		}
		total += r.V
		side, ok := sides[r.A]
		if !ok {
			side = market.SideUnknown
		}
		f.trades = append(f.trades, market.Trade{
			Symbol: "VNM", Time: day.Add(tod.Sub(tod.Truncate(24 * time.Hour))), Price: r.P, Volume: r.V,
			Side: side, TotalVolume: total, Source: "tcbs",
		})
	}
	slices.Reverse(f.trades)
}

// loadQuotes: VNM is KBS's recorded board row; every other VN30 member gets
// a row derived from it (same shape, prices scaled by the symbol) so group
// boards are complete and distinct.
func (f *fakeService) loadQuotes(t testing.TB) {
	var rows []struct {
		SB, EX                         string
		CL, FL, RE, CP, CV, CH, OP, HI int64
		LO, V1, U1, FB, FR             int64
		CHP                            float64
		B1, S1                         string
	}
	readJSON(t, "testdata/kbs/price_board_VNM_excerpt.json", &rows)
	r := rows[0]
	var b1, s1 float64
	_, _ = fmt.Sscan(r.B1, &b1)
	_, _ = fmt.Sscan(r.S1, &s1)
	base := market.Quote{
		Symbol: market.Symbol(r.SB), Exchange: market.Exchange(r.EX), Time: time.Date(2025, 3, 21, 14, 45, 0, 0, market.ICT),
		Session: market.PhaseClosed, Ref: r.RE, Ceiling: r.CL, Floor: r.FL, Open: r.OP, High: r.HI, Low: r.LO,
		Last: r.CP, LastVolume: r.CV, TotalVolume: 13371400, TotalValue: 921101500000, Change: r.CH, ChangePct: r.CHP,
		Bids: []market.Level{{Price: int64(b1), Volume: r.V1}}, Asks: []market.Level{{Price: int64(s1), Volume: r.U1}},
		ForeignBuy: r.FB, ForeignRoom: r.FR, Source: "kbs",
	}
	f.quotes[base.Symbol] = base
	for i, s := range market.VN30 {
		if s == base.Symbol {
			continue
		}
		q := base
		q.Symbol = s
		q.Last = base.Last + int64(i*100)
		q.Bids = []market.Level{{Price: q.Last - 100, Volume: 1000 * int64(i+1)}}
		q.Asks = []market.Level{{Price: q.Last, Volume: 500 * int64(i+1)}}
		f.quotes[s] = q
	}
}

// Calls returns the queries received so far.
func (f *fakeService) Calls() []market.Query {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

func (f *fakeService) Get(ctx context.Context, q market.Query) (storage.Answer, error) {
	f.mu.Lock()
	f.calls = append(f.calls, q)
	err, delay := f.fail[q.Capability], f.delay
	f.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return storage.Answer{}, ctx.Err()
		}
	}
	if err != nil {
		return storage.Answer{}, err
	}
	a := storage.Answer{Result: market.Result{Source: "kbs", PriceUnit: "vnd", FetchedAt: f.fetched}}
	switch q.Capability {
	case market.CapOHLCV:
		return f.ohlcv(q, a)
	case market.CapTrades:
		if q.Symbol != "VNM" {
			return a, fmt.Errorf("trades of %s: %w", q.Symbol, market.ErrNotFound)
		}
		a.Source, a.Trades = "tcbs", f.trades // newest first, as the Service answers
		if !q.Before.IsZero() {
			a.Trades = slices.DeleteFunc(slices.Clone(a.Trades), func(t market.Trade) bool { return !t.Time.Before(q.Before) })
		}
		a.Trades = a.Trades[:min(q.Limit, len(a.Trades))]
		return a, nil
	case market.CapBoard:
		for _, s := range q.Symbols {
			if quote, ok := f.quotes[s]; ok {
				a.Quotes = append(a.Quotes, quote)
			}
		}
		return a, nil
	}
	name, err := f.frameName(q)
	if err != nil {
		return a, err
	}
	a.Frame = f.frames[name]
	a.Cached = q.Capability == market.CapIndustries // one answer says it came from the cache
	return a, nil
}

func (f *fakeService) ohlcv(q market.Query, a storage.Answer) (storage.Answer, error) {
	if q.Symbol != "VNM" {
		return a, fmt.Errorf("ohlcv of %s: %w", q.Symbol, market.ErrNotFound)
	}
	a.Source = "tcbs"
	for _, b := range f.bars {
		if (q.Start.IsZero() || !b.Time.Before(q.Start)) && (q.End.IsZero() || !b.Time.After(q.End)) {
			a.Bars = append(a.Bars, b)
		}
	}
	return a, nil
}

// frameName picks the table of a document capability.
func (f *fakeService) frameName(q market.Query) (string, error) {
	company := map[market.Capability]string{
		market.CapCompany: "info", market.CapShareholders: "shareholders", market.CapOfficers: "officers",
		market.CapSubsidiaries: "subsidiaries", market.CapOwnership: "ownership",
		market.CapCapitalHistory: "capital_history", market.CapNews: "news", market.CapEvents: "events",
	}
	financial := map[market.Capability]string{
		market.CapBalanceSheet: "balance_sheet", market.CapIncomeStatement: "income_statement",
		market.CapCashFlow: "cash_flow", market.CapRatios: "ratio",
	}
	switch {
	case company[q.Capability] != "":
		return "Reference_company_DATA_" + company[q.Capability], nil
	case financial[q.Capability] != "":
		return "Fundamental_equity_FPT_" + financial[q.Capability], nil
	}
	switch q.Capability {
	case market.CapEquities:
		if q.Type == "" || q.Type == "stock" {
			return "Reference_equity_list", nil
		}
		return q.Type, nil
	case market.CapGroup:
		if q.Group != "VN30" {
			return "", fmt.Errorf("group %s: %w", q.Group, market.ErrNotFound)
		}
		return "group_VN30", nil
	case market.CapIndustries:
		return "Reference_industry_list", nil
	case market.CapDepth:
		return "depth", nil
	}
	return string(q.Capability), nil
}
