package rest

import (
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vnstock-api/vnstock-api/market"
)

// happy is one route's happy-path request and what the Service must have
// been asked.
type happy struct {
	id, url string
	want    func(q market.Query) bool // the query the Service got; nil: any
	rows    int                       // expected rows; 0: at least one
}

func happyCases() []happy {
	d := func(s string) time.Time { t, _ := time.ParseInLocation(time.DateOnly, s, market.ICT); return t }
	cap := func(c market.Capability) func(market.Query) bool {
		return func(q market.Query) bool { return q.Capability == c }
	}
	symCap := func(c market.Capability, sym market.Symbol) func(market.Query) bool {
		return func(q market.Query) bool { return q.Capability == c && q.Symbol == sym }
	}
	hs := []happy{
		{"listEquities", "/v1/reference/equities?exchange=hsx&type=stock", func(q market.Query) bool {
			return q.Capability == market.CapEquities && q.Exchange == "HOSE" && q.Type == "stock"
		}, 0},
		{"getGroup", "/v1/reference/groups/vn30", func(q market.Query) bool { return q.Capability == market.CapGroup && q.Group == "VN30" }, 0},
		{"listIndustries", "/v1/reference/industries", cap(market.CapIndustries), 0},
		{"getIndustryEquities", "/v1/reference/industries/8300/equities", func(q market.Query) bool { return q.Capability == market.CapIndustry && q.Code == "8300" }, 0},
		{"listIndices", "/v1/reference/indices", cap(market.CapIndices), 0},
		{"getMarketStatus", "/v1/reference/market/status", nil, 4},
		{"search", "/v1/reference/search?q=vinamilk", func(q market.Query) bool { return q.Capability == market.CapSearch && q.Text == "vinamilk" }, 0},
		{"listFunds", "/v1/reference/funds", cap(market.CapFunds), 0},
		{"getCompany", "/v1/reference/companies/ssi", symCap(market.CapCompany, "SSI"), 0},
		{"getOHLCV", "/v1/market/equity/VNM/ohlcv?start=2024-03-11&end=2025-03-11&interval=1D&adjusted=true", func(q market.Query) bool {
			return q.Capability == market.CapOHLCV && q.Symbol == "VNM" && q.Asset == "equity" && q.Interval == "1D" &&
				q.Start.Equal(d("2024-03-11")) && q.End.Equal(d("2025-03-11"))
		}, 250},
		{"getQuotes", "/v1/market/quotes?symbols=VNM,fpt", func(q market.Query) bool {
			return q.Capability == market.CapBoard && cmp.Equal(q.Symbols, []market.Symbol{"VNM", "FPT"})
		}, 1},
		{"getTrades", "/v1/market/equity/VNM/trades?limit=50", func(q market.Query) bool {
			return q.Capability == market.CapTrades && q.Symbol == "VNM" && q.Limit == 50
		}, 1},
		{"getDepth", "/v1/market/equity/VNM/depth", symCap(market.CapDepth, "VNM"), 0},
		{"getSnapshot", "/v1/market/snapshot?topics=quote:VNM,index:VNINDEX", nil, 2},
		{"getGold", "/v1/retail/gold?source=btmc&date=2025-01-15", func(q market.Query) bool {
			return q.Capability == market.CapGold && q.Provider == "btmc" && q.Date.Equal(d("2025-01-15"))
		}, 0},
		{"getExchangeRates", "/v1/retail/exchange-rates", cap(market.CapExchangeRates), 0},
	}
	for _, k := range []struct{ path, typ string }{{"etfs", "etf"}, {"futures", "futures"}, {"warrants", "cw"}, {"bonds", "bond"}} {
		typ := k.typ
		hs = append(hs,
			happy{"list_" + k.path, "/v1/reference/" + k.path, func(q market.Query) bool { return q.Capability == market.CapEquities && q.Type == typ }, 0},
			happy{"get_" + k.path, "/v1/reference/" + k.path + "/e1vfvn30", func(q market.Query) bool { return q.Capability == market.CapEquities && q.Type == typ }, 1})
	}
	for _, k := range []struct {
		path string
		c    market.Capability
	}{{"shareholders", market.CapShareholders}, {"officers", market.CapOfficers}, {"subsidiaries", market.CapSubsidiaries},
		{"ownership", market.CapOwnership}, {"insider-trading", market.CapInsiderTrading}, {"capital-history", market.CapCapitalHistory},
		{"news", market.CapNews}, {"events", market.CapEvents}} {
		hs = append(hs, happy{"getCompany_" + string(k.c), "/v1/reference/companies/SSI/" + k.path, symCap(k.c, "SSI"), 0})
	}
	for _, k := range []struct {
		path string
		c    market.Capability
	}{{"nav", market.CapFundNAV}, {"top-holdings", market.CapFundTopHoldings}, {"industry-holdings", market.CapFundIndustry}, {"asset-holdings", market.CapFundAssets}} {
		c := k.c
		hs = append(hs, happy{"getFund_" + string(c), "/v1/market/funds/vesaf/" + k.path, func(q market.Query) bool { return q.Capability == c && q.Code == "VESAF" }, 0})
	}
	for _, k := range []struct {
		path string
		c    market.Capability
	}{{"balance-sheet", market.CapBalanceSheet}, {"income-statement", market.CapIncomeStatement}, {"cash-flow", market.CapCashFlow}, {"ratios", market.CapRatios}} {
		c := k.c
		hs = append(hs, happy{"get_" + string(c), "/v1/fundamental/equity/FPT/" + k.path, func(q market.Query) bool {
			return q.Capability == c && q.Symbol == "FPT" && q.Period == "year" && q.Lang == "vi" // the defaults
		}, 0})
	}
	return hs
}

