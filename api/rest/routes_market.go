package rest

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
)

// The assets of the OHLCV and trades routes.
func ohlcvAssets() []string {
	return []string{market.AssetEquity, market.AssetIndex, market.AssetETF, market.AssetFutures, market.AssetWarrant,
		market.AssetForex, market.AssetCrypto, market.AssetCommodity}
}

func tradeAssets() []string {
	return []string{market.AssetEquity, market.AssetETF, market.AssetFutures, market.AssetWarrant}
}

func intervalNames() []string {
	out := make([]string, len(market.Intervals))
	for i, iv := range market.Intervals {
		out[i] = string(iv)
	}
	return out
}

func priceUnitParam() param {
	return enumParam("price_unit", inQuery, "vnd (default) or thousand: stock, ETF and warrant prices divided by 1,000 as vnstock returns them.", "vnd", "vnd", "thousand")
}

// maxBoardSymbols bounds ?symbols= of the price board.
const maxBoardSymbols = 200

func marketRoutes() []route {
	return []route{{
		id: "getOHLCV", path: "/market/{asset}/{symbol}/ohlcv", tag: "Market", row: rowBar,
		summary: "OHLCV bars; closed trading days are fetched from the upstream once", vnstock: "Market.equity/index/etf/futures/warrant/forex/crypto/commodity.ohlcv",
		params: []param{
			enumParam("asset", inPath, "Asset class.", "", ohlcvAssets()...), symbolParam(),
			dateParam("start", "First day, inclusive (default: a year before end; a week for intraday intervals)."),
			dateParam("end", "Last day, inclusive (default and latest: today)."),
			enumParam("interval", inQuery, "Bar length.", "1D", intervalNames()...),
			enumParam("adjusted", inQuery, "Adjusted prices; only true is stored.", "true", "true"),
			priceUnitParam(),
		},
		query: ohlcvQuery,
	}, {
		id: "getQuotes", path: "/market/quotes", tag: "Market", row: rowQuote,
		summary: "Price board rows of symbols or of a group (give exactly one)", vnstock: "Market.*.quote",
		params: []param{
			{name: "symbols", in: inQuery, desc: "Comma-separated symbols, at most 200.", schema: strSchema("^[A-Za-z0-9]{1,16}(,[A-Za-z0-9]{1,16})*$")},
			{name: "group", in: inQuery, desc: "A group code such as VN30.", schema: strSchema("^[A-Za-z0-9_]{1,20}$")},
		},
		query: quotesQuery,
	}, {
		id: "getTrades", path: "/market/{asset}/{symbol}/trades", tag: "Market", row: rowTrade,
		summary: "Intraday trades of the session, newest first", vnstock: "Market.*.trades (intraday)",
		params: []param{
			enumParam("asset", inPath, "Asset class.", "", tradeAssets()...), symbolParam(),
			{name: "limit", in: inQuery, desc: "Number of trades (1 to 10000).", schema: map[string]any{"type": "integer", "minimum": 1, "maximum": 10000, "default": 100}},
			{name: "before", in: inQuery, desc: "Only trades strictly before this time, to page back through the session: RFC 3339 (2025-03-12T10:00:00+07:00) or a date-time in ICT (2025-03-12T10:00:00).",
				schema: map[string]any{"type": "string", "maxLength": maxInstantLen, "example": "2025-03-12T10:00:00+07:00"}},
			priceUnitParam(),
		},
		query: tradesQuery,
	}, {
		id: "getDepth", path: "/market/equity/{symbol}/depth", tag: "Market", row: rowFrame,
		columns: []string{"price", "volume", "buy_volume", "sell_volume", "undefined_volume"},
		summary: "Volume by price of the session", vnstock: "price depth (volume by price)",
		params: []param{symbolParam()}, query: symbolQuery(market.CapDepth),
	}, {
		id: "getSnapshot", path: "/market/snapshot", tag: "Market", row: rowEvent, snapshot: true,
		summary: "The live hub's last value of each topic, with its seq", vnstock: "(this server)",
		params: []param{{name: "topics", in: inQuery, required: true, desc: "Comma-separated topics, 1 to 1024, e.g. quote:VNM,index:VNINDEX.", schema: map[string]any{"type": "string"}}},
		serve:  serveSnapshot,
	}}
}

