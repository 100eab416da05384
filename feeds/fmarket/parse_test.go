package fmarket

import (
	"errors"
	"flag"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vnstock-api/vnstock-api/feeds/internal/golden"
	"github.com/vnstock-api/vnstock-api/market"
)

// The payloads under testdata/fmarket were written by hand from the shapes
// of upstream.md §6 (no recording of FMarket exists); they include nulls,
// a numeric string and NAV dates out of order.

var update = flag.Bool("update", false, "rewrite golden files")

func TestFundsGolden(t *testing.T) {
	t.Parallel()
	rows, total, err := parseFunds(golden.Read(t, "fmarket", "filter.json"))
	if err != nil || total != 3 || len(rows) != 3 {
		t.Fatalf("parseFunds: %d rows of %d, %v", len(rows), total, err)
	}
	f := fundsFrame(rows)
	golden.Compare(t, "fmarket", "funds.golden.json", golden.Marshal(t, f), *update)
	// By hand: VESAF has the best 36-month change (25.44), TCBF none (last);
	// VESAF's inception 1492448400000 ms is 2017-04-18 00:00 ICT.
	checks := []struct {
		row  int
		col  string
		want any
	}{
		{0, "short_name", "VESAF"}, {0, "inception_date", "2017-04-18"}, {0, "management_fee", 1.75},
		{0, "vsd_fee_id", nil}, {0, "fund_id_fmarket", int64(23)}, {1, "short_name", "SSISCA"},
		{1, "fund_owner_name", "CÔNG TY TNHH QUẢN LÝ QUỸ SSI"}, {2, "short_name", "TCBF"},
		{2, "nav_change_36m", nil}, {2, "fund_owner_name", nil}, {2, "nav_update_at", "2025-01-14"},
	}
	for _, c := range checks {
		if got := f.Value(c.row, c.col); got != c.want {
			t.Errorf("row %d %s = %v, want %v", c.row, c.col, got, c.want)
		}
	}
}

func TestHoldingsGolden(t *testing.T) {
	t.Parallel()
	body := golden.Read(t, "fmarket", "product_23.json")
	for _, c := range []struct {
		capability market.Capability
		golden     string
		rows       int
	}{
		{market.CapFundTopHoldings, "top_holdings_23.golden.json", 4},
		{market.CapFundIndustry, "industry_holdings_23.golden.json", 3},
		{market.CapFundAssets, "asset_holdings_23.golden.json", 2},
	} {
		f, err := parseHoldings(body, c.capability, 23, "VESAF")
		if err != nil || f.Len() != c.rows {
			t.Fatalf("%s: %d rows, %v", c.capability, f.Len(), err)
		}
		golden.Compare(t, "fmarket", c.golden, golden.Marshal(t, f), *update)
	}
	f, _ := parseHoldings(body, market.CapFundTopHoldings, 23, "VESAF")
	want := []any{"TCB", "Ngân hàng", 6.93, "STOCK", "2025-01-02", int64(23), "VESAF"}
	if diff := cmp.Diff(want, f.Rows[2]); diff != "" {
		t.Errorf("TCB row (-want +got):\n%s", diff)
	}
	if bond := f.Rows[3]; bond[0] != "VHM12101" || bond[4] != nil {
		t.Errorf("bond row %v", bond)
	}
}

func TestNAVGolden(t *testing.T) {
	t.Parallel()
	body := golden.Read(t, "fmarket", "nav_history_23.json")
	f, err := parseNAV(body, "VESAF", time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	golden.Compare(t, "fmarket", "nav_history_23.golden.json", golden.Marshal(t, f), *update)
	day := func(d int) time.Time { return time.Date(2025, 1, d, 0, 0, 0, 0, market.ICT) }
	f, err = parseNAV(body, "VESAF", day(9), day(10))
	want := [][]any{{"2025-01-09", 29655.0, "VESAF"}, {"2025-01-10", 29790.55, "VESAF"}}
	if err != nil || !cmp.Equal(want, f.Rows) {
		t.Errorf("range 9..10: %v, %v", f, err)
	}
	if _, err := parseNAV(body, "VESAF", day(20), time.Time{}); !errors.Is(err, market.ErrNotFound) {
		t.Errorf("empty range: %v, want ErrNotFound", err)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	funds := func(b []byte) error { _, _, err := parseFunds(b); return err }
	top := func(b []byte) error { _, err := parseHoldings(b, market.CapFundTopHoldings, 1, "X"); return err }
	nav := func(b []byte) error { _, err := parseNAV(b, "X", time.Time{}, time.Time{}); return err }
	tests := []struct {
		name  string
		parse func([]byte) error
		body  string
		field string
	}{
		{"funds not json", funds, `[`, "body"},
		{"funds no total", funds, `{"data":{"rows":[]}}`, "data.total"},
		{"funds no id", funds, `{"data":{"total":1,"rows":[{"shortName":"A"}]}}`, "data.rows[0].id"},
		{"funds fractional id", funds, `{"data":{"total":1,"rows":[{"id":1.5,"shortName":"A"}]}}`, "data.rows[0].id"},
		{"funds no short name", funds, `{"data":{"total":1,"rows":[{"id":1}]}}`, "data.rows[0].shortName"},
		{"funds bad nav", funds, `{"data":{"total":1,"rows":[{"id":1,"shortName":"A","nav":"abc"}]}}`, "body"},
		{"funds object name", funds, `{"data":{"total":1,"rows":[{"id":1,"shortName":"A","name":{}}]}}`, "body"},
		{"holdings no data", top, `{"data":null}`, "data"},
		{"holdings no code", top, `{"data":{"productTopHoldingList":[{"netAssetPercent":1}]}}`, "data.productTopHoldingList[0].stockCode"},
		{"nav no data", nav, `{}`, "data"},
		{"nav bad date", nav, `{"data":[{"navDate":"13/01/2025","nav":1}]}`, "data[0].navDate"},
		{"nav no value", nav, `{"data":[{"navDate":"2025-01-13"}]}`, "data[0].nav"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var se *market.SchemaError
			if err := tt.parse([]byte(tt.body)); !errors.As(err, &se) || se.Field != tt.field {
				t.Fatalf("error %v, want a SchemaError on %s", err, tt.field)
			}
		})
	}
}

// fuzzOK fails unless err is nil or classified.
func fuzzOK(t *testing.T, err error) {
	var se *market.SchemaError
	if err != nil && !errors.As(err, &se) && !errors.Is(err, market.ErrNotFound) {
		t.Fatalf("unclassified error %v", err)
	}
}

func FuzzParseFunds(f *testing.F) {
	f.Add(golden.Read(f, "fmarket", "filter.json"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rows, _, err := parseFunds(b)
		fuzzOK(t, err)
		if err == nil {
			if fr := fundsFrame(rows); fr.Len() != len(rows) {
				t.Fatalf("%d rows in, %d out", len(rows), fr.Len())
			}
		}
	})
}

func FuzzParseHoldings(f *testing.F) {
	f.Add(golden.Read(f, "fmarket", "product_23.json"), uint8(0))
	f.Fuzz(func(t *testing.T, b []byte, which uint8) {
		caps := [...]market.Capability{market.CapFundTopHoldings, market.CapFundIndustry, market.CapFundAssets}
		_, err := parseHoldings(b, caps[int(which)%len(caps)], 23, "VESAF")
		fuzzOK(t, err)
	})
}

func FuzzParseNAV(f *testing.F) {
	f.Add(golden.Read(f, "fmarket", "nav_history_23.json"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := parseNAV(b, "VESAF", time.Time{}, time.Time{})
		fuzzOK(t, err)
	})
}