func TestEveryRouteHappyPath(t *testing.T) {
	t.Parallel()
	cases := map[string]happy{}
	for _, h := range happyCases() {
		cases[h.id] = h
	}
	for _, rt := range routes() {
		h, ok := cases[rt.id]
		if !ok {
			t.Errorf("route %s (%s) has no happy-path case", rt.id, rt.path)
			continue
		}
		t.Run(rt.id, func(t *testing.T) {
			t.Parallel()
			r, svc := testServer(t)
			w := do(t, r, h.url)
			if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/json" {
				t.Fatalf("GET %s = %d %s: %.300s", h.url, w.Code, w.Header().Get("Content-Type"), w.Body.String())
			}
			b := decode(t, w)
			if (h.rows == 0 && len(b.Data) == 0) || (h.rows > 0 && len(b.Data) != h.rows) {
				t.Fatalf("%d rows, want %d (0: some)", len(b.Data), h.rows)
			}
			if b.Meta["count"] != float64(len(b.Data)) || b.Meta["source"] == "" || b.Meta["stale"] != false {
				t.Fatalf("meta = %v", b.Meta)
			}
			if h.want != nil && !h.want(svc.last()) {
				t.Fatalf("the Service got %+v", svc.last())
			}
		})
	}
}

func TestOHLCVResponse(t *testing.T) {
	t.Parallel()
	r, _ := testServer(t)
	b := decode(t, do(t, r, "/v1/market/equity/vnm/ohlcv?start=2024-03-11"))
	want := map[string]any{"symbol": "VNM", "interval": "1D", "source": "kbs", "adjusted": true, "price_unit": "vnd",
		"cached": false, "stale": false, "fetched_at": "2025-03-12T10:00:00+07:00", "count": float64(250)}
	if diff := cmp.Diff(want, b.Meta); diff != "" {
		t.Fatalf("meta (-want +got):\n%s", diff)
	}
	if got := string(b.Data[0]); got != `{"time":"2024-03-11T00:00:00+07:00","open":68900,"high":68500,"low":67600,"close":68100,"volume":2000000}` {
		t.Fatalf("first bar = %s", got)
	}
	thousand := decode(t, do(t, r, "/v1/market/equity/VNM/ohlcv?price_unit=thousand"))
	if thousand.Meta["price_unit"] != "thousand" || !strings.Contains(string(thousand.Data[0]), `"open":68.9,`) {
		t.Fatalf("price_unit=thousand: meta %v, first bar %s", thousand.Meta, thousand.Data[0])
	}
	index := decode(t, do(t, r, "/v1/market/index/VNINDEX/ohlcv"))
	if index.Meta["price_unit"] != "point" {
		t.Fatalf("index price_unit = %v, want point", index.Meta["price_unit"])
	}
}

