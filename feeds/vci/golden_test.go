package vci

import (
	"context"
	"encoding/json"
	"flag"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/feeds/fakeupstream"
	"github.com/vnstock-api/vnstock-api/feeds/internal/golden"
	"github.com/vnstock-api/vnstock-api/feeds/upstream"
	"github.com/vnstock-api/vnstock-api/market"
)

var update = flag.Bool("update", false, "rewrite testdata/vci/*.golden.json")

// TestGoldenGapChart parses the recorded FPT one-minute bars.
//
// Checked by hand: t 1758855240 is 2025-09-26 02:54:00 UTC = 09:54 ICT, the
// next bar 09:55; prices stay VND as VCI sends them, back-adjusted with
// decimals (86886.24, where vnstock would print 86.89 thousand); volumes are
// shares (4600, 4900); accumulatedVolume is not a bar field.
func TestGoldenGapChart(t *testing.T) {
	t.Parallel()
	var env struct {
		Payload json.RawMessage `json:"payload"`
	}
	if err := json.Unmarshal(golden.Read(t, "vci", "ohlcv_1m_FPT.json"), &env); err != nil {
		t.Fatal(err)
	}
	bars, err := ParseGapChart(env.Payload, "FPT", "FPT", market.Interval1m)
	if err != nil {
		t.Fatal(err)
	}
	if len(bars) != 2 || bars[0].Time.Format(time.RFC3339) != "2025-09-26T09:54:00+07:00" ||
		bars[0].Open != 86886.24 || bars[0].Low != 86797.49 || bars[1].Volume != 4900 {
		t.Errorf("hand check failed: %+v", bars)
	}
	golden.CompareIndent(t, "vci", "ohlcv_1m_FPT.golden.json", " ", golden.Marshal(t, bars), *update)
}

// TestGoldenGraphQLRatios parses the recorded CompanyFinancialRatio answers
// (the files are the capture tool's envelope around the upstream ratio
// array; the test puts the array back into the GraphQL answer shape).
//
// Checked by hand for ACB 2025-Q3 (the first record): roe 0.1991666777 is
// a fraction (19.9 %), pe 7.5637359525, revenue 15049404000000 VND (15,049
// billion), eps 833.34 VND; periods run newest first (2025-Q3, 2025-Q2 ...).
func TestGoldenGraphQLRatios(t *testing.T) {
	t.Parallel()
	for _, sym := range []string{"ACB", "BVH", "FPT", "HPG", "SSI"} {
		t.Run(sym, func(t *testing.T) {
			t.Parallel()
			body := graphQLAnswer(t, golden.Read(t, "vci", "graphql_financial_ratio_"+sym+".json"))
			f, err := parseGraphQLRatios(body, true, "vi", 0)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(f.Columns[:4], []string{"item", "item_en", "item_id", "2025-Q3"}) {
				t.Errorf("columns start %v", f.Columns[:4])
			}
			if sym == "ACB" {
				row := rowOf(t, f, "item_id", "roe")
				if v := f.Value(row, "2025-Q3"); v != 0.1991666777 {
					t.Errorf("ACB roe 2025-Q3 = %v", v)
				}
				if v := f.Value(rowOf(t, f, "item_id", "revenue"), "2025-Q3"); v != int64(15049404000000) {
					t.Errorf("ACB revenue 2025-Q3 = %v", v)
				}
			}
			golden.CompareIndent(t, "vci", "graphql_financial_ratio_"+sym+".golden.json", " ", golden.Marshal(t, f), *update)
		})
	}
}

// graphQLAnswer rebuilds the upstream GraphQL answer from a recorded envelope.
func graphQLAnswer(t testing.TB, envelope []byte) []byte {
	t.Helper()
	var env struct {
		Ratios json.RawMessage `json:"ratios"`
	}
	if err := json.Unmarshal(envelope, &env); err != nil {
		t.Fatal(err)
	}
	return []byte(`{"data":{"CompanyFinancialRatio":{"ratio":` + string(env.Ratios) +
		`,"period":"Q","__typename":"CompanyFinancialRatioResponse"}}}`)
}

// rowOf returns the row whose column col equals v.
func rowOf(t testing.TB, f *market.Frame, col string, v any) int {
	t.Helper()
	for i := range f.Rows {
		if f.Value(i, col) == v {
			return i
		}
	}
	t.Fatalf("no row with %s = %v", col, v)
	return -1
}

// recorder is a Doer that records requests and forwards them.
type recorder struct {
	inner upstream.Doer
	mu    sync.Mutex
	reqs  []upstream.Request
}

func (r *recorder) Do(ctx context.Context, req upstream.Request) ([]byte, error) {
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	r.mu.Unlock()
	return r.inner.Do(ctx, req)
}

// captureDay is the session of vnstock 3.2's VCI captures (2025-03-21).
var captureDay = time.Date(2025, 3, 21, 15, 30, 0, 0, market.ICT)

