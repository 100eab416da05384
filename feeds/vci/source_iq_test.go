package vci

import (
	"context"
	"encoding/json"
	"errors"
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

// TestCompany checks the iq company documents and their vnstock columns.
func TestCompany(t *testing.T) {
	t.Parallel()
	f := newFixture(t, captureDay, "")
	ov := f.fetch(t, market.Query{Capability: market.CapCompany, Symbol: "VCI"}).Frame
	if ov.Columns[0] != "symbol" || ov.Value(0, "symbol") != "VCI" || ov.Value(0, "issue_share") != int64(718099480) {
		t.Errorf("overview %v %v", ov.Columns, ov.Rows)
	}
	for _, c := range ov.Columns {
		if strings.Contains(c, "en_") || c == "sector_vn" || c == "ticker" || c == "profile" {
			t.Errorf("overview keeps column %s", c)
		}
	}
	// vnstock 3.2's (GraphQL-era) overview shares these columns with the iq one.
	var old []map[string]any
	if err := json.Unmarshal(golden.Read(t, "vci", "expected/company_vci_overview__output_VCI.json"), &old); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"symbol", "issue_share", "company_profile"} {
		if _, ok := old[0][c]; !ok || ov.Col(c) < 0 {
			t.Errorf("column %s: in vnstock %v, ours %d", c, ok, ov.Col(c))
		}
	}
	if p := ov.Value(0, "company_profile").(string); strings.ContainsAny(p, "<>") || !strings.Contains(p, "(VCI) & các") {
		t.Errorf("profile not stripped: %q", p)
	}

	sh := f.fetch(t, market.Query{Capability: market.CapShareholders, Symbol: "VCI"}).Frame
	if !slices.Equal(sh.Columns, []string{"symbol", "share_holder", "quantity", "share_own_percent", "update_date"}) ||
		sh.Len() != 5 || sh.Value(0, "update_date") != "2025-12-31" || sh.Value(0, "share_own_percent") != 0.12 {
		t.Errorf("shareholders %v %v", sh.Columns, sh.Rows)
	}
	off := f.fetch(t, market.Query{Capability: market.CapOfficers, Symbol: "VCI"}).Frame
	if !slices.Equal(off.Columns, []string{"symbol", "officer_name", "officer_position", "officer_own_percent",
		"officer_own_quantity", "update_date"}) || off.Len() != 2 || off.Value(1, "officer_position") != "Tổng Giám đốc" {
		t.Errorf("officers %v %v", off.Columns, off.Rows)
	}
	own := f.fetch(t, market.Query{Capability: market.CapOwnership, Symbol: "VCI"}).Frame
	if !slices.Equal(own.Columns, []string{"share_holder", "percentage", "update_date"}) && own.Col("share_own_percent") < 0 ||
		own.Len() != 3 || own.Value(2, "update_date") != "2025-12-31" {
		t.Errorf("ownership %v %v", own.Columns, own.Rows)
	}
	sub := f.fetch(t, market.Query{Capability: market.CapSubsidiaries, Symbol: "VCI"}).Frame
	if !slices.Equal(sub.Columns, []string{"symbol", "organ_name", "ownership_percent", "sub_organ_code", "type"}) ||
		sub.Len() != 3 || sub.Value(2, "type") != "affiliate" || sub.Value(0, "ownership_percent") != int64(1) {
		t.Errorf("subsidiaries %v %v", sub.Columns, sub.Rows)
	}
	if _, err := f.src.Fetch(context.Background(), market.Query{Capability: market.CapCompany, Symbol: "VNINDEX"}); !errors.Is(err, market.ErrUnsupported) {
		t.Errorf("company of an index: %v", err)
	}
}