func TestCSV(t *testing.T) {
	t.Parallel()
	r, _ := testServer(t)
	tests := []struct {
		name, url, accept, header string
		rows                      int
	}{
		{"ohlcv by format", "/v1/market/equity/VNM/ohlcv?format=csv", "", "time,open,high,low,close,volume", 250},
		{"ohlcv by Accept", "/v1/market/equity/VNM/ohlcv", "text/csv", "time,open,high,low,close,volume", 250},
		{"trades", "/v1/market/equity/VNM/trades?format=csv", "", "time,price,volume,match_type,id,volume_accumulated", 1},
		{"quotes", "/v1/market/quotes?symbols=VNM&format=csv", "", "symbol,exchange,time,session,ceiling_price", 1},
		{"frame", "/v1/reference/companies/SSI/shareholders?format=csv", "", "symbol,name,total_shares,rate,date", 3},
		{"frame with quotes and commas", "/v1/reference/indices?format=csv", "", "code,name,value", 2},
		{"format wins over Accept", "/v1/reference/indices?format=json", "text/csv", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := do(t, r, tt.url, "Accept", tt.accept)
			if tt.header == "" {
				if w.Header().Get("Content-Type") != "application/json" {
					t.Fatalf("Content-Type = %s, want JSON", w.Header().Get("Content-Type"))
				}
				return
			}
			if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/csv") {
				t.Fatalf("%d %s: %.200s", w.Code, w.Header().Get("Content-Type"), w.Body.String())
			}
			lines := strings.Split(strings.TrimSuffix(w.Body.String(), "\n"), "\n")
			if !strings.HasPrefix(lines[0], tt.header) || len(lines)-1 != tt.rows {
				t.Fatalf("header %q, %d rows; want prefix %q and %d rows", lines[0], len(lines)-1, tt.header, tt.rows)
			}
		})
	}
	w := do(t, r, "/v1/reference/indices?format=csv")
	if !strings.Contains(w.Body.String(), `"Tên ""có"" dấu, phẩy"`) {
		t.Fatalf("CSV quoting: %s", w.Body.String())
	}
	w = do(t, r, "/v1/market/equity/VNM/ohlcv?format=csv&price_unit=thousand")
	if !strings.Contains(w.Body.String(), "2024-03-11T00:00:00+07:00,68.9,68.5,67.6,68.1,2000000\n") {
		t.Fatalf("CSV bars in thousand: %.200s", w.Body.String())
	}
}