func ohlcvQuery(r *request) (market.Query, view, error) {
	asset, err := r.oneOf("asset", true, ohlcvAssets(), "")
	if err != nil {
		return market.Query{}, view{}, err
	}
	sym, err := r.symbol()
	if err != nil {
		return market.Query{}, view{}, err
	}
	start, err := r.date("start")
	if err != nil {
		return market.Query{}, view{}, err
	}
	end, err := r.date("end")
	if err != nil {
		return market.Query{}, view{}, err
	}
	if !start.IsZero() && !end.IsZero() && start.After(end) {
		return market.Query{}, view{}, market.Invalid("start", "%s is after end %s", r.query.Get("start"), r.query.Get("end"))
	}
	iv, err := r.oneOf("interval", false, intervalNames(), string(market.Interval1D))
	if err != nil {
		return market.Query{}, view{}, err
	}
	if r.query.Has("adjusted") && r.query.Get("adjusted") != "true" {
		return market.Query{}, view{}, market.Invalid("adjusted", "%.20q: only adjusted prices (true) are served", r.query.Get("adjusted"))
	}
	div, err := r.priceUnit(asset)
	v := view{kind: rowsBars, symbol: sym, interval: market.Interval(iv), adjusted: true, divisor: div}
	if asset == market.AssetIndex {
		v.priceUnit = "point"
	}
	q := market.Query{Capability: market.CapOHLCV, Symbol: sym, Asset: asset, Interval: market.Interval(iv), Start: start, End: end}
	return q, v, err
}

func quotesQuery(r *request) (market.Query, view, error) {
	q := market.Query{Capability: market.CapBoard}
	v := view{kind: rowsQuotes}
	var err error
	switch hasS, hasG := r.query.Has("symbols"), r.query.Has("group"); {
	case hasS && hasG, !hasS && !hasG:
		err = market.Invalid("symbols", "give either symbols or group")
	case hasS:
		q.Symbols, err = r.symbols("symbols", maxBoardSymbols)
	default:
		q.Group, err = r.code("group", false, 20, "_", true)
	}
	return q, v, err
}

func tradesQuery(r *request) (market.Query, view, error) {
	asset, err := r.oneOf("asset", true, tradeAssets(), "")
	if err != nil {
		return market.Query{}, view{}, err
	}
	sym, err := r.symbol()
	if err != nil {
		return market.Query{}, view{}, err
	}
	limit, err := r.limit("limit", 100, 10000)
	if err != nil {
		return market.Query{}, view{}, err
	}
	before, err := r.instant("before")
	if err != nil {
		return market.Query{}, view{}, err
	}
	div, err := r.priceUnit(asset)
	q := market.Query{Capability: market.CapTrades, Symbol: sym, Asset: asset, Limit: limit, Before: before}
	return q, view{kind: rowsTrades, symbol: sym, divisor: div}, err
}

// maxTopics bounds ?topics= of the snapshot.
const maxTopics = 1024

// serveSnapshot answers the hub's last values of the topics.
func serveSnapshot(s *Server, w http.ResponseWriter, hr *http.Request, r *request, f format) error {
	var topics []string
	for t := range strings.SplitSeq(r.query.Get("topics"), ",") {
		if t = strings.TrimSpace(t); t != "" {
			topics = append(topics, t)
		}
	}
	if len(topics) == 0 || len(topics) > maxTopics {
		return market.Invalid("topics", "give 1 to %d topics, e.g. ?topics=quote:VNM,index:VNINDEX", maxTopics)
	}
	evs, errs := s.snap.Snapshot(hr.Context(), topics)
	for _, t := range topics {
		if err := errs[t]; err != nil {
			return market.Invalid("topics", "%s: %v", t, err)
		}
	}
	fr := market.NewFrame("topic", "seq", "ts", "data")
	for _, ev := range evs {
		data := json.RawMessage(ev.Data)
		if !json.Valid(data) {
			data = json.RawMessage("null")
		}
		if err := fr.Append(ev.Topic, int64(ev.Seq), ev.TS, data); err != nil {
			return err
		}
	}
	return s.render(w, f, answerOf(market.Result{Source: "hub", Frame: fr, FetchedAt: r.now}), view{noPrice: true})
}

