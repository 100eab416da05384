package fakeupstream

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// vciCall sends one request to the fake and decodes a 200 JSON answer.
func vciCall(t *testing.T, srv *httptest.Server, method, path, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode == http.StatusOK && out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v in %.200s", method, path, err, b)
		}
	}
	return resp.StatusCode
}

func vciChart(t *testing.T, srv *httptest.Server, body string) []vciSeries {
	t.Helper()
	var out []vciSeries
	if code := vciCall(t, srv, "POST", "/vci/api/chart/OHLCChart/gap-chart", body, &out); code != 200 {
		t.Fatalf("gap-chart %s: status %d", body, code)
	}
	return out
}

// TestVCIChartWindow checks that catalogue-built bars honour to, from and
// countBack, fall on trading days, and do not depend on the window asked.
func TestVCIChartWindow(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(New(Config{}))
	t.Cleanup(srv.Close)
	to := time.Date(2025, 3, 22, 0, 0, 0, 0, market.ICT).Unix()
	ten := vciChart(t, srv, `{"timeFrame":"ONE_DAY","symbols":["VNM","VNINDEX"],"to":`+strconv.FormatInt(to, 10)+`,"countBack":10}`)
	if len(ten) != 2 || len(ten[0].T) != 10 || ten[1].Symbol != "VNINDEX" {
		t.Fatalf("series %+v", ten)
	}
	cal := market.DefaultCalendar()
	for i, ts := range ten[0].T {
		sec, _ := strconv.ParseInt(ts, 10, 64)
		day := time.Unix(sec, 0).UTC()
		if sec >= to || day.Hour() != 0 || !cal.IsTradingDay(time.Date(day.Year(), day.Month(), day.Day(), 12, 0, 0, 0, market.ICT)) {
			t.Errorf("bar %d at %s", i, day)
		}
		if ten[0].L[i] > ten[0].O[i] || ten[0].H[i] < ten[0].C[i] || ten[0].V[i] <= 0 {
			t.Errorf("bar %d ohlcv %v %v %v %v %v", i, ten[0].O[i], ten[0].H[i], ten[0].L[i], ten[0].C[i], ten[0].V[i])
		}
	}
	if !slices.IsSorted(ten[0].T) || ten[1].C[0] < 500 || ten[0].C[0] < 10000 {
		t.Errorf("order or scale: %v %v", ten[0].T, ten[1].C)
	}
	// A wider window ending earlier holds the same bars for the same days.
	to2 := time.Date(2025, 3, 20, 0, 0, 0, 0, market.ICT).Unix()
	from := time.Date(2025, 3, 1, 0, 0, 0, 0, market.ICT).Unix()
	wide := vciChart(t, srv, `{"timeFrame":"ONE_DAY","symbols":["VNM"],"to":`+strconv.FormatInt(to2, 10)+`,"from":`+strconv.FormatInt(from, 10)+`,"countBack":365}`)
	if len(wide[0].T) != 13 {
		t.Errorf("from..to holds %d bars, want the 13 sessions of 3-19 March", len(wide[0].T))
	}
	for i, ts := range ten[0].T {
		if j := slices.Index(wide[0].T, ts); j >= 0 && (wide[0].C[j] != ten[0].C[i] || wide[0].V[j] != ten[0].V[i]) {
			t.Errorf("bar %s differs between windows", ts)
		}
	}
	minutes := vciChart(t, srv, `{"timeFrame":"ONE_MINUTE","symbols":["SSI"],"to":`+strconv.FormatInt(to, 10)+`,"countBack":600}`)
	if len(minutes[0].T) != 600 {
		t.Errorf("%d minute bars", len(minutes[0].T))
	}
}

// TestVCIRecorded checks that recorded payloads are served where they apply.
func TestVCIRecorded(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(New(Config{}))
	t.Cleanup(srv.Close)
	fpt := vciChart(t, srv, `{"timeFrame":"ONE_MINUTE","symbols":["FPT"],"to":1758906000,"countBack":271}`)
	if !slices.Equal(fpt[0].T, []string{"1758855240", "1758855300"}) || fpt[0].O[0] != 86886.24 {
		t.Errorf("FPT recorded bars %+v", fpt)
	}
	var board []map[string]map[string]any
	if vciCall(t, srv, "POST", "/vci/api/price/symbols/getList", `{"symbols":["VCB","ZZZ"]}`, &board) != 200 ||
		len(board) != 2 || board[0]["listingInfo"]["ceiling"] != 71400.0 || board[1]["listingInfo"]["symbol"] != "ZZZ" {
		t.Errorf("board %v", board)
	}
	var trades []map[string]any
	vciCall(t, srv, "POST", "/vci/api/market-watch/LEData/getAll", `{"symbol":"VCI","limit":5,"truncTime":null}`, &trades)
	if len(trades) != 5 || trades[0]["id"] != "281375510" {
		t.Errorf("VCI trades %v", trades)
	}
	var gql struct {
		Data struct {
			CompanyFinancialRatio struct{ Ratio []map[string]any } `json:"CompanyFinancialRatio"`
		}
	}
	vciCall(t, srv, "POST", "/vci/data-mt/graphql", `{"query":"query { CompanyFinancialRatio }","variables":{"ticker":"HPG","period":"Q"}}`, &gql)
	if r := gql.Data.CompanyFinancialRatio.Ratio; len(r) != 51 || r[0]["ticker"] != "HPG" {
		t.Errorf("HPG ratios: %d", len(r))
	}
}

// TestVCIBadRequests checks the 400 answers.
func TestVCIBadRequests(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(New(Config{}))
	t.Cleanup(srv.Close)
	for _, c := range []struct{ path, body string }{
		{"/vci/api/chart/OHLCChart/gap-chart", `{`},
		{"/vci/api/chart/OHLCChart/gap-chart", `{"timeFrame":"ONE_DAY","symbols":[],"to":1,"countBack":1}`},
		{"/vci/api/chart/OHLCChart/gap-chart", `{"timeFrame":"TWO_DAYS","symbols":["A"],"to":1,"countBack":1}`},
		{"/vci/api/price/symbols/getList", `[`},
	} {
		if code := vciCall(t, srv, "POST", c.path, c.body, nil); code != http.StatusBadRequest {
			t.Errorf("%s %s: status %d", c.path, c.body, code)
		}
	}
	if code := vciCall(t, srv, "GET", "/vciiq/v1/company/VCI/financial-statement", "", nil); code != http.StatusBadRequest {
		t.Errorf("financial-statement without section: %d", code)
	}
}

// TestVCIIQ checks that every iq path answers {data: ...}.
func TestVCIIQ(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(New(Config{}))
	t.Cleanup(srv.Close)
	for _, p := range []string{"/vciiq/v2/company/search-bar?language=1", "/vciiq/v1/sectors/icb-codes",
		"/vciiq/v1/company/details?ticker=ACB", "/vciiq/v1/company/ACB/shareholder", "/vciiq/v1/company/ACB/shareholder-structure",
		"/vciiq/v1/company/ACB/relationship", "/vciiq/v1/company/ACB/financial-statement?section=CASH_FLOW",
		"/vciiq/v1/company/ACB/financial-statement/metrics", "/vciiq/v1/company/ACB/statistics-financial",
		"/vciiq/v1/events?ticker=ACB", "/vciiq/v1/news?ticker=ACB"} {
		var env struct{ Data json.RawMessage }
		if code := vciCall(t, srv, "GET", p, "", &env); code != 200 || len(env.Data) < 3 {
			t.Errorf("%s: status %d, data %.80s", p, code, env.Data)
		}
	}
}
