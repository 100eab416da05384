package vci

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/vnstock-api/vnstock-api/feeds/internal/golden"
	"github.com/vnstock-api/vnstock-api/market"
)

// TestBoardMatchesVnstock compares the board of VCI, TCB and VCB on
// 2025-03-21 with vnstock 3.2's price-board output. Checked by hand for
// VCI: ref 39,200, last 39,100 (change -100, -0.26 %), accumulatedValue
// 503,682.485 million VND = 503,682,485,000 VND ≈ 12,817,200 shares ×
// 39,297.35 average; HSX is HOSE.
func TestBoardMatchesVnstock(t *testing.T) {
	t.Parallel()
	f := newFixture(t, captureDay, "")
	quotes := f.fetch(t, market.Query{Capability: market.CapBoard, Symbols: []market.Symbol{"VCI", "TCB", "VCB"}}).Quotes
	var want []map[string]any
	if err := json.Unmarshal(golden.Read(t, "vci", "expected/trading_vci_price_board__output_VCI.json"), &want); err != nil {
		t.Fatal(err)
	}
	if len(quotes) != 3 {
		t.Fatalf("%d quotes", len(quotes))
	}
	for i, w := range want {
		q := quotes[i]
		n := func(k string) int64 { return int64(w[k].(float64)) }
		checks := []struct {
			name      string
			got, want int64
		}{
			{"ceiling", q.Ceiling, n("listing_ceiling")}, {"floor", q.Floor, n("listing_floor")},
			{"ref", q.Ref, n("listing_ref_price")}, {"last", q.Last, n("match_match_price")},
			{"last volume", q.LastVolume, n("match_match_vol")}, {"volume", q.TotalVolume, n("match_accumulated_volume")},
			{"high", q.High, n("match_highest")}, {"low", q.Low, n("match_lowest")},
			{"avg", q.Avg, int64(w["match_avg_match_price"].(float64) + 0.5)},
			{"value", q.TotalValue, int64(w["match_total_accumulated_value"].(float64)*1e6 + 0.5)},
			{"foreign buy", q.ForeignBuy, n("match_foreign_buy_volume")}, {"foreign sell", q.ForeignSell, n("match_foreign_sell_volume")},
			{"room", q.ForeignRoom, n("match_current_room")}, {"change", q.Change, n("match_match_price") - n("listing_ref_price")},
			{"bid 1", q.Bids[0].Price, n("bid_ask_bid_1_price")}, {"bid 3 vol", q.Bids[2].Volume, n("bid_ask_bid_3_volume")},
			{"ask 1", q.Asks[0].Price, n("bid_ask_ask_1_price")}, {"ask 2 vol", q.Asks[1].Volume, n("bid_ask_ask_2_volume")},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s %s = %d, want %d", q.Symbol, c.name, c.got, c.want)
			}
		}
		if string(q.Symbol) != w["listing_symbol"] || q.Exchange != market.HOSE || q.Time.IsZero() || q.Source != "vci" {
			t.Errorf("quote %+v", q)
		}
	}
	if quotes[0].ChangePct != -0.26 || quotes[0].TotalValue != 503682485000 {
		t.Errorf("VCI change %% %v, value %d", quotes[0].ChangePct, quotes[0].TotalValue)
	}
	// vnstock 4's quote columns (Market().quote snapshot) are all present.
	var snap struct{ Columns []string }
	if err := json.Unmarshal(golden.Read(t, "vci", "expected/Market_quote_SSI.json"), &snap); err != nil {
		t.Fatal(err)
	}
	var keys map[string]any
	if err := json.Unmarshal(quotes[0].AppendJSON(nil), &keys); err != nil {
		t.Fatal(err)
	}
	for _, c := range snap.Columns {
		if _, ok := keys[c]; !ok {
			t.Errorf("quote JSON lacks vnstock column %s", c)
		}
	}
}

// TestBoardSynthetic checks catalogue-built rows and the refusals.
func TestBoardSynthetic(t *testing.T) {
	t.Parallel()
	f := newFixture(t, captureDay, "")
	quotes := f.fetch(t, market.Query{Capability: market.CapBoard, Symbols: []market.Symbol{"ACB", "SHS", "XYZ"}}).Quotes
	if len(quotes) != 3 || quotes[1].Exchange != market.HNX {
		t.Fatalf("quotes %+v", quotes)
	}
	for _, q := range quotes {
		if !(q.Floor < q.Ref && q.Ref < q.Ceiling && q.Floor <= q.Last && q.Last <= q.Ceiling) ||
			len(q.Bids) != 3 || q.Bids[0].Price >= q.Asks[0].Price || q.TotalValue <= 0 {
			t.Errorf("quote %+v", q)
		}
	}
	for _, syms := range [][]market.Symbol{{"VCI", "VN30F1M"}, {"VNINDEX"}} {
		_, err := f.src.Fetch(context.Background(), market.Query{Capability: market.CapBoard, Symbols: syms})
		if !errors.Is(err, market.ErrUnsupported) {
			t.Errorf("board %v: %v, want ErrUnsupported", syms, err)
		}
	}
}