// TestVnstockColumns compares the keys of the rows with vnstock's output
// schemas: the same names, in vnstock's order where this server fixes the
// row type.
func TestVnstockColumns(t *testing.T) {
	t.Parallel()
	r, _ := testServer(t)
	tests := []struct {
		url, schema string
		exact       bool // keys equal the columns; else the columns are a subset, in order
	}{
		{"/v1/market/equity/SSI/ohlcv", "kbs/schema/Market_equity_SSI_ohlcv.json", true},
		{"/v1/market/index/VN30/ohlcv", "kbs/schema/Market_index_VN30_ohlcv.json", true},
		{"/v1/market/quotes?symbols=SSI", "kbs/schema/Market_quote_SSI.json", false},
		{"/v1/reference/equities", "kbs/schema/Reference_equity_list.json", true},
		{"/v1/reference/companies/SSI", "kbs/schema/Reference_company_DATA_info.json", true},
		{"/v1/reference/companies/SSI/shareholders", "kbs/schema/Reference_company_DATA_shareholders.json", true},
		{"/v1/reference/companies/SSI/news", "kbs/schema/Reference_company_DATA_news.json", true},
		{"/v1/fundamental/equity/FPT/ratios", "kbs/schema/Fundamental_equity_FPT_ratio.json", true},
	}
	for _, tt := range tests {
		b := decode(t, do(t, r, tt.url))
		want := loadJSON[vnstockSchema](t, tt.schema).Columns
		got := keys(t, b.Data[0])
		if tt.exact {
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: keys (-vnstock +got):\n%s", tt.url, diff)
			}
		} else if !subsequence(want, got) {
			t.Errorf("%s: keys %v lack vnstock's %v (in order)", tt.url, got, want)
		}
	}
	// Intraday trades: vnstock 3.2's columns (time, price, volume, match_type, id).
	var trades []map[string]any
	b := loadJSONRaw(t, "vci/expected/quote_vci_intraday__output_VCI.json")
	if err := json.Unmarshal(b, &trades); err != nil {
		t.Fatal(err)
	}
	var want []string
	for k := range trades[0] {
		want = append(want, k)
	}
	got := keys(t, decode(t, do(t, r, "/v1/market/equity/VNM/trades")).Data[0])
	for _, k := range want {
		if !strings.Contains(","+strings.Join(got, ",")+",", ","+k+",") {
			t.Errorf("trade keys %v lack vnstock's %s", got, k)
		}
	}
}

// subsequence reports whether want appears in got in order.
func subsequence(want, got []string) bool {
	i := 0
	for _, g := range got {
		if i < len(want) && g == want[i] {
			i++
		}
	}
	return i == len(want)
}

func TestErrorMapping(t *testing.T) {
	t.Parallel()
	r, _ := testServer(t)
	tests := []struct {
		url, code string
		status    int
	}{
		{"/v1/market/equity/NOPE/ohlcv", "not_found", http.StatusNotFound},
		{"/v1/reference/companies/DOWN", "upstream_unavailable", http.StatusServiceUnavailable},
		{"/v1/market/equity/SLOW/ohlcv", "upstream_timeout", http.StatusGatewayTimeout},
		{"/v1/reference/companies/BAD/news", "upstream_bad_response", http.StatusBadGateway},
		{"/v1/reference/etfs/NOTLISTED", "not_found", http.StatusNotFound},
	}
	for _, tt := range tests {
		w := do(t, r, tt.url)
		b := decode(t, w)
		if w.Code != tt.status || b.Error.Code != tt.code || b.Error.Message == "" {
			t.Errorf("%s: %d %+v; want %d %s", tt.url, w.Code, b.Error, tt.status, tt.code)
		}
	}
	if w := do(t, r, "/v1/reference/companies/DOWN"); w.Header().Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	b := decode(t, do(t, r, "/v1/reference/companies/STALE"))
	if b.Meta["stale"] != true || len(b.Data) == 0 {
		t.Errorf("stale answer: meta %v", b.Meta)
	}
}

func loadJSONRaw(t testing.TB, name string) []byte {
	return loadJSON[json.RawMessage](t, name)
}

