package rest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/mux"

	"github.com/vnstock-api/vnstock-api/hub"
	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
)

// testdataDir is the project's recorded payloads and golden parses.
const testdataDir = "../../testdata"

// fakeService answers like the storage Service over fake-upstream data: the
// golden parses of recorded KBS payloads and vnstock's schema samples. It
// records the queries it got. Symbols steer errors: NOPE is not found, DOWN
// is an upstream failure, SLOW a timeout, BAD a malformed upstream body,
// STALE a stale answer.
type fakeService struct {
	t       testing.TB
	mu      sync.Mutex
	queries []market.Query
	fixed   *storage.Answer // when set, every query gets it
}

func (f *fakeService) Get(_ context.Context, q market.Query) (storage.Answer, error) {
	f.mu.Lock()
	f.queries = append(f.queries, q)
	fixed := f.fixed
	f.mu.Unlock()
	if fixed != nil {
		return *fixed, nil
	}
	switch q.Symbol {
	case "NOPE":
		return storage.Answer{}, fmt.Errorf("kbs: %s: %w", q.Symbol, market.ErrNotFound)
	case "DOWN":
		return storage.Answer{}, fmt.Errorf("%s: %w: connection refused", q.Capability, market.ErrUpstream)
	case "SLOW":
		return storage.Answer{}, fmt.Errorf("%s: %w: %w", q.Capability, market.ErrUpstream, context.DeadlineExceeded)
	case "BAD":
		return storage.Answer{}, fmt.Errorf("%s: %w", q.Capability, &market.SchemaError{Source: "kbs", Field: "data_day", Msg: "not an array"})
	}
	a := storage.Answer{Result: market.Result{Source: "kbs", PriceUnit: "vnd", FetchedAt: time.Date(2025, 3, 12, 10, 0, 0, 0, market.ICT)}}
	switch q.Capability {
	case market.CapOHLCV:
		a.Bars = yearOfBars(q.Symbol, 250)
	case market.CapTrades:
		a.Trades = loadJSON[[]market.Trade](f.t, "kbs/trade_history_VNM_excerpt.golden.json")
	case market.CapBoard:
		a.Quotes = loadJSON[[]market.Quote](f.t, "kbs/price_board_VNM_excerpt.golden.json")
	default:
		a.Frame = f.frame(q)
	}
	a.Stale = q.Symbol == "STALE"
	return a, nil
}

func (f *fakeService) last() market.Query {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.queries) == 0 {
		return market.Query{}
	}
	return f.queries[len(f.queries)-1]
}

// frame returns the fake-upstream frame of a capability.
func (f *fakeService) frame(q market.Query) *market.Frame {
	schema := map[market.Capability]string{
		market.CapEquities: "Reference_equity_list", market.CapCompany: "Reference_company_DATA_info",
		market.CapShareholders: "Reference_company_DATA_shareholders", market.CapOfficers: "Reference_company_DATA_officers",
		market.CapSubsidiaries: "Reference_company_DATA_subsidiaries", market.CapOwnership: "Reference_company_DATA_ownership",
		market.CapCapitalHistory: "Reference_company_DATA_capital_history", market.CapEvents: "Reference_company_DATA_events",
		market.CapBalanceSheet: "Fundamental_equity_FPT_balance_sheet", market.CapIncomeStatement: "Fundamental_equity_FPT_income_statement",
		market.CapCashFlow: "Fundamental_equity_FPT_cash_flow", market.CapRatios: "Fundamental_equity_FPT_ratio",
	}
	switch q.Capability {
	case market.CapNews:
		fr := loadJSON[market.Frame](f.t, "kbs/news_VNM_excerpt.golden.json")
		return &fr
	case market.CapInsiderTrading:
		fr := loadJSON[market.Frame](f.t, "kbs/internal_trading_VNM_excerpt.golden.json")
		return &fr
	}
	if name, ok := schema[q.Capability]; ok {
		fr := schemaFrame(f.t, name)
		if q.Capability == market.CapEquities {
			_ = fr.Append("E1VFVN30", "Quỹ ETF DCVFMVN30")
		}
		return fr
	}
	fr := market.NewFrame("code", "name", "value")
	_ = fr.Append(string(q.Capability), "Tên \"có\" dấu, phẩy", 1.5)
	_ = fr.Append("x", nil, int64(2))
	return fr
}