func answerOf(r market.Result) storage.Answer { return storage.Answer{Result: r} }

func fundRoutes() []route {
	var rs []route
	for _, k := range []struct {
		path string
		c    market.Capability
		cols []string
	}{
		{"nav", market.CapFundNAV, []string{"date", "nav_per_unit"}},
		{"top-holdings", market.CapFundTopHoldings, []string{"stock_code", "industry", "net_asset_percent", "type_asset", "update_at"}},
		{"industry-holdings", market.CapFundIndustry, []string{"industry", "net_asset_percent"}},
		{"asset-holdings", market.CapFundAssets, []string{"asset_percent", "asset_type"}},
	} {
		c := k.c
		rs = append(rs, route{
			id: "getFund_" + string(c), path: "/market/funds/{code}/" + k.path, tag: "Market", row: rowFrame, columns: k.cols,
			summary: "Fund " + k.path, vnstock: "Market.fund." + strings.TrimPrefix(string(c), "fund_"),
			params: []param{{name: "code", in: inPath, required: true, desc: "Fund short name, e.g. VESAF.", schema: strSchema("^[A-Za-z0-9_.-]{1,32}$")}},
			query: func(r *request) (market.Query, view, error) {
				code, err := r.code("code", true, 32, "_.-", true)
				return market.Query{Capability: c, Code: code}, view{}, err
			},
		})
	}
	return rs
}

func fundamentalRoutes() []route {
	var rs []route
	for _, k := range []struct {
		path string
		c    market.Capability
	}{
		{"balance-sheet", market.CapBalanceSheet},
		{"income-statement", market.CapIncomeStatement},
		{"cash-flow", market.CapCashFlow},
		{"ratios", market.CapRatios},
	} {
		c := k.c
		rs = append(rs, route{
			id: "get_" + string(c), path: "/fundamental/equity/{symbol}/" + k.path, tag: "Fundamental", row: rowFrame,
			columns: []string{"item", "item_id", "2025", "2024", "2023", "2022"},
			summary: "Financial statement: " + k.path + " (items as rows, periods as columns)", vnstock: "Fundamental.equity." + string(c),
			params: append([]param{symbolParam()}, periodParams()...),
			query: func(r *request) (market.Query, view, error) {
				sym, err := r.symbol()
				if err != nil {
					return market.Query{}, view{}, err
				}
				period, err := r.oneOf("period", false, []string{"year", "quarter"}, "year")
				if err != nil {
					return market.Query{}, view{}, err
				}
				lang, err := r.oneOf("lang", false, []string{"vi", "en"}, "vi")
				return market.Query{Capability: c, Symbol: sym, Period: period, Lang: lang}, view{symbol: sym}, err
			},
		})
	}
	return rs
}

func retailRoutes() []route {
	return []route{{
		id: "getGold", path: "/retail/gold", tag: "Retail", row: rowFrame, columns: []string{"name", "branch", "buy_price", "sell_price", "date"},
		summary: "Gold prices", vnstock: "Retail.gold",
		params: []param{enumParam("source", inQuery, "Gold dealer.", "sjc", "sjc", "btmc"), dateParam("date", "Day of the prices (default today).")},
		query: func(r *request) (market.Query, view, error) {
			src, err := r.oneOf("source", false, []string{"sjc", "btmc"}, "sjc")
			if err != nil {
				return market.Query{}, view{}, err
			}
			d, err := r.date("date")
			return market.Query{Capability: market.CapGold, Provider: src, Date: d}, view{}, err
		},
	}, {
		id: "getExchangeRates", path: "/retail/exchange-rates", tag: "Retail", row: rowFrame,
		columns: []string{"currency_code", "currency_name", "buy_cash", "buy_transfer", "sell", "date"},
		summary: "Vietcombank exchange rates against VND", vnstock: "Retail.exchange_rate",
		params: []param{dateParam("date", "Day of the rates (default today).")},
		query: func(r *request) (market.Query, view, error) {
			d, err := r.date("date")
			return market.Query{Capability: market.CapExchangeRates, Date: d}, view{}, err
		},
	}}
}