// TestBadInput: each bad parameter is a 400 naming it, never a 500.
func TestBadInput(t *testing.T) {
	t.Parallel()
	r, svc := testServer(t)
	tests := []struct{ url, field string }{
		{"/v1/market/equity/VN-M/ohlcv", "symbol"},
		{"/v1/market/equity/ABCDEFGHIJKLMNOPQ/ohlcv", "symbol"},
		{"/v1/market/stock/VNM/ohlcv", "asset"},
		{"/v1/market/equity/VNM/ohlcv?interval=2D", "interval"},
		{"/v1/market/equity/VNM/ohlcv?start=2024-13-01", "start"},
		{"/v1/market/equity/VNM/ohlcv?start=11/03/2024", "start"},
		{"/v1/market/equity/VNM/ohlcv?end=", "end"},
		{"/v1/market/equity/VNM/ohlcv?start=1800-01-01", "start"},
		{"/v1/market/equity/VNM/ohlcv?start=2025-03-01&end=2025-02-01", "start"},
		{"/v1/market/equity/VNM/ohlcv?adjusted=false", "adjusted"},
		{"/v1/market/equity/VNM/ohlcv?price_unit=usd", "price_unit"},
		{"/v1/market/index/VNINDEX/ohlcv?price_unit=thousand", "price_unit"},
		{"/v1/market/equity/VNM/ohlcv?format=xml", "format"},
		{"/v1/market/equity/VNM/ohlcv?intervl=1D", "intervl"},
		{"/v1/market/equity/VNM/ohlcv?interval=1D&interval=1W", "interval"},
		{"/v1/market/index/VNINDEX/trades", "asset"},
		{"/v1/market/equity/VNM/trades?limit=0", "limit"},
		{"/v1/market/equity/VNM/trades?limit=10001", "limit"},
		{"/v1/market/equity/VNM/trades?limit=ten", "limit"},
		{"/v1/market/equity/VNM/trades?before=", "before"},
		{"/v1/market/equity/VNM/trades?before=2025-03-12", "before"},
		{"/v1/market/equity/VNM/trades?before=2025-03-12T25:00:00", "before"},
		{"/v1/market/equity/VNM/trades?before=12/03/2025%2010:00", "before"},
		{"/v1/market/equity/VNM/trades?before=1700000000", "before"},
		{"/v1/market/equity/VNM/trades?before=1800-01-01T10:00:00Z", "before"},
		{"/v1/market/equity/VNM/trades?before=2025-03-12T10:00:00%2B07:00&before=2025-03-12T11:00:00%2B07:00", "before"},
		{"/v1/market/quotes", "symbols"},
		{"/v1/market/quotes?symbols=VNM&group=VN30", "symbols"},
		{"/v1/market/quotes?symbols=VNM,,FPT", "symbols"},
		{"/v1/market/quotes?symbols=" + strings.Repeat("A,", 200) + "A", "symbols"},
		{"/v1/market/quotes?group=VN-30", "group"},
		{"/v1/market/snapshot", "topics"},
		{"/v1/market/snapshot?topics=bogus", "topics"},
		{"/v1/reference/equities?exchange=NYSE", "exchange"},
		{"/v1/reference/equities?type=stocks", "type"},
		{"/v1/reference/groups/VN%2530", "group"},
		{"/v1/reference/industries/83a0/equities", "icb_code"},
		{"/v1/reference/search", "q"},
		{"/v1/reference/search?q=%20%20", "q"},
		{"/v1/reference/search?q=" + strings.Repeat("x", 65), "q"},
		{"/v1/reference/search?q=a%00b", "q"},
		{"/v1/reference/market/status?exchange=LSE", "exchange"},
		{"/v1/reference/companies/S$I", "symbol"},
		{"/v1/fundamental/equity/FPT/ratios?period=month", "period"},
		{"/v1/fundamental/equity/FPT/ratios?lang=fr", "lang"},
		{"/v1/market/funds/VE%20SAF/nav", "code"},
		{"/v1/retail/gold?source=pnj", "source"},
		{"/v1/retail/gold?date=yesterday", "date"},
		{"/v1/retail/exchange-rates?date=2025-02-30", "date"},
	}
	for _, tt := range tests {
		w := do(t, r, tt.url)
		b := decode(t, w)
		if w.Code != http.StatusBadRequest || b.Error.Code != "invalid_argument" || b.Error.Field != tt.field {
			t.Errorf("%s: %d %+v; want 400 invalid_argument on %s", tt.url, w.Code, b.Error, tt.field)
		}
	}
	if n := len(svc.queries); n != 0 {
		t.Errorf("bad requests reached the Service %d times: %+v", n, svc.queries)
	}
}

