package vci

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

func TestCamelToSnake(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"organName": "organ_name", "enOrganShortName": "en_organ_short_name", "numberOfSharesMktCap": "number_of_shares_mkt_cap",
		"ratioTTMId": "ratio_ttm_id", "icbLv1": "icb_lv1", "BSA1": "bsa1", "priceStep": "price_step",
		"sector vn": "sector_vn", "a-b.c": "a_b_c", "__typename": "typename", "RTQ10": "rtq10", "ISS152": "iss152",
	} {
		if got := camelToSnake(in); got != want {
			t.Errorf("camelToSnake(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNum(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in       string
		f        float64
		set, bad bool
	}{
		{`39550`, 39550, true, false}, {`"39550"`, 39550, true, false}, {`"1,234.5"`, 1234.5, true, false},
		{`86886.24`, 86886.24, true, false}, {`-1e3`, -1000, true, false}, {`null`, 0, false, false},
		{`""`, 0, false, false}, {`"ATO"`, 0, false, true}, {`true`, 0, false, true}, {`"1e999"`, 0, false, true},
	}
	for _, c := range cases {
		var n num
		if err := json.Unmarshal([]byte(c.in), &n); err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if n.f != c.f || n.set != c.set || n.bad != c.bad {
			t.Errorf("%s = %+v", c.in, n)
		}
	}
}

func TestSchemaErrorsNameTheField(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 21, 10, 0, 0, 0, market.ICT)
	cases := []struct {
		name, field string
		parse       func() error
	}{
		{"not json", "body", func() error { _, err := ParseGapChart([]byte(`[{`), "", "X", market.Interval1D); return err }},
		{"t wrong type", "chart.t", func() error {
			_, err := ParseGapChart([]byte(`[{"t":5}]`), "", "X", market.Interval1D)
			return err
		}},
		{"short o", "o", func() error {
			_, err := ParseGapChart([]byte(`[{"t":["1"],"o":[],"h":[1],"l":[1],"c":[1],"v":[1]}]`), "", "X", market.Interval1D)
			return err
		}},
		{"bad v", "v[1]", func() error {
			_, err := ParseGapChart([]byte(`[{"t":["1","2"],"o":[1,1],"h":[1,1],"l":[1,1],"c":[1,1],"v":[1,"x"]}]`), "", "X", market.Interval1D)
			return err
		}},
		{"null c", "c[0]", func() error {
			_, err := ParseGapChart([]byte(`[{"t":["1"],"o":[1],"h":[1],"l":[1],"c":[null],"v":[1]}]`), "", "X", market.Interval1D)
			return err
		}},
		{"missing price", "[0].matchPrice", func() error {
			_, err := ParseTrades([]byte(`[{"truncTime":"1742539929","matchVol":100}]`), "VCI")
			return err
		}},
		{"fractional price", "[0].matchPrice", func() error {
			_, err := ParseTrades([]byte(`[{"truncTime":1742539929,"matchPrice":39500.5,"matchVol":100}]`), "VCI")
			return err
		}},
		{"board venue", "[0].listingInfo.board", func() error {
			_, err := ParseBoard([]byte(`[{"listingInfo":{"symbol":"VCI","board":"NYSE"}}]`), now)
			return err
		}},
		{"board level", "[0].bidAsk.bidPrices[1].price", func() error {
			_, err := ParseBoard([]byte(`[{"listingInfo":{"symbol":"VCI","board":"HSX"},"bidAsk":{"bidPrices":[{"price":1,"volume":1},{"price":"x","volume":1}]}}]`), now)
			return err
		}},
		{"board time", "[0].matchPrice.time", func() error {
			_, err := ParseBoard([]byte(`[{"listingInfo":{"symbol":"VCI","board":"HSX"},"matchPrice":{"time":"yesterday"}}]`), now)
			return err
		}},
		{"depth", "[2].accumulatedVolume", func() error {
			_, err := parseDepth([]byte(`[{"priceStep":"1","accumulatedVolume":"1"},{"priceStep":"2","accumulatedVolume":"2"},{"priceStep":"3"}]`))
			return err
		}},
		{"icb level", "data[0].icbLevel", func() error {
			_, err := parseICBCodes([]byte(`{"data":[{"name":"8300","icbLevel":"two"}]}`))
			return err
		}},
		{"period", "data.quarters[0].yearReport", func() error {
			_, err := parseStatement([]byte(`{"data":{"quarters":[{"isa1":1}]}}`), nil, true, "vi", 4)
			return err
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var se *market.SchemaError
			err := c.parse()
			if !errors.As(err, &se) || se.Field != c.field || se.Source != "vci" || !errors.Is(err, market.ErrUpstreamSchema) {
				t.Errorf("error %v, want a SchemaError on field %s", err, c.field)
			}
		})
	}
}

func TestBoardTime(t *testing.T) {
	t.Parallel()
	want := time.Date(2025, 3, 21, 9, 15, 30, 0, market.ICT)
	for _, in := range []string{`1742523330`, `"1742523330"`, `1742523330000`, `"2025-03-21T02:15:30Z"`,
		`"2025-03-21T09:15:30"`, `"2025-03-21 09:15:30"`, `"09:15:30"`} {
		got, err := boardTime("time", json.RawMessage(in), "2025-03-21")
		if err != nil || !got.Equal(want) || got.Location() != market.ICT {
			t.Errorf("boardTime(%s) = %v, %v", in, got, err)
		}
	}
	if got, err := boardTime("time", nil, ""); err != nil || !got.IsZero() {
		t.Errorf("absent time = %v, %v", got, err)
	}
}

