package rest

import (
	"net/http"

	"github.com/vnstock-api/vnstock-api/market"
)

// frameQuery is a route whose query needs no parameter.
func frameQuery(c market.Capability) func(*request) (market.Query, view, error) {
	return func(*request) (market.Query, view, error) {
		return market.Query{Capability: c}, view{}, nil
	}
}

// symbolQuery is a route whose query is the {symbol} path variable.
func symbolQuery(c market.Capability) func(*request) (market.Query, view, error) {
	return func(r *request) (market.Query, view, error) {
		sym, err := r.symbol()
		return market.Query{Capability: c, Symbol: sym}, view{symbol: sym}, err
	}
}

func exchangeParam() param {
	return enumParam("exchange", inQuery, "Only symbols of this exchange (aliases such as HSX accepted).", "", "HOSE", "HNX", "UPCOM", "DER")
}

// exchange reads the optional ?exchange=.
func (r *request) exchange() (string, error) {
	if !r.query.Has("exchange") {
		return "", nil
	}
	ex, err := market.ParseExchange(r.query.Get("exchange"))
	return string(ex), err
}

func referenceRoutes() []route {
	listCols := []string{"symbol", "organ_name"}
	rs := []route{{
		id: "listEquities", path: "/reference/equities", tag: "Reference", row: rowFrame, columns: listCols,
		summary: "Listed symbols, optionally of one exchange and type", vnstock: "Reference.equity.list / list_by_exchange",
		params: []param{exchangeParam(), enumParam("type", inQuery, "Only symbols of this type.", "", "stock", "etf", "cw", "fund", "bond", "futures")},
		query: func(r *request) (market.Query, view, error) {
			ex, err := r.exchange()
			if err != nil {
				return market.Query{}, view{}, err
			}
			typ, err := r.oneOf("type", false, []string{"stock", "etf", "cw", "fund", "bond", "futures"}, "")
			return market.Query{Capability: market.CapEquities, Exchange: ex, Type: typ}, view{}, err
		},
	}, {
		id: "getGroup", path: "/reference/groups/{group}", tag: "Reference", row: rowFrame, columns: []string{"symbol"},
		summary: "Members of a group or index (VN30, VN100, VNMIDCAP, HNX30, ETF, CW, ...)", vnstock: "Reference.equity.list_by_group, index.members",
		params: []param{{name: "group", in: inPath, required: true, desc: "Group code.", schema: strSchema("^[A-Za-z0-9_]{1,20}$")}},
		query: func(r *request) (market.Query, view, error) {
			g, err := r.code("group", true, 20, "_", true)
			return market.Query{Capability: market.CapGroup, Group: g}, view{noPrice: true}, err
		},
	}, {
		id: "listIndustries", path: "/reference/industries", tag: "Reference", row: rowFrame, columns: []string{"icb_name", "en_icb_name", "icb_code", "level"},
		summary: "ICB industry codes", vnstock: "Reference.industry.list", query: frameQuery(market.CapIndustries),
	}, {
		id: "getIndustryEquities", path: "/reference/industries/{icb_code}/equities", tag: "Reference", row: rowFrame, columns: listCols,
		summary: "Symbols of an ICB industry", vnstock: "Reference.equity.list_by_industry",
		params: []param{{name: "icb_code", in: inPath, required: true, desc: "ICB code, e.g. 8300.", schema: strSchema("^[0-9]{1,8}$")}},
		query: func(r *request) (market.Query, view, error) {
			c, err := r.digits("icb_code", 8)
			return market.Query{Capability: market.CapIndustry, Code: c}, view{}, err
		},
	}, {
		id: "listIndices", path: "/reference/indices", tag: "Reference", row: rowFrame, columns: []string{"symbol", "name", "exchange"},
		summary: "Market indices", vnstock: "Reference.index.list / info", query: frameQuery(market.CapIndices),
	}}
	for _, k := range []struct{ path, typ, name, vnstock string }{
		{"etfs", "etf", "ETFs", "Reference.etf"},
		{"futures", "futures", "Futures contracts", "Reference.futures"},
		{"warrants", "cw", "Covered warrants", "Reference.warrant"},
		{"bonds", "bond", "Listed bonds", "Reference.bond"},
	} {
		rs = append(rs, instrumentRoutes(k.path, k.typ, k.name, k.vnstock)...)
	}
	rs = append(rs, route{
		id: "getMarketStatus", path: "/reference/market/status", tag: "Reference", row: rowSession,
		summary: "Session phase of each exchange now, and the next phase", vnstock: "Reference.market.status",
		params: []param{exchangeParam()}, serve: serveStatus,
	}, route{
		id: "search", path: "/reference/search", tag: "Reference", row: rowFrame, columns: listCols,
		summary: "Search symbols and company names", vnstock: "Reference.search.symbol",
		params: []param{{name: "q", in: inQuery, required: true, desc: "Text to search (1 to 64 characters).", schema: map[string]any{"type": "string", "minLength": 1, "maxLength": 64}}},
		query: func(r *request) (market.Query, view, error) {
			q, err := r.text("q", 64)
			return market.Query{Capability: market.CapSearch, Text: q}, view{}, err
		},
	}, route{
		id: "listFunds", path: "/reference/funds", tag: "Reference", row: rowFrame, columns: []string{"short_name", "name", "fund_type", "nav"},
		summary: "Open-ended funds", vnstock: "Reference.fund.list", query: frameQuery(market.CapFunds),
	})
	return rs
}