// TestListing checks getAll, search, getByGroup, icb-codes and search-bar.
func TestListing(t *testing.T) {
	t.Parallel()
	f := newFixture(t, captureDay, "")
	all := f.fetch(t, market.Query{Capability: market.CapEquities}).Frame
	if !slices.Equal(all.Columns, []string{"symbol", "exchange", "type", "organ_name", "organ_short_name"}) {
		t.Errorf("equities columns %v", all.Columns)
	}
	if all.Value(0, "exchange") != "HOSE" {
		t.Errorf("HSX not normalised: %v", all.Rows[0])
	}
	hnx := f.fetch(t, market.Query{Capability: market.CapEquities, Exchange: "HNX", Type: "stock"}).Frame
	if hnx.Len() != 3 || hnx.Value(0, "symbol") != "SHS" {
		t.Errorf("HNX stocks %v", hnx.Rows)
	}
	etf := f.fetch(t, market.Query{Capability: market.CapEquities, Type: "etf", Lang: "en"}).Frame
	if etf.Len() != 2 || etf.Value(0, "organ_name") != "DCVFMVN30 ETF Fund" || etf.Col("en_organ_name") >= 0 {
		t.Errorf("ETFs in English %v %v", etf.Columns, etf.Rows)
	}
	banks := f.fetch(t, market.Query{Capability: market.CapSearch, Text: "ngân hàng"}).Frame
	if banks.Len() != 6 || !slices.Equal(banks.Columns, []string{"symbol", "organ_name"}) {
		t.Errorf("search: %v", banks.Rows)
	}
	vn30 := f.fetch(t, market.Query{Capability: market.CapGroup, Group: "VN30"}).Frame
	if vn30.Len() != 15 || vn30.Columns[0] != "symbol" {
		t.Errorf("VN30: %v", vn30.Rows)
	}
	if _, err := f.src.Fetch(context.Background(), market.Query{Capability: market.CapGroup, Group: "NOPE"}); !errors.Is(err, market.ErrUnsupported) {
		t.Errorf("unknown group: %v", err)
	}
	icb := f.fetch(t, market.Query{Capability: market.CapIndustries}).Frame
	if !slices.Equal(icb.Columns, []string{"icb_name", "en_icb_name", "icb_code", "level"}) ||
		icb.Value(0, "icb_code") != "0001" || icb.Value(0, "level") != int64(1) {
		t.Errorf("icb codes %v %v", icb.Columns, icb.Rows[0])
	}
	ind := f.fetch(t, market.Query{Capability: market.CapIndustry, Code: "8355"}).Frame
	if ind.Len() != 6 || ind.Value(0, "icb_level") != int64(4) || ind.Value(0, "com_type_code") != "NH" {
		t.Errorf("industry 8355 %v", ind.Rows)
	}
	every := f.fetch(t, market.Query{Capability: market.CapIndustry}).Frame
	if every.Len() != 20*4 || every.Value(0, "symbol") != "ACB" || every.Value(3, "icb_level") != int64(4) {
		t.Errorf("search-bar rows %d, first %v", every.Len(), every.Rows[0])
	}
}

// TestUnsupported checks the capabilities VCI lacks.
func TestUnsupported(t *testing.T) {
	t.Parallel()
	f := newFixture(t, captureDay, "")
	for _, c := range []market.Capability{market.CapIndices, market.CapInsiderTrading, market.CapCapitalHistory,
		market.CapFunds, market.CapFundNAV, market.CapGold, market.CapExchangeRates} {
		_, err := f.src.Fetch(context.Background(), market.Query{Capability: c, Symbol: "VCI"})
		if !errors.Is(err, market.ErrUnsupported) {
			t.Errorf("%s: %v, want ErrUnsupported", c, err)
		}
	}
	if n := f.fake.Count("vci", "") + f.fake.Count("vciiq", ""); n != 0 {
		t.Errorf("%d upstream requests for unsupported capabilities", n)
	}
}