// TestEventsAndNews checks the paged iq lists and their dates.
func TestEventsAndNews(t *testing.T) {
	t.Parallel()
	f := newFixture(t, captureDay, "")
	ev := f.fetch(t, market.Query{Capability: market.CapEvents, Symbol: "VCI"}).Frame
	for _, c := range []string{"public_date", "issue_date", "record_date", "exright_date"} {
		// vnstock 3.2's events output has these date columns as YYYY-MM-DD too.
		if v, ok := ev.Value(0, c).(string); !ok || len(v) != 10 {
			t.Errorf("events %s = %v", c, ev.Value(0, c))
		}
	}
	if ev.Value(0, "record_date") != "2025-04-20" || ev.Col("organ_code") >= 0 || ev.Col("symbol") >= 0 || ev.Len() != 3 {
		t.Errorf("events %v %v", ev.Columns, ev.Rows[0])
	}
	news := f.fetch(t, market.Query{Capability: market.CapNews, Symbol: "VCI"}).Frame
	pub, ok := news.Value(0, "public_date").(time.Time)
	if !ok || pub.Location() != market.ICT || pub.Format("2006-01-02 15:04") != "2026-03-10 09:00" ||
		news.Col("status") >= 0 || news.Col("create_date") >= 0 {
		t.Errorf("news %v %v", news.Columns, news.Rows[0])
	}
}

// TestFinance checks statements and ratios: the newest four periods,
// vnstock's item columns, year/quarter and vi/en.
func TestFinance(t *testing.T) {
	t.Parallel()
	f := newFixture(t, captureDay, "")
	bs := f.fetch(t, market.Query{Capability: market.CapBalanceSheet, Symbol: "FPT"}).Frame
	if !slices.Equal(bs.Columns, []string{"item", "item_en", "item_id", "2025-Q3", "2025-Q2", "2025-Q1", "2024-Q4"}) ||
		bs.Len() != 5 || bs.Value(2, "item") != "Tổng tài sản" || bs.Value(2, "item_id") != "total_assets" {
		t.Errorf("balance sheet %v %v", bs.Columns, bs.Rows)
	}
	is := f.fetch(t, market.Query{Capability: market.CapIncomeStatement, Symbol: "FPT", Period: "year", Lang: "en", Limit: 3}).Frame
	if !slices.Equal(is.Columns, []string{"item", "item_en", "item_id", "2024", "2023", "2022"}) ||
		is.Value(0, "item") != "Net revenue" || is.Value(0, "item_id") != "net_revenue" {
		t.Errorf("income statement %v %v", is.Columns, is.Rows[0])
	}
	cf := f.fetch(t, market.Query{Capability: market.CapCashFlow, Symbol: "FPT", Period: "quarter"}).Frame
	if cf.Len() != 3 {
		t.Errorf("cash flow %v", cf.Rows)
	}
	rq := f.fetch(t, market.Query{Capability: market.CapRatios, Symbol: "FPT"}).Frame
	if !slices.Equal(rq.Columns[3:], []string{"2025-Q3", "2025-Q2", "2025-Q1", "2024-Q4"}) ||
		rq.Value(rowOf(t, rq, "item_id", "pe_ratio"), "item_en") != "P/E" {
		t.Errorf("ratios %v", rq.Columns)
	}
	for _, row := range rq.Rows {
		if id := row[2].(string); id == "ratio_type" || id == "ratio_ttm_id" || id == "organ_code" {
			t.Errorf("bookkeeping row %s", id)
		}
	}
	ry := f.fetch(t, market.Query{Capability: market.CapRatios, Symbol: "FPT", Period: "year"}).Frame
	if !slices.Equal(ry.Columns[3:], []string{"2024", "2023", "2022", "2021"}) {
		t.Errorf("yearly ratios %v", ry.Columns)
	}
	if n := f.fake.Count("vci", "/vci/priceboard"); n != 1 {
		t.Errorf("%d handshakes for one Source, want 1", n)
	}
	if _, err := f.src.Fetch(context.Background(), market.Query{Capability: market.CapRatios, Symbol: "FPT", Period: "month"}); !errors.Is(err, market.ErrInvalid) {
		t.Errorf("bad period: %v", err)
	}
}

