package vci

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/feeds/internal/golden"
	"github.com/vnstock-api/vnstock-api/market"
)

// fakeTestdata is where the fake upstream's reconstructed bodies live.
const fakeTestdata = "../fakeupstream/testdata/vci"

// seed adds every named file (testdata/vci, else the fake's testdata) and a
// few broken variants of the first one.
func seed(f *testing.F, names ...string) {
	f.Helper()
	for i, n := range names {
		b, err := os.ReadFile(golden.Path(f, "vci", n))
		if err != nil {
			b, err = os.ReadFile(filepath.Join(fakeTestdata, n))
		}
		if err != nil {
			f.Fatal(err)
		}
		b = shorten(b)
		f.Add(b)
		if i == 0 {
			f.Add(b[:len(b)/2])
		}
	}
	for _, s := range []string{``, `null`, `[]`, `{}`, `{"data":null}`, `[{}]`, `[null]`, `{"data":[{}]}`,
		`[{"t":["1"],"o":[1],"h":[1],"l":[1],"c":[1],"v":["x"]}]`, `{"data":{"content":[1]}}`} {
		f.Add([]byte(s))
	}
}

// shorten keeps the first two elements of a JSON array: the fuzzer
// minimises every new input, which is slow for kilobytes of JSON.
func shorten(b []byte) []byte {
	var arr []json.RawMessage
	if json.Unmarshal(b, &arr) != nil || len(arr) <= 2 {
		return b
	}
	out, err := json.Marshal(arr[:2])
	if err != nil {
		return b
	}
	return out
}

// checkErr fails unless err is nil, a *market.SchemaError naming its field,
// or one of the allowed kinds.
func checkErr(t *testing.T, err error, allowed ...error) {
	t.Helper()
	if err == nil {
		return
	}
	var se *market.SchemaError
	if errors.As(err, &se) {
		if se.Field == "" || se.Source != "vci" {
			t.Fatalf("schema error without field or source: %v", err)
		}
		return
	}
	for _, a := range allowed {
		if errors.Is(err, a) {
			return
		}
	}
	t.Fatalf("error %v is not a SchemaError", err)
}

// frameOK checks the frame invariant: one cell per column in every row,
// and the frame encodes.
func frameOK(t *testing.T, fr *market.Frame) {
	t.Helper()
	for i, row := range fr.Rows {
		if len(row) != len(fr.Columns) {
			t.Fatalf("row %d has %d cells for %d columns", i, len(row), len(fr.Columns))
		}
	}
	if _, err := json.Marshal(fr); err != nil {
		t.Fatalf("frame does not encode: %v", err)
	}
}

func FuzzParseGapChart(f *testing.F) {
	var env struct {
		Payload json.RawMessage `json:"payload"`
	}
	if err := json.Unmarshal(golden.Read(f, "vci", "ohlcv_1m_FPT.json"), &env); err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(env.Payload))
	f.Add(chartBody(3))
	seed(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		bars, err := ParseGapChart(b, "", "VCI", market.Interval1D)
		checkErr(t, err, market.ErrNotFound)
		for _, bar := range bars {
			if bar.Time.IsZero() || bar.Volume < 0 {
				t.Fatalf("bar %+v", bar)
			}
			_ = bar.AppendJSON(nil)
		}
	})
}

func FuzzParseTrades(f *testing.F) {
	seed(f, "reconstructed_ledata_VCI_2025-03-21.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		trades, err := ParseTrades(b, "VCI")
		checkErr(t, err)
		for _, tr := range trades {
			if tr.Time.IsZero() || tr.Price < 0 || tr.Volume < 0 {
				t.Fatalf("trade %+v", tr)
			}
		}
	})
}

func FuzzParseBoard(f *testing.F) {
	seed(f, "reconstructed_board_VCI-TCB-VCB_2025-03-21.json")
	f.Add([]byte(`[{"listingInfo":{"symbol":"VCI","board":"HSX"},"bidAsk":{"bidPrices":[{"price":"ATO","volume":100}]},"matchPrice":{"time":"2025-03-21T09:15:00"}}]`))
	now := time.Date(2025, 3, 21, 10, 0, 0, 0, market.ICT)
	f.Fuzz(func(t *testing.T, b []byte) {
		quotes, err := ParseBoard(b, now)
		checkErr(t, err)
		for _, q := range quotes {
			if q.Symbol == "" || q.Exchange == "" || q.Time.IsZero() || len(q.Bids) > market.MaxLevels {
				t.Fatalf("quote %+v", q)
			}
			_ = q.AppendJSON(nil)
		}
	})
}

