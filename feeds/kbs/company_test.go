package kbs

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// The profile and finance payloads here are the fake upstream's, built from
// the catalogue's key lists (no recording of them exists): these tests pin
// the conversions, not KBS's real values.

func fetchFrame(t *testing.T, src *Source, q market.Query) *market.Frame {
	t.Helper()
	res, err := src.Fetch(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q.Key(), err)
	}
	return res.Frame
}

func TestCompanyConversions(t *testing.T) {
	t.Parallel()
	src, fake := newFakeSource(t)
	info := fetchFrame(t, src, market.Query{Capability: market.CapCompany, Symbol: "FPT"})
	listed, _ := info.Value(0, "issued_share").(int64)
	// The fake writes CC in billions (capital/1e9, integer) and listed
	// shares KLCPNY; charter capital comes back in VND.
	if cc := info.Value(0, "charter_capital"); cc != listed*10000/1e9*1e9 {
		t.Errorf("charter_capital = %v, want %d VND", cc, listed*10000/1e9*1e9)
	}
	if p := info.Value(0, "profile"); p != "Công ty FPT hoạt động trong lĩnh vực sản xuất & thương mại." {
		t.Errorf("profile = %q, want HTML stripped", p)
	}
	if d, ok := info.Value(0, "founded_date").(time.Time); !ok || !d.Equal(day(1993, 8, 6)) {
		t.Errorf("founded_date = %v, want 1993-08-06 from 06/08/1993", info.Value(0, "founded_date"))
	}
	if ex := info.Value(0, "exchange"); ex != "HOSE" {
		t.Errorf("exchange = %v", ex)
	}
	subs := fetchFrame(t, src, market.Query{Capability: market.CapSubsidiaries, Symbol: "FPT"})
	if subs.Value(0, "rate") != 1.0 || subs.Value(1, "rate") != 0.255 ||
		subs.Value(0, "type") != "công ty con" || subs.Value(1, "type") != "công ty liên kết" {
		t.Errorf("subsidiaries = %v, want OR percent as fractions and vnstock's labels", subs.Rows)
	}
	officers := fetchFrame(t, src, market.Query{Capability: market.CapOfficers, Symbol: "FPT", Lang: "en"})
	if officers.Value(0, "from_date") != "2004" || officers.Value(0, "position") != "Chairman" {
		t.Errorf("officers = %v, want a bare year kept as text and the English position", officers.Rows)
	}
	capital := fetchFrame(t, src, market.Query{Capability: market.CapCapitalHistory, Symbol: "FPT"})
	if capital.Value(0, "charter_capital") != listed*10000 {
		t.Errorf("capital history %v, want VND kept", capital.Rows)
	}
	own := fetchFrame(t, src, market.Query{Capability: market.CapOwnership, Symbol: "FPT"})
	if own.Value(1, "ownership_percentage") != 99.9 {
		t.Errorf("ownership %v, want percent kept", own.Rows)
	}
	// Five company documents, one profile call each (KBS has one document;
	// caching it is the store's job).
	if n := fake.Count(Name, "/kbs/stockinfo/profile/FPT"); n != 5 {
		t.Errorf("%d profile calls", n)
	}
	events := fetchFrame(t, src, market.Query{Capability: market.CapEvents, Symbol: "FPT"})
	if events.Len() != 0 {
		t.Errorf("events %v, want the empty answer as no rows", events.Rows)
	}
}

func TestFinance(t *testing.T) {
	t.Parallel()
	src, fake := newFakeSource(t)
	bs := fetchFrame(t, src, market.Query{Capability: market.CapBalanceSheet, Symbol: "FPT"})
	ids := []any{"assets", "a.short_term_assets", "i.cash_and_cash_equivalents", "total_assets"}
	for i, id := range ids {
		if bs.Rows[i][1] != id {
			t.Errorf("item_id %d = %v, want %v", i, bs.Rows[i][1], id)
		}
	}
	if bs.Rows[1][0] != "A. TÀI SẢN NGẮN HẠN" {
		t.Errorf("item = %v, want the Vietnamese name", bs.Rows[1][0])
	}
	// The fake's values are 1e6..1e8 thousand VND: VND is 1e9..1e11.
	for _, c := range bs.Columns[2:] {
		if v, ok := bs.Value(1, c).(float64); !ok || v < 1e9 || v > 1e11 {
			t.Errorf("%s = %v, want thousand VND scaled to VND", c, bs.Value(1, c))
		}
	}
	ratios := fetchFrame(t, src, market.Query{Capability: market.CapRatios, Symbol: "FPT", Period: "quarter", Limit: 6, Lang: "en"})
	if len(ratios.Columns) != 8 || fake.Count(Name, "/kbs/stock/finance-info/FPT") != 3 {
		t.Errorf("ratio columns %v after %d calls, want 6 quarters from 2 pages", ratios.Columns, fake.Count(Name, "/kbs/stock/finance-info/FPT")-1)
	}
	quarter := regexp.MustCompile(`^[0-9]{4}-Q[1-4]$`)
	for _, c := range ratios.Columns[2:] {
		if !quarter.MatchString(c) {
			t.Errorf("period %q, want YYYY-Qn", c)
		}
	}
	// The fake's Content object has its keys sorted: "Nhóm chỉ số Sinh lợi"
	// comes before "Nhóm chỉ số Định giá", and the groups keep that order.
	if ratios.Len() != 3 || ratios.Rows[0][1] != "roe" || ratios.Rows[1][0] != "P/E" {
		t.Errorf("ratios %v, want both ratio groups in document order with English items", ratios.Rows)
	}
	if v, _ := ratios.Value(1, ratios.Columns[2]).(float64); v < 1 || v > 100 {
		t.Errorf("P/E = %v, want ratios unscaled", v)
	}
}