// TestTradesBefore checks that ?before= reaches the Service as the instant
// it names, in either form it is accepted in.
func TestTradesBefore(t *testing.T) {
	t.Parallel()
	want := time.Date(2025, 3, 12, 10, 0, 0, 0, market.ICT)
	tests := []struct {
		before string
		want   time.Time
	}{
		{"2025-03-12T10:00:00%2B07:00", want},
		{"2025-03-12T10:00:00+07:00", want}, // the "+" arrives as a space
		{"2025-03-12T03:00:00Z", want},
		{"2025-03-12T10:00:00", want},
		{"2025-03-12%2010:00", want},
		{"2025-03-12T10:00:00.5%2B07:00", want.Add(500 * time.Millisecond)},
	}
	for _, tt := range tests {
		r, svc := testServer(t)
		u := "/v1/market/equity/VNM/trades?limit=20&before=" + tt.before
		w := do(t, r, u)
		if w.Code != http.StatusOK {
			t.Errorf("%s: %d %.200s", u, w.Code, w.Body.String())
			continue
		}
		q := svc.last()
		if q.Capability != market.CapTrades || q.Limit != 20 || !q.Before.Equal(tt.want) || q.Before.Location() != market.ICT {
			t.Errorf("%s: the Service got before %s limit %d, want %s", u, q.Before, q.Limit, tt.want)
		}
	}
}

// TestDocumentedParamsAreValidated sends an invalid value for every
// documented parameter with a constrained schema, and leaves out every
// required one: each must be a 400 naming the parameter.
func TestDocumentedParamsAreValidated(t *testing.T) {
	t.Parallel()
	r, _ := testServer(t)
	base := map[string]string{}
	for _, h := range happyCases() {
		base[h.id] = h.url
	}
	for _, rt := range routes() {
		u, _ := url.Parse(base[rt.id])
		for _, p := range rt.params {
			bad := badValue(p)
			if bad == "" {
				continue
			}
			target := *u
			if p.in == inPath {
				target.Path = replaceVar(t, rt.path, u.Path, p.name, bad)
			} else {
				q := target.Query()
				if p.name == "group" {
					q.Del("symbols") // symbols and group exclude each other
				}
				q.Set(p.name, bad)
				target.RawQuery = q.Encode()
			}
			w := do(t, r, target.String())
			if b := decode(t, w); w.Code != http.StatusBadRequest || b.Error.Field != p.name {
				t.Errorf("%s %s=%q: %d %+v; want 400 on %s", rt.id, p.name, bad, w.Code, b.Error, p.name)
			}
			if p.required && p.in == inQuery {
				q := u.Query()
				q.Del(p.name)
				target.RawQuery = q.Encode()
				if b := decode(t, do(t, r, target.String())); b.Error.Field != p.name {
					t.Errorf("%s without %s: %+v; want 400 on %s", rt.id, p.name, b.Error, p.name)
				}
			}
		}
	}
}

// badValue is a value the parameter's schema refuses ("" when it refuses
// nothing checkable).
func badValue(p param) string {
	switch {
	case p.schema["enum"] != nil:
		return "not-an-option"
	case p.schema["format"] == "date":
		return "2024-02-31"
	case p.schema["type"] == "integer":
		return "-1"
	case p.schema["pattern"] != nil:
		return "bad~value"
	case p.schema["maxLength"] != nil:
		return strings.Repeat("x", 100)
	}
	return ""
}

