package market

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Capability names one vnstock capability that a Source may answer. The
// names are stable: they appear in metrics, logs, cache keys and the
// `fetch` subcommand.
type Capability string

// The capabilities of upstream.md's table.
const (
	CapEquities        Capability = "equities"         // Query.Exchange, Query.Type
	CapGroup           Capability = "group"            // Query.Group
	CapIndustries      Capability = "industries"       // ICB code list
	CapIndustry        Capability = "industry"         // Query.Code: members of an ICB industry
	CapIndices         Capability = "indices"          // index list
	CapSearch          Capability = "search"           // Query.Text
	CapOHLCV           Capability = "ohlcv"            // Symbol, Asset, Interval, Start, End
	CapTrades          Capability = "trades"           // Symbol, Limit, Before
	CapDepth           Capability = "depth"            // Symbol
	CapBoard           Capability = "board"            // Symbols
	CapCompany         Capability = "company"          // Symbol: overview/profile
	CapShareholders    Capability = "shareholders"     // Symbol
	CapOfficers        Capability = "officers"         // Symbol
	CapSubsidiaries    Capability = "subsidiaries"     // Symbol
	CapOwnership       Capability = "ownership"        // Symbol
	CapInsiderTrading  Capability = "insider_trading"  // Symbol
	CapCapitalHistory  Capability = "capital_history"  // Symbol
	CapNews            Capability = "news"             // Symbol
	CapEvents          Capability = "events"           // Symbol
	CapBalanceSheet    Capability = "balance_sheet"    // Symbol, Period, Lang
	CapIncomeStatement Capability = "income_statement" // Symbol, Period, Lang
	CapCashFlow        Capability = "cash_flow"        // Symbol, Period, Lang
	CapRatios          Capability = "ratios"           // Symbol, Period, Lang
	CapFunds           Capability = "funds"            // fund list
	CapFundNAV         Capability = "fund_nav"         // Code
	CapFundTopHoldings Capability = "fund_top_holdings"
	CapFundIndustry    Capability = "fund_industry_holdings"
	CapFundAssets      Capability = "fund_asset_holdings"
	CapGold            Capability = "gold"           // Query.Provider ("sjc"|"btmc"), Date
	CapExchangeRates   Capability = "exchange_rates" // Date
)

// Asset classes of OHLCV and trades.
const (
	AssetEquity    = "equity"
	AssetIndex     = "index"
	AssetETF       = "etf"
	AssetFutures   = "futures"
	AssetWarrant   = "warrant"
	AssetForex     = "forex"
	AssetCrypto    = "crypto"
	AssetCommodity = "commodity"
)

// Query is one request for a capability (the query half of the API asks the
// read-through store, which asks the upstream sources, with the same Query). Only the fields its capability
// names are set; Key gives the normalised identity used for caching and
// singleflight.
type Query struct {
	Capability Capability
	Symbol     Symbol    // one symbol (ohlcv, trades, company, ...)
	Symbols    []Symbol  // board
	Asset      string    // Asset* constant for ohlcv/trades
	Exchange   string    // equities filter: HOSE|HNX|UPCOM ("" = all)
	Type       string    // equities filter: stock|etf|cw|fund|bond|futures ("" = all)
	Group      string    // VN30, VN100, HNX30, ETF, CW, ...
	Code       string    // ICB code, fund code
	Text       string    // search text
	Interval   Interval  // ohlcv
	Start, End time.Time // ohlcv range in ICT, inclusive days
	Period     string    // "year" | "quarter"
	Lang       string    // "vi" | "en"
	Limit      int       // trades
	Before     time.Time // trades: only those strictly before (zero = the newest)
	Provider   string    // gold: "sjc" | "btmc"
	Date       time.Time // gold / exchange rates (zero = today)
}

// Result is what a Source answers. Exactly one of the data fields is set,
// by capability: Bars (ohlcv), Trades (trades), Quotes (board), Frame
// (everything else, with vnstock's column names).
type Result struct {
	Source    string // provenance: the source that answered ("kbs", "vci", ...)
	PriceUnit string // "vnd" for every result this module produces
	Bars      []Bar
	Trades    []Trade
	Quotes    []Quote
	Frame     *Frame
	FetchedAt time.Time
}

// Key is the query's normalised identity: equal queries have equal keys.
// It is the cache key, the singleflight key and the document key in storage.
func (q Query) Key() string {
	b := make([]byte, 0, 96)
	b = append(b, q.Capability...)
	add := func(name, v string) {
		if v != "" {
			b = append(b, '|')
			b = append(b, name...)
			b = append(b, '=')
			b = append(b, v...)
		}
	}
	add("sym", string(q.Symbol))
	if len(q.Symbols) > 0 {
		s := make([]string, len(q.Symbols))
		for i, v := range q.Symbols {
			s[i] = string(v)
		}
		slices.Sort(s)
		add("syms", strings.Join(slices.Compact(s), ","))
	}
	add("asset", q.Asset)
	add("ex", q.Exchange)
	add("type", q.Type)
	add("group", q.Group)
	add("code", q.Code)
	add("q", q.Text)
	add("iv", string(q.Interval))
	add("start", queryDay(q.Start))
	add("end", queryDay(q.End))
	add("period", q.Period)
	add("lang", q.Lang)
	if q.Limit > 0 {
		add("limit", strconv.Itoa(q.Limit))
	}
	if !q.Before.IsZero() {
		add("before", q.Before.In(ICT).Format(time.RFC3339Nano))
	}
	add("provider", q.Provider)
	add("date", queryDay(q.Date))
	return string(b)
}

// Day returns the ICT day q asks for: q.Date's, or now's when Date is zero
// (gold and exchange rates default to today).
func (q Query) Day(now time.Time) time.Time {
	if q.Date.IsZero() {
		return Date(now)
	}
	return Date(q.Date)
}

func queryDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(ICT).Format(time.DateOnly)
}