// inputQuery turns a vnstock 3.2 VCI call (its input file) into a Query.
func inputQuery(t *testing.T, name string, in map[string]any) market.Query {
	t.Helper()
	day := func(k string) time.Time {
		d, err := time.ParseInLocation(time.DateOnly, in[k].(string), market.ICT)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	switch name {
	case "quote_vci_history":
		return market.Query{Capability: market.CapOHLCV, Symbol: "VCI", Start: day("start"), End: day("end"),
			Interval: market.Interval(in["interval"].(string))}
	case "quote_vci_intraday":
		return market.Query{Capability: market.CapTrades, Symbol: "VCI", Limit: int(in["page_size"].(float64))}
	case "quote_vci_price_depth":
		return market.Query{Capability: market.CapDepth, Symbol: "VCI"}
	case "trading_vci_price_board":
		var syms []market.Symbol
		for _, s := range in["symbols_list"].([]any) {
			syms = append(syms, market.Symbol(s.(string)))
		}
		return market.Query{Capability: market.CapBoard, Symbols: syms}
	case "company_vci_overview":
		return market.Query{Capability: market.CapCompany, Symbol: "VCI"}
	case "company_vci_events":
		return market.Query{Capability: market.CapEvents, Symbol: "VCI"}
	case "financial_vci_income_statement":
		return market.Query{Capability: market.CapIncomeStatement, Symbol: "VCI", Period: in["period"].(string),
			Lang: in["lang"].(string)}
	}
	t.Fatalf("no query for input %s", name)
	return market.Query{}
}

// TestGoldenRequests turns each recorded vnstock 3.2 VCI call (the
// *__input_VCI.json files: start/end/interval, page_size, symbols_list,
// period/lang) into a Query and records the upstream requests the Source
// sends for it, against the fake upstream, on the capture day.
//
// Checked by hand for the history call (VCI, 2024-01-01..2024-03-20, 1D):
// `to` 1710954000 is 2024-03-21 00:00 ICT (end + 1 day, in ICT rather than
// the capture machine's zone), and countBack 53 is the 52 trading days of
// the range (58 weekdays less 1 January and the Tet days 8-14 February)
// plus one — vnstock's output has the same 52 days plus its 2024-03-21
// quirk bar, which the Source trims.
func TestGoldenRequests(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(fakeupstream.New(fakeupstream.Config{}))
	t.Cleanup(srv.Close)
	names, err := filepath.Glob(filepath.Join(golden.Dir(t, "vci"), "*__input_VCI.json"))
	if err != nil || len(names) != 7 {
		t.Fatalf("want 7 input files, got %d (%v)", len(names), err)
	}
	for _, path := range names {
		name := strings.TrimSuffix(filepath.Base(path), "__input_VCI.json")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			raw := golden.Read(t, "vci", filepath.Base(path))
			var in map[string]any
			if err := json.Unmarshal(raw, &in); err != nil {
				t.Fatal(err)
			}
			q := inputQuery(t, name, in)
			rec := &recorder{inner: upstream.NewClient(upstream.Config{Source: "vci"})}
			src := New(Config{TradingURL: srv.URL + "/vci", IQURL: srv.URL + "/vciiq", Doer: rec,
				Now: func() time.Time { return captureDay }, DeviceID: "0123456789abcdef"})
			res, err := src.Fetch(context.Background(), q)
			if err != nil {
				t.Fatalf("fetch: %v", err)
			}
			if res.Source != "vci" || res.PriceUnit != "vnd" {
				t.Errorf("provenance %q %q", res.Source, res.PriceUnit)
			}
			golden.CompareIndent(t, "vci", "request_"+name+".golden.json", " ", requestsJSON(t, raw, q, rec.reqs, srv.URL), *update)
		})
	}
}

// requestsJSON renders the recorded requests with the server URL removed.
func requestsJSON(t *testing.T, input []byte, q market.Query, reqs []upstream.Request, base string) []byte {
	t.Helper()
	type req struct {
		Method string            `json:"method"`
		Path   string            `json:"path"`
		Query  map[string]string `json:"query,omitempty"`
		Body   json.RawMessage   `json:"body,omitempty"`
		Header map[string]string `json:"header"`
	}
	out := struct {
		Input    json.RawMessage `json:"input"`
		Query    string          `json:"query"`
		Requests []req           `json:"requests"`
	}{Input: input, Query: q.Key()}
	for _, r := range reqs {
		x := req{Method: r.Method, Path: strings.TrimPrefix(r.URL, base), Body: r.Body, Header: map[string]string{}}
		for k := range r.Query {
			if x.Query == nil {
				x.Query = map[string]string{}
			}
			x.Query[k] = r.Query.Get(k)
		}
		for _, k := range []string{"Referer", "Origin", "Device-Id", "Cookie"} {
			x.Header[k] = r.Header.Get(k)
		}
		out.Requests = append(out.Requests, x)
	}
	return golden.Marshal(t, out)
}
