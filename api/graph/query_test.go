package graph

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vnstock-api/vnstock-api/market"
)

const metaSel = `meta { source priceUnit cached stale fetchedAt }`

// Every Query field against the fake service: the answer (golden file) and
// the Service calls it made (exactly one per resolved field, none for
// marketStatus and snapshot, which read the calendar and the hub).
func TestQueryFields(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.ParseInLocation(time.DateOnly, s, market.ICT); return d }
	tests := []struct {
		name  string
		query string
		calls []market.Query
	}{
		{"equities", `{ equities(exchange: HOSE, type: STOCK) { columns count records ` + metaSel + ` } }`,
			[]market.Query{{Capability: market.CapEquities, Exchange: "HOSE", Type: "stock"}}},
		{"equities_all", `{ equities { count } }`, []market.Query{{Capability: market.CapEquities}}},
		{"group", `{ group(code: "vn30") { code table { columns count } members { symbol record } } }`,
			[]market.Query{{Capability: market.CapGroup, Group: "VN30"}}},
		{"industries", `{ industries { columns records ` + metaSel + ` } }`, []market.Query{{Capability: market.CapIndustries}}},
		{"industry", `{ industry(code: "3577") { records } }`, []market.Query{{Capability: market.CapIndustry, Code: "3577"}}},
		{"indices", `{ indices { records } }`, []market.Query{{Capability: market.CapIndices}}},
		{"etfs", `{ etfs { records } }`, []market.Query{{Capability: market.CapEquities, Type: "etf"}}},
		{"futures", `{ futures { records } }`, []market.Query{{Capability: market.CapEquities, Type: "futures"}}},
		{"warrants", `{ warrants { records } }`, []market.Query{{Capability: market.CapEquities, Type: "cw"}}},
		{"bonds", `{ bonds { records } }`, []market.Query{{Capability: market.CapEquities, Type: "bond"}}},
		{"company", `{ company(symbol: "ssi") { symbol info { columns records } shareholders { records }
			officers { records } subsidiaries { records } ownership { records } insiderTrading { records }
			capitalHistory { records } news { columns count } events { columns count } } }`,
			companyCalls("SSI")},
		{"company_one_doc", `{ company(symbol: "SSI") { shareholders { count } } }`,
			[]market.Query{{Capability: market.CapShareholders, Symbol: "SSI"}}},
		{"marketStatus", `{ marketStatus { exchange phase time nextPhase nextAt seq ts } }`, nil},
		{"search", `{ search(q: " vnm ") { records } }`, []market.Query{{Capability: market.CapSearch, Text: "vnm"}}},
		{"ohlcv", `{ ohlcv(symbol: "VNM", start: "2025-03-17", end: "2025-03-21") { symbol asset interval
			bars { time symbol interval open high low close volume closed source seq ts } ` + metaSel + ` } }`,
			[]market.Query{{Capability: market.CapOHLCV, Symbol: "VNM", Asset: "equity", Interval: "1D", Start: day("2025-03-17"), End: day("2025-03-21")}}},
		{"ohlcv_index_1h", `{ ohlcv(symbol: "VNM", asset: INDEX, interval: "1H", start: "2025-03-21") { asset interval bars { time } } }`,
			[]market.Query{{Capability: market.CapOHLCV, Symbol: "VNM", Asset: "index", Interval: "1H", Start: day("2025-03-21")}}},
		{"quotes", `{ quotes(symbols: ["VNM"]) { quotes { symbol exchange time session ceilingPrice floorPrice
			referencePrice openPrice highPrice lowPrice closePrice closeVolume averagePrice volumeAccumulated
			totalValue priceChange percentChange bid { price volume } ask { price volume } foreignBuyVolume
			foreignSellVolume foreignRoom source price change volume seq ts } ` + metaSel + ` } }`,
			[]market.Query{{Capability: market.CapBoard, Symbols: []market.Symbol{"VNM"}}}},
		{"quotes_group", `{ quotes(group: "VN30", symbols: ["SHS"]) { quotes { symbol price } } }`,
			[]market.Query{{Capability: market.CapBoard, Symbols: append([]market.Symbol{"SHS"}, market.VN30...)}}},
		{"trades", `{ trades(symbol: "VNM", limit: 5) { symbol trades { symbol time price volume side
			volumeAccumulated id source seq ts } ` + metaSel + ` } }`,
			[]market.Query{{Capability: market.CapTrades, Symbol: "VNM", Asset: "equity", Limit: 5}}},
		{"trades_before", `{ trades(symbol: "VNM", limit: 3, before: "2025-03-21T14:29:00+07:00") { trades { time price } } }`,
			[]market.Query{{Capability: market.CapTrades, Symbol: "VNM", Asset: "equity", Limit: 3,
				Before: time.Date(2025, 3, 21, 14, 29, 0, 0, market.ICT)}}},
		{"depth", `{ depth(symbol: "VCI") { columns count records } }`, []market.Query{{Capability: market.CapDepth, Symbol: "VCI"}}},
		{"funds", `{ funds { records } }`, []market.Query{{Capability: market.CapFunds}}},
		{"fund", `{ fund(code: "VESAF") { code nav { records } topHoldings { records } industryHoldings { records } assetHoldings { records } } }`,
			[]market.Query{{Capability: market.CapFundNAV, Code: "VESAF"}, {Capability: market.CapFundTopHoldings, Code: "VESAF"},
				{Capability: market.CapFundIndustry, Code: "VESAF"}, {Capability: market.CapFundAssets, Code: "VESAF"}}},
		{"financials", `{ financials(symbol: "FPT", statement: INCOME_STATEMENT, period: QUARTER, lang: EN) { columns records } }`,
			[]market.Query{{Capability: market.CapIncomeStatement, Symbol: "FPT", Period: "quarter", Lang: "en"}}},
		{"financials_defaults", `{ financials(symbol: "FPT", statement: RATIOS) { count } }`,
			[]market.Query{{Capability: market.CapRatios, Symbol: "FPT", Period: "year", Lang: "vi"}}},
		{"gold", `{ gold(source: BTMC, date: "2025-03-21") { records } }`,
			[]market.Query{{Capability: market.CapGold, Provider: "btmc", Date: day("2025-03-21")}}},
		{"exchangeRates", `{ exchangeRates(date: "2025-03-21") { records } }`,
			[]market.Query{{Capability: market.CapExchangeRates, Date: day("2025-03-21")}}},
		{"snapshot", `{ snapshot(topics: ["quote:VNM", "index:VNINDEX", "quote:FPT"]) { topic kind seq ts data } }`, nil},
	}
	e := newEnv(t)
	publish(t, e, "quote:VNM", `{"symbol":"VNM","close_price":68200}`, 1742543100000)
	publish(t, e, "index:VNINDEX", `{"code":"VNINDEX","value":1318.6}`, 1742543100500)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(e.svc.Calls())
			r := e.post(tt.query, nil)
			golden(t, "query_"+tt.name, r.mustData(t))
			if d := cmp.Diff(keys(tt.calls), keys(e.svc.Calls()[before:])); d != "" {
				t.Errorf("service calls (-want +got):\n%s", d)
			}
		})
	}
}

func companyCalls(sym market.Symbol) []market.Query {
	var qs []market.Query
	for _, c := range []market.Capability{market.CapCompany, market.CapShareholders, market.CapOfficers,
		market.CapSubsidiaries, market.CapOwnership, market.CapInsiderTrading, market.CapCapitalHistory,
		market.CapNews, market.CapEvents} {
		qs = append(qs, market.Query{Capability: c, Symbol: sym})
	}
	return qs
}

// keys returns the sorted cache keys of qs (resolvers run concurrently, so
// order is not part of the contract).
func keys(qs []market.Query) []string {
	out := make([]string, 0, len(qs))
	for _, q := range qs {
		out = append(out, q.Key())
	}
	slices.Sort(out)
	return out
}

func publish(t testing.TB, e *env, topic, data string, ts int64) uint64 {
	t.Helper()
	seq, err := e.hub.Publish(context.Background(), topic, []byte(data), ts)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return e.hub.Head() >= seq })
	return seq
}

func waitFor(t testing.TB, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(time.Millisecond)
	}
}