// TestGraphQLRatios checks the GraphQL ratio path end to end: recorded
// quarters for ACB, catalogue-built years for VNM.
func TestGraphQLRatios(t *testing.T) {
	t.Parallel()
	f := newFixture(t, captureDay, RatiosGraphQL)
	acb := f.fetch(t, market.Query{Capability: market.CapRatios, Symbol: "ACB"}).Frame
	if !slices.Equal(acb.Columns[3:], []string{"2025-Q3", "2025-Q2", "2025-Q1", "2024-Q4"}) ||
		acb.Value(rowOf(t, acb, "item_id", "roe"), "2025-Q3") != 0.1991666777 {
		t.Errorf("ACB %v", acb.Columns)
	}
	if b := f.lastBody(t); !strings.Contains(b["query"].(string), "CompanyFinancialRatio(ticker: $ticker, period: $period)") ||
		b["variables"].(map[string]any)["period"] != "Q" {
		t.Errorf("graphql request %v", b)
	}
	vnm := f.fetch(t, market.Query{Capability: market.CapRatios, Symbol: "VNM", Period: "year", Lang: "en"}).Frame
	if !slices.Equal(vnm.Columns[3:], []string{"2024", "2023", "2022", "2021"}) || vnm.Value(0, "item") != "Revenue" {
		t.Errorf("VNM %v %v", vnm.Columns, vnm.Rows[0])
	}
}

// TestUpstreamFaults checks how upstream failures surface: status errors
// wrap market.ErrUpstream (429 with its Retry-After), bad bytes are a
// *market.SchemaError, and no result is returned with an error.
func TestUpstreamFaults(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		cfg   fakeupstream.Config
		check func(error) bool
	}{
		{"500", fakeupstream.Config{Status: 500}, func(err error) bool { return errors.Is(err, market.ErrUpstream) }},
		{"429", fakeupstream.Config{Throttle: true}, func(err error) bool {
			var se *upstream.StatusError
			return errors.As(err, &se) && se.Status == 429 && se.RetryAfter == time.Second
		}},
		{"malformed", fakeupstream.Config{Malformed: true}, func(err error) bool {
			var se *market.SchemaError
			return errors.As(err, &se) && se.Source == "vci" && se.Field != ""
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(fakeupstream.New(c.cfg))
			t.Cleanup(srv.Close)
			src := New(Config{TradingURL: srv.URL + "/vci", IQURL: srv.URL + "/vciiq",
				Now: func() time.Time { return captureDay }})
			for _, q := range []market.Query{
				{Capability: market.CapOHLCV, Symbol: "VCI", Start: ict(2025, 3, 3, 0, 0)},
				{Capability: market.CapBoard, Symbols: []market.Symbol{"VCI"}},
				{Capability: market.CapCompany, Symbol: "VCI"},
			} {
				res, err := src.Fetch(context.Background(), q)
				if !c.check(err) || res.Source != "" {
					t.Errorf("%s: %v (%T), result %+v", q.Capability, err, errors.Unwrap(err), res.Source)
				}
			}
		})
	}
}

// TestInvalidQueries checks argument errors before any request.
func TestInvalidQueries(t *testing.T) {
	t.Parallel()
	f := newFixture(t, captureDay, "")
	for _, q := range []market.Query{
		{Capability: market.CapOHLCV, Symbol: "VCI", Start: ict(2025, 3, 5, 0, 0), End: ict(2025, 3, 1, 0, 0)},
		{Capability: market.CapOHLCV, Symbol: "VCI", Interval: "2h"},
		{Capability: market.CapBoard},
		{Capability: market.CapOHLCV, Symbol: "VN30F2513"},
		{Capability: market.CapOHLCV},
		{Capability: market.CapCompany},
	} {
		if _, err := f.src.Fetch(context.Background(), q); !errors.Is(err, market.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", q.Key(), err)
		}
	}
	if n := f.fake.Count("vci", ""); n != 0 {
		t.Errorf("%d requests for invalid queries", n)
	}
}