// replaceVar puts value in place of the path variable name of the path
// template tpl, in the concrete path.
func replaceVar(t *testing.T, tpl, path, name, value string) string {
	t.Helper()
	ts, ps := strings.Split(prefix+tpl, "/"), strings.Split(path, "/")
	if len(ts) != len(ps) {
		t.Fatalf("path %s does not match %s", path, tpl)
	}
	for i, seg := range ts {
		if seg == "{"+name+"}" {
			ps[i] = url.PathEscape(value)
		}
	}
	return strings.Join(ps, "/")
}

// FuzzQuery sends arbitrary query strings to the OHLCV and trades routes:
// the answer is never a 500 and always JSON.
func FuzzQuery(f *testing.F) {
	for _, s := range []string{"start=2024-01-01&end=2024-02-01", "interval=1m", "limit=5", "format=csv", "price_unit=thousand", "%zz", "a=1&a=2", "start=9999-99-99"} {
		f.Add("VNM", s)
	}
	r, _ := testServer(f)
	f.Fuzz(func(t *testing.T, sym, query string) {
		for _, p := range []string{"/v1/market/equity/", "/v1/market/etf/"} {
			u := &url.URL{Path: p + sym + "/ohlcv", RawQuery: query}
			if strings.ContainsAny(sym, "/?#") {
				return
			}
			req, err := http.NewRequest(http.MethodGet, u.String(), nil)
			if err != nil {
				return
			}
			w := newRecorder()
			r.ServeHTTP(w, req)
			if w.Code >= 500 {
				t.Fatalf("%s: %d %s", u, w.Code, w.Body.String())
			}
		}
	})
}

// TestAppendICT checks the hand-written time format against time's own,
// across eras, leap days, negative Unix times and the year bounds.
func TestAppendICT(t *testing.T) {
	t.Parallel()
	times := []time.Time{
		time.Date(2024, 1, 2, 0, 0, 0, 0, market.ICT), time.Date(2024, 2, 29, 23, 59, 59, 999, market.ICT),
		time.Date(2000, 2, 29, 9, 15, 0, 0, time.UTC), time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1969, 12, 31, 23, 0, 0, 0, time.UTC), time.Date(1, 1, 1, 7, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 16, 59, 59, 0, time.UTC), time.Date(9999, 12, 31, 17, 0, 0, 0, time.UTC),
		time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2100, 3, 1, 0, 0, 0, 0, time.UTC),
	}
	for d := time.Date(1899, 12, 25, 5, 0, 0, 0, time.UTC); d.Year() < 2101; d = d.Add(97*time.Hour + 13*time.Minute + 7*time.Second) {
		times = append(times, d)
	}
	for _, tm := range times {
		want := tm.In(market.ICT).Format(time.RFC3339)
		if got := string(appendICT(nil, tm)); got != want {
			t.Fatalf("appendICT(%v) = %s, want %s", tm, got, want)
		}
	}
}

func TestAppendNumber(t *testing.T) {
	t.Parallel()
	for _, v := range []float64{0, 1, -1, 9, 10, 99, 100, 68900, -68900, 58776.6816, 68.9, 1 << 53, -(1 << 53), 1e300, -0.5, 123456789012345} {
		want := strconv.FormatFloat(v, 'f', -1, 64)
		if got := string(appendNumber([]byte("x"), v)); got != "x"+want {
			t.Errorf("appendNumber(%v) = %s, want x%s", v, got, want)
		}
	}
	for _, v := range []int64{0, 7, -7, 10, 1000000, -9223372036854775808, 9223372036854775807} {
		if got := string(appendInt(nil, v)); got != strconv.FormatInt(v, 10) {
			t.Errorf("appendInt(%d) = %s", v, got)
		}
	}
	if got := string(appendNumber(nil, math.NaN())) + string(appendNumber(nil, math.Inf(1))); got != "nullnull" {
		t.Errorf("NaN, Inf = %s", got)
	}
}