// FuzzParseFrames runs every frame parser of the trading and iq answers on
// the same inputs.
func FuzzParseFrames(f *testing.F) {
	seed(f, "reconstructed_depth_VCI_2025-03-21.json")
	for _, s := range []string{
		`[{"id":1,"symbol":"VCI","type":"STOCK","board":"HSX","organName":"a","enOrganName":"b"}]`,
		`{"data":[{"code":"VCI","name":"x","comTypeCode":"CK","icbLv1":{"code":"8000","name":"Tài chính"}}]}`,
		`{"data":[{"name":"8300","viSector":"Ngân hàng","enSector":"Banks","icbLevel":2}]}`,
		`{"data":{"ticker":"VCI","profile":"<p>a &amp; b</p>","viOrganName":"x","sectorVn":"y","sector":"z"}}`,
		`{"data":[{"ownerName":"a","ownerType":"INDIVIDUAL","positionName":"CEO","percentage":0.1,"updateDate":1735578000000}]}`,
		`{"data":{"subsidiaries":[{"rightOrganCode":"A","rightOrganNameVi":"B","ownedPercentage":"0.5"}],"affiliates":null}}`,
		`{"data":{"content":[{"id":"1","publicDate":1735578000000,"recordDate":"2025-01-01T00:00:00"}]}}`,
		`{"data":[{"year":2024,"quarter":5,"ratioType":"RATIO_YEAR","pe":10.5,"roe":"0.2"}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		parsers := []func([]byte) (*market.Frame, error){
			parseDepth, parseGroup, parseSearchBar, parseICBCodes, parseOwnership, parseEvents, parseNews,
			func(b []byte) (*market.Frame, error) { return parseSymbols(b, "vi") },
			func(b []byte) (*market.Frame, error) { return parseSymbols(b, "en") },
			func(b []byte) (*market.Frame, error) { return parseShareholders(b, "VCI") },
			func(b []byte) (*market.Frame, error) { return parseOfficers(b, "VCI") },
			func(b []byte) (*market.Frame, error) { return parseRelationship(b, "VCI") },
			func(b []byte) (*market.Frame, error) { return parseStatistics(b, true, "vi", 4) },
			func(b []byte) (*market.Frame, error) { return parseStatistics(b, false, "en", 4) },
		}
		for _, p := range parsers {
			fr, err := p(b)
			checkErr(t, err)
			if err == nil {
				frameOK(t, fr)
			}
		}
		fr, err := parseDetails(b)
		checkErr(t, err, market.ErrNotFound)
		if err == nil {
			frameOK(t, fr)
		}
	})
}

func FuzzParseStatement(f *testing.F) {
	f.Add([]byte(`{"data":{"years":[{"yearReport":2024,"lengthReport":5,"isa1":100}],"quarters":[{"yearReport":2025,"lengthReport":3,"isa1":"25"}]}}`),
		[]byte(`{"data":{"INCOME_STATEMENT":[{"field":"isa1","titleVi":"Doanh thu","titleEn":"Net revenue"}]}}`))
	f.Add([]byte(`{"data":{"years":[{"isa1":1}]}}`), []byte(`{"data":{"X":[{"field":""}]}}`))
	f.Fuzz(func(t *testing.T, stmt, metrics []byte) {
		labels, err := parseMetrics(metrics)
		checkErr(t, err)
		if err != nil {
			labels = map[string]label{"isa1": {"a", "b", "c"}}
		}
		for _, quarterly := range []bool{true, false} {
			fr, err := parseStatement(stmt, labels, quarterly, "vi", 4)
			checkErr(t, err)
			if err == nil {
				frameOK(t, fr)
			}
		}
	})
}

func FuzzParseGraphQLRatios(f *testing.F) {
	envelope := golden.Read(f, "vci", "graphql_financial_ratio_ACB.json")
	// Two recorded records cut to a few keys: the fuzzer minimises every
	// new input, which is slow for kilobytes of JSON.
	var env struct {
		Ratios []map[string]any `json:"ratios"`
	}
	if err := json.Unmarshal(envelope, &env); err != nil {
		f.Fatal(err)
	}
	var small []map[string]any
	for _, r := range env.Ratios[:2] {
		m := map[string]any{}
		for _, k := range []string{"ticker", "yearReport", "lengthReport", "pe", "roe", "BSA1", "acp"} {
			m[k] = r[k]
		}
		small = append(small, m)
	}
	two, err := json.Marshal(map[string]any{"ratios": small})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(graphQLAnswer(f, two))
	f.Add([]byte(`{"data":{"CompanyFinancialRatio":{"ratio":[{"yearReport":2025,"lengthReport":3,"pe":1}]}}}`))
	f.Add([]byte(`{"data":null,"errors":[{"message":"boom"}]}`))
	f.Add([]byte(`{"data":{"CompanyFinancialRatio":{"ratio":[{"yearReport":"x"}]}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := parseGraphQLRatios(b, true, "vi", 0)
		checkErr(t, err, market.ErrNotFound, market.ErrUpstream)
		if err == nil {
			frameOK(t, fr)
		}
	})
}