// instrumentRoutes are the list and info routes of one instrument type.
func instrumentRoutes(path, typ, name, vnstock string) []route {
	list := func(r *request) (market.Query, view, error) {
		ex, err := r.exchange()
		return market.Query{Capability: market.CapEquities, Type: typ, Exchange: ex}, view{}, err
	}
	return []route{{
		id: "list_" + path, path: "/reference/" + path, tag: "Reference", row: rowFrame, columns: []string{"symbol", "organ_name"},
		summary: name, vnstock: vnstock + ".list", params: []param{exchangeParam()}, query: list,
	}, {
		id: "get_" + path, path: "/reference/" + path + "/{symbol}", tag: "Reference", row: rowFrame, columns: []string{"symbol", "organ_name"},
		summary: name + ": one symbol's listing row", vnstock: vnstock + ".info", params: []param{symbolParam()},
		query: func(r *request) (market.Query, view, error) {
			sym, err := r.symbol()
			return market.Query{Capability: market.CapEquities, Type: typ}, view{symbol: sym, pick: string(sym)}, err
		},
	}}
}

func companyRoutes() []route {
	rs := []route{{
		id: "getCompany", path: "/reference/companies/{symbol}", tag: "Reference", row: rowFrame,
		columns: []string{"symbol", "name", "sector", "profile", "listing_date", "issued_share"},
		summary: "Company overview", vnstock: "Reference.company.info", params: []param{symbolParam()}, query: symbolQuery(market.CapCompany),
	}}
	for _, k := range []struct {
		path string
		c    market.Capability
		cols []string
	}{
		{"shareholders", market.CapShareholders, []string{"symbol", "name", "total_shares", "rate", "date"}},
		{"officers", market.CapOfficers, []string{"symbol", "name", "position", "total_shares", "rate"}},
		{"subsidiaries", market.CapSubsidiaries, []string{"symbol", "name", "rate", "sub_symbol"}},
		{"ownership", market.CapOwnership, []string{"owner_type", "ownership_percentage", "shares_owned", "update_date"}},
		{"insider-trading", market.CapInsiderTrading, []string{"symbol", "name", "position", "transaction_type", "volume", "date"}},
		{"capital-history", market.CapCapitalHistory, []string{"date", "charter_capital", "currency"}},
		{"news", market.CapNews, []string{"id", "news_id", "ticker", "news_title", "news_short_content", "news_source_link", "public_date"}},
		{"events", market.CapEvents, []string{"id", "ticker", "event_code", "event_title_vi", "event_title_en", "public_date", "record_date", "exright_date", "value_per_share"}},
	} {
		rs = append(rs, route{
			id: "getCompany_" + string(k.c), path: "/reference/companies/{symbol}/" + k.path, tag: "Reference", row: rowFrame, columns: k.cols,
			summary: "Company " + k.path, vnstock: "Reference.company." + string(k.c), params: []param{symbolParam()}, query: symbolQuery(k.c),
		})
	}
	return rs
}

// serveStatus answers the session phase of each exchange from the calendar.
func serveStatus(s *Server, w http.ResponseWriter, _ *http.Request, r *request, f format) error {
	exs := market.Exchanges[:]
	if r.query.Has("exchange") {
		ex, err := market.ParseExchange(r.query.Get("exchange"))
		if err != nil {
			return err
		}
		exs = []market.Exchange{ex}
	}
	fr := market.NewFrame("exchange", "phase", "time", "next_phase", "next_at")
	for _, ex := range exs {
		st := s.cal.State(ex, r.now)
		var next, at any
		if st.Next != "" {
			next, at = string(st.Next), st.NextAt
		}
		if err := fr.Append(string(ex), string(st.Phase), st.Time, next, at); err != nil {
			return err
		}
	}
	a := answerOf(market.Result{Source: "calendar", Frame: fr, FetchedAt: r.now})
	return s.render(w, f, a, view{noPrice: true})
}