func TestKRXCode(t *testing.T) {
	t.Parallel()
	mar21 := time.Date(2025, 3, 21, 10, 0, 0, 0, market.ICT) // March's contract expired on Thursday the 20th
	mar20 := time.Date(2025, 3, 20, 10, 0, 0, 0, market.ICT)
	cases := []struct {
		sym  market.Symbol
		now  time.Time
		want string
	}{
		{"VN30F2506", mar21, "41I1F6000"}, {"VN30F2601", mar21, "41I1G1000"}, {"VN100F2512", mar21, "41I2FC000"},
		{"GB05F2606", mar21, "41B5G6000"}, {"41I1F8000", mar21, "41I1F8000"},
		{"VN30F1M", mar20, "41I1F3000"}, {"VN30F1M", mar21, "41I1F4000"}, {"VN30F2M", mar21, "41I1F5000"},
		{"VN30F1Q", mar21, "41I1F6000"}, {"VN30F2Q", mar21, "41I1F9000"},
	}
	for _, c := range cases {
		got, err := krxCode(c.sym, c.now)
		if err != nil || got != c.want {
			t.Errorf("krxCode(%s, %s) = %s, %v; want %s", c.sym, c.now.Format(time.DateOnly), got, err, c.want)
		}
		if a := detectAsset(c.sym); a != market.AssetFutures {
			t.Errorf("detectAsset(%s) = %s", c.sym, a)
		}
	}
	// vnstock's shape rules: 3 letters a stock, 8 characters a covered
	// warrant (so the ETF E1VFVN30 reads as one; the chart call is the same),
	// the short alias HNX a stock, not an index.
	for sym, want := range map[market.Symbol]string{"VCI": market.AssetEquity, "VNINDEX": market.AssetIndex,
		"CFPT2513": market.AssetWarrant, "HNX": market.AssetEquity, "E1VFVN30": market.AssetWarrant} {
		if a := detectAsset(sym); a != want {
			t.Errorf("detectAsset(%s) = %s, want %s", sym, a, want)
		}
	}
}

func TestChartWindow(t *testing.T) {
	t.Parallel()
	s := New(Config{Now: func() time.Time { return captureDay }})
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, market.ICT) }
	cases := []struct {
		name      string
		q         market.Query
		iv        market.Interval
		from, to  time.Time
		frame     string
		countBack int
	}{
		{"days", market.Query{Start: day(2024, 1, 1), End: day(2024, 3, 20)}, market.Interval1D, day(2024, 1, 1), day(2024, 3, 21), frameDay, 53},
		{"no end", market.Query{Start: day(2025, 3, 17)}, market.Interval1H, day(2025, 3, 17), day(2025, 3, 22), frameHour, 5*7 + 1},
		{"week", market.Query{Start: day(2025, 3, 19), End: day(2025, 3, 21)}, market.Interval1W, day(2025, 3, 17), day(2025, 3, 22), frameDay, 6},
		{"month", market.Query{Start: day(2025, 3, 19), End: day(2025, 3, 21)}, market.Interval1M, day(2025, 3, 1), day(2025, 3, 22), frameDay, 16},
		{"no start", market.Query{End: day(2025, 3, 21)}, market.Interval1m, time.Time{}, day(2025, 3, 22), frameMinute, defaultCountBack},
	}
	for _, c := range cases {
		from, to, err := chartWindow(c.q, c.iv, captureDay)
		if err != nil || !from.Equal(c.from) || !to.Equal(c.to) {
			t.Errorf("%s: window %v..%v, %v", c.name, from, to, err)
		}
		if n := s.chartCountBack(from, to, c.frame); n != c.countBack {
			t.Errorf("%s: countBack %d, want %d", c.name, n, c.countBack)
		}
	}
}

func TestStripHTML(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"<div style=\"x\"><p>A &amp; B</p>\n<br/> C</div>": "A & B C",
		"a < b and c > d": "a d", // as vnstock's <[^>]+>
		"x <> y":          "x <> y",
		"<b>unterminated": "unterminated",
		"&lt;p&gt;":       "<p>",
	} {
		if got := stripHTML(in); got != want {
			t.Errorf("stripHTML(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSlugAndPeriods(t *testing.T) {
	t.Parallel()
	if s := slug("Net revenue (VND)", "isa1"); s != "net_revenue_vnd" {
		t.Errorf("slug = %q", s)
	}
	if s := slug("", "ISA1"); s != "isa1" {
		t.Errorf("slug fallback = %q", s)
	}
	recs := []record{{keys: []string{"yearReport", "lengthReport"}, vals: []any{int64(2024), int64(4)}},
		{keys: []string{"year", "quarter"}, vals: []any{int64(2025), "1"}},
		{keys: []string{"yearReport", "lengthReport"}, vals: []any{int64(2024), int64(4)}}}
	rows, err := periodRows(recs, true, "x")
	if err != nil || rows[0].name != "2025-Q1" || rows[1].name != "2024-Q4" || rows[2].name != "2024-Q4_1" {
		t.Errorf("periods %+v, %v", rows, err)
	}
	if !idLess("99", "100") || idLess("100", "99") || !idLess("a", "b") {
		t.Error("idLess")
	}
}
