package kbs

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/vnstock-api/vnstock-api/feeds/internal/golden"
	"github.com/vnstock-api/vnstock-api/market"
)

// schemaColumns reads the column list of a vnstock v4 schema snapshot
// (testdata/kbs/schema: copies of shared/upstream/expected/
// vnstock_v4_schema_snapshot, whose samples contain pandas' NaN token).
func schemaColumns(t *testing.T, name string) []string {
	t.Helper()
	b := golden.Read(t, "kbs", filepath.Join("schema", name))
	var snap struct{ Columns []string }
	if err := json.Unmarshal(bytes.ReplaceAll(b, []byte("NaN"), []byte("null")), &snap); err != nil {
		t.Fatal(err)
	}
	return snap.Columns
}

// periodColumn is a financial statement's period column: 2024, 2024-Q1, 2025-Q4_1.
var periodColumn = regexp.MustCompile(`^[0-9]{4}(-Q[1-4])?(_[0-9]+)?$`)

// TestFrameColumnsMatchSchema compares every Frame that has a vnstock v4
// schema snapshot with it: the snapshot's columns come first, in order
// (KBS-only columns may follow); statements match item, item_id and
// period-labelled columns.
func TestFrameColumnsMatchSchema(t *testing.T) {
	t.Parallel()
	src, _ := newFakeSource(t)
	tests := []struct {
		schema string
		q      market.Query
	}{
		{"Reference_equity_list.json", market.Query{Capability: market.CapEquities}},
		{"Reference_company_DATA_info.json", market.Query{Capability: market.CapCompany, Symbol: "FPT"}},
		{"Reference_company_DATA_shareholders.json", market.Query{Capability: market.CapShareholders, Symbol: "FPT"}},
		{"Reference_company_DATA_officers.json", market.Query{Capability: market.CapOfficers, Symbol: "FPT"}},
		{"Reference_company_DATA_subsidiaries.json", market.Query{Capability: market.CapSubsidiaries, Symbol: "FPT"}},
		{"Reference_company_DATA_ownership.json", market.Query{Capability: market.CapOwnership, Symbol: "FPT"}},
		{"Reference_company_DATA_capital_history.json", market.Query{Capability: market.CapCapitalHistory, Symbol: "FPT"}},
		{"Reference_company_DATA_news.json", market.Query{Capability: market.CapNews, Symbol: "VNM"}},
		{"Reference_company_DATA_events.json", market.Query{Capability: market.CapEvents, Symbol: "FPT"}},
		{"Fundamental_equity_FPT_balance_sheet.json", market.Query{Capability: market.CapBalanceSheet, Symbol: "FPT"}},
		{"Fundamental_equity_VCB_balance_sheet.json", market.Query{Capability: market.CapBalanceSheet, Symbol: "VCB"}},
		{"Fundamental_equity_FPT_income_statement.json", market.Query{Capability: market.CapIncomeStatement, Symbol: "FPT"}},
		{"Fundamental_equity_FPT_cash_flow.json", market.Query{Capability: market.CapCashFlow, Symbol: "FPT"}},
		{"Fundamental_equity_FPT_ratio.json", market.Query{Capability: market.CapRatios, Symbol: "FPT", Period: "quarter"}},
	}
	for _, tc := range tests {
		t.Run(tc.schema, func(t *testing.T) {
			t.Parallel()
			want := schemaColumns(t, tc.schema)
			res, err := src.Fetch(context.Background(), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			got := res.Frame.Columns
			if want[0] == "item" {
				for i, c := range want {
					if i < 2 && got[i] != c || i >= 2 && !periodColumn.MatchString(c) {
						t.Fatalf("snapshot column %q does not fit the statement shape", c)
					}
				}
				if len(got) != len(want) || !slices.Equal(got[:2], want[:2]) {
					t.Fatalf("columns %v, want item, item_id and %d periods like %v", got, len(want)-2, want)
				}
				for _, c := range got[2:] {
					if !periodColumn.MatchString(c) {
						t.Errorf("period column %q, want YYYY or YYYY-Qn", c)
					}
				}
				return
			}
			if len(got) < len(want) || !slices.Equal(got[:len(want)], want) {
				t.Errorf("columns\n %v\nwant the snapshot's first\n %v", got, want)
			}
		})
	}
}

// TestTypedSchema checks that the JSON of quotes and bars carries every
// column of the snapshots Market().quote() and ohlcv().
func TestTypedSchema(t *testing.T) {
	t.Parallel()
	src, _ := newFakeSource(t)
	ctx := context.Background()
	board, err := src.Fetch(ctx, market.Query{Capability: market.CapBoard, Symbols: []market.Symbol{"SSI"}})
	if err != nil {
		t.Fatal(err)
	}
	bars, err := src.Fetch(ctx, market.Query{Capability: market.CapOHLCV, Symbol: "SSI", Start: day(2026, 6, 1), End: day(2026, 6, 2)})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		schema string
		json   []byte
	}{
		{"Market_quote_SSI.json", board.Quotes[0].AppendJSON(nil)},
		{"Market_equity_SSI_ohlcv.json", bars.Bars[0].AppendJSON(nil)},
		{"Market_index_VN30_ohlcv.json", bars.Bars[0].AppendJSON(nil)},
	} {
		var obj map[string]any
		if err := json.Unmarshal(tc.json, &obj); err != nil {
			t.Fatal(err)
		}
		for _, c := range schemaColumns(t, tc.schema) {
			if _, ok := obj[c]; !ok {
				t.Errorf("%s: column %q missing from %s", tc.schema, c, tc.json)
			}
		}
	}
}