// loadJSON decodes a testdata file.
func loadJSON[T any](t testing.TB, name string) T {
	t.Helper()
	var v T
	b, err := os.ReadFile(filepath.Join(testdataDir, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

// vnstockSchema is one of vnstock's output schema files.
type vnstockSchema struct {
	Columns []string          `json:"columns"`
	Sample  []json.RawMessage `json:"sample"`
}

// schemaFrame builds a frame from a vnstock schema file's sample rows.
func schemaFrame(t testing.TB, name string) *market.Frame {
	s := loadJSON[vnstockSchema](t, "kbs/schema/"+name+".json")
	fr := market.NewFrame(s.Columns...)
	for _, raw := range s.Sample {
		var one market.Frame
		if err := json.Unmarshal(append(append([]byte{'['}, raw...), ']'), &one); err != nil {
			t.Fatal(err)
		}
		row := make([]any, len(s.Columns))
		for i, c := range s.Columns {
			row[i] = one.Value(0, c)
		}
		_ = fr.Append(row...)
	}
	return fr
}

// yearOfBars is a year of daily bars in VND.
func yearOfBars(sym market.Symbol, n int) []market.Bar {
	bars := make([]market.Bar, 0, n)
	d := time.Date(2024, 3, 11, 0, 0, 0, 0, market.ICT)
	for len(bars) < n {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			p := float64(68000 + 100*(len(bars)%37))
			bars = append(bars, market.Bar{Symbol: sym, Interval: market.Interval1D, Time: d, Open: p, High: p + 500,
				Low: p - 400, Close: p + 100, Volume: int64(2_000_000 + 1000*len(bars)), Closed: true, Source: "kbs"})
		}
		d = d.AddDate(0, 0, 1)
	}
	bars[0].Open = 68900 // a price vnstock shows as 68.9
	return bars
}

// fakeSnapshot answers the snapshot route.
type fakeSnapshot struct{}

func (fakeSnapshot) Snapshot(_ context.Context, topics []string) ([]*hub.Event, map[string]error) {
	var evs []*hub.Event
	errs := map[string]error{}
	for i, t := range topics {
		if t == "bogus" {
			errs[t] = fmt.Errorf("unknown topic kind")
			continue
		}
		evs = append(evs, hub.NewEvent(t, uint64(100+i), 1741748400000, []byte(`{"symbol":"VNM","close_price":68200}`)))
	}
	return evs, errs
}

// testServer mounts the REST routes over a fakeService at Wednesday
// 2025-03-12 10:00 ICT.
func testServer(t testing.TB) (*mux.Router, *fakeService) {
	svc := &fakeService{t: t}
	s := New(Config{Service: svc, Snapshot: fakeSnapshot{}, Now: func() time.Time {
		return time.Date(2025, 3, 12, 10, 0, 0, 0, market.ICT)
	}})
	r := mux.NewRouter()
	s.Register(r)
	r.Handle("/openapi.json", OpenAPIHandler())
	return r, svc
}

// do serves one GET.
func do(t testing.TB, h http.Handler, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// envelope is a decoded success body.
type body struct {
	Data  []json.RawMessage `json:"data"`
	Meta  map[string]any    `json:"meta"`
	Error struct {
		Code, Message, Field string
	} `json:"error"`
}

func decode(t testing.TB, w *httptest.ResponseRecorder) body {
	t.Helper()
	var b body
	if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil {
		t.Fatalf("body is not JSON (%v): %.300s", err, w.Body.String())
	}
	return b
}

// keys returns a JSON object's keys in order.
func keys(t testing.TB, raw json.RawMessage) []string {
	t.Helper()
	var fr market.Frame
	if err := json.Unmarshal(append(append([]byte{'['}, raw...), ']'), &fr); err != nil {
		t.Fatal(err)
	}
	return fr.Columns
}

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }
