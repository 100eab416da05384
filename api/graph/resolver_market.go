package graph

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/vnstock-api/vnstock-api/api/graph/model"
	"github.com/vnstock-api/vnstock-api/hub"
	"github.com/vnstock-api/vnstock-api/market"
)

// maxSymbols bounds the symbols of one quotes query; maxTrades the trades
// of one trades query.
const (
	maxSymbols = 1024
	maxTrades  = 10_000
)

func assetOf(a *model.Asset) model.Asset {
	if a == nil {
		return model.AssetEquity
	}
	return *a
}

func (r queryResolver) Ohlcv(ctx context.Context, symbol string, asset *model.Asset, start, end *time.Time, interval *string) (*model.BarSeries, error) {
	sym, err := parseSymbol("symbol", symbol)
	if err != nil {
		return nil, err
	}
	iv := market.Interval1D
	if interval != nil {
		if iv, err = market.ParseInterval(*interval); err != nil {
			return nil, err
		}
	}
	q := market.Query{Capability: market.CapOHLCV, Symbol: sym, Asset: strings.ToLower(string(assetOf(asset))), Interval: iv}
	if start != nil {
		q.Start = *start
	}
	if end != nil {
		q.End = *end
	}
	if start != nil && end != nil && end.Before(*start) {
		return nil, market.Invalid("end", "%s is before start %s", end.Format(time.DateOnly), start.Format(time.DateOnly))
	}
	a, err := r.h.cfg.Service.Get(ctx, q)
	if err != nil {
		return nil, err
	}
	out := &model.BarSeries{Symbol: string(sym), Asset: assetOf(asset), Interval: string(iv), Meta: metaOf(a), Bars: make([]*model.Bar, len(a.Bars))}
	for i := range a.Bars {
		b := model.BarFrom(&a.Bars[i], model.Live{})
		if b.Symbol == "" {
			b.Symbol = string(sym)
		}
		if b.Interval == "" {
			b.Interval = string(iv)
		}
		out.Bars[i] = b
	}
	return out, nil
}

func (r queryResolver) Quotes(ctx context.Context, symbols []string, group *string) (*model.QuoteBoard, error) {
	syms, unknownGroup, err := r.h.boardSymbols(symbols, group)
	if err != nil {
		return nil, err
	}
	// A group the directory does not know goes to the Service as is.
	q := market.Query{Capability: market.CapBoard, Symbols: syms, Group: unknownGroup}
	a, err := r.h.cfg.Service.Get(ctx, q)
	if err != nil {
		return nil, err
	}
	out := &model.QuoteBoard{Meta: metaOf(a), Quotes: make([]*model.Quote, len(a.Quotes))}
	for i := range a.Quotes {
		out.Quotes[i] = model.QuoteFrom(&a.Quotes[i], model.Live{})
	}
	return out, nil
}

// boardSymbols validates the symbols and adds the group's members when the
// directory knows the group; otherwise it returns the group's name.
func (h *Handler) boardSymbols(symbols []string, group *string) ([]market.Symbol, string, error) {
	if len(symbols) == 0 && group == nil {
		return nil, "", market.Invalid("symbols", "give symbols, a group, or both")
	}
	if len(symbols) > maxSymbols {
		return nil, "", market.Invalid("symbols", "at most %d symbols, not %d", maxSymbols, len(symbols))
	}
	var syms []market.Symbol
	for _, s := range symbols {
		sym, err := parseSymbol("symbols", s)
		if err != nil {
			return nil, "", err
		}
		if !slices.Contains(syms, sym) {
			syms = append(syms, sym)
		}
	}
	if group == nil {
		return syms, "", nil
	}
	g, err := parseSymbol("group", *group)
	if err != nil {
		return nil, "", err
	}
	if h.cfg.Topics.Dir == nil {
		return syms, string(g), nil
	}
	members, ok := h.cfg.Topics.Dir.Members(string(g))
	if !ok {
		return syms, string(g), nil
	}
	for _, m := range members {
		if !slices.Contains(syms, m) {
			syms = append(syms, m)
		}
	}
	return syms, "", nil
}

func (r queryResolver) Trades(ctx context.Context, symbol string, asset *model.Asset, limit *int, before *time.Time) (*model.TradeTape, error) {
	sym, err := parseSymbol("symbol", symbol)
	if err != nil {
		return nil, err
	}
	n := 100
	if limit != nil {
		n = *limit
	}
	if n < 1 || n > maxTrades {
		return nil, market.Invalid("limit", "must be 1 to %d, not %d", maxTrades, n)
	}
	q := market.Query{Capability: market.CapTrades, Symbol: sym, Asset: strings.ToLower(string(assetOf(asset))), Limit: n}
	if before != nil {
		q.Before = *before // the Service pages back through the day's tape
	}
	a, err := r.h.cfg.Service.Get(ctx, q)
	if err != nil {
		return nil, err
	}
	out := &model.TradeTape{Symbol: string(sym), Meta: metaOf(a), Trades: make([]*model.Trade, 0, min(len(a.Trades), n))}
	for i := range a.Trades[:min(len(a.Trades), n)] {
		out.Trades = append(out.Trades, model.TradeFrom(&a.Trades[i], model.Live{}))
	}
	return out, nil
}

func (r queryResolver) Depth(ctx context.Context, symbol string) (*model.Table, error) {
	sym, err := parseSymbol("symbol", symbol)
	if err != nil {
		return nil, err
	}
	return r.h.table(ctx, market.Query{Capability: market.CapDepth, Symbol: sym})
}

func (r queryResolver) Financials(ctx context.Context, symbol string, statement model.Statement, period *model.Period, lang *model.Lang) (*model.Table, error) {
	sym, err := parseSymbol("symbol", symbol)
	if err != nil {
		return nil, err
	}
	caps := map[model.Statement]market.Capability{
		model.StatementBalanceSheet: market.CapBalanceSheet, model.StatementIncomeStatement: market.CapIncomeStatement,
		model.StatementCashFlow: market.CapCashFlow, model.StatementRatios: market.CapRatios,
	}
	c, ok := caps[statement]
	if !ok {
		return nil, market.Invalid("statement", "unknown statement %q", statement)
	}
	q := market.Query{Capability: c, Symbol: sym, Period: "year", Lang: "vi"}
	if period != nil {
		q.Period = strings.ToLower(string(*period))
	}
	if lang != nil {
		q.Lang = strings.ToLower(string(*lang))
	}
	return r.h.table(ctx, q)
}

func (r queryResolver) Gold(ctx context.Context, source *model.GoldSource, date *time.Time) (*model.Table, error) {
	q := market.Query{Capability: market.CapGold, Provider: "sjc"}
	if source != nil {
		q.Provider = strings.ToLower(string(*source))
	}
	if date != nil {
		q.Date = *date
	}
	return r.h.table(ctx, q)
}

func (r queryResolver) ExchangeRates(ctx context.Context, date *time.Time) (*model.Table, error) {
	q := market.Query{Capability: market.CapExchangeRates}
	if date != nil {
		q.Date = *date
	}
	return r.h.table(ctx, q)
}

func (r queryResolver) Snapshot(ctx context.Context, topics []string) ([]*model.LiveValue, error) {
	if len(topics) == 0 || len(topics) > maxSymbols {
		return nil, market.Invalid("topics", "give 1 to %d topics, e.g. [\"quote:VNM\", \"index:VNINDEX\"]", maxSymbols)
	}
	evs, errs := r.h.cfg.Hub.Snapshot(ctx, topics)
	for _, t := range topics { // the first refused topic, in the client's order
		if err, bad := errs[t]; bad {
			return nil, market.Invalid("topics", "%s", err.Error())
		}
	}
	out := make([]*model.LiveValue, len(evs))
	for i, ev := range evs {
		out[i] = &model.LiveValue{Topic: ev.Topic, Kind: ev.Kind(), Seq: int64(ev.Seq), TS: ev.TS, Data: json.RawMessage(ev.Data)}
	}
	return out, nil
}

// MarketStatus reports each exchange's phase: the live session topic's last
// value when the feed publishes one, else the trading calendar's.
func (r queryResolver) MarketStatus(ctx context.Context) ([]*model.Session, error) {
	exs := []market.Exchange{market.HOSE, market.HNX, market.UPCOM, market.DER}
	topics := make([]string, len(exs))
	for i, ex := range exs {
		topics[i] = "session:" + string(ex)
	}
	evs, _ := r.h.cfg.Hub.Snapshot(ctx, topics)
	live := map[market.Exchange]*hub.Event{}
	for _, ev := range evs {
		live[market.Exchange(strings.TrimPrefix(ev.Topic, "session:"))] = ev
	}
	now := r.h.cfg.Now()
	out := make([]*model.Session, 0, len(exs))
	for _, ex := range exs {
		if ev := live[ex]; ev != nil {
			var st market.SessionState
			if err := json.Unmarshal(ev.Data, &st); err == nil {
				out = append(out, model.SessionFrom(&st, model.NewLive(ev.Seq, ev.TS)))
				continue
			}
		}
		st := r.h.cfg.Calendar.State(ex, now)
		out = append(out, model.SessionFrom(&st, model.Live{}))
	}
	return out, nil
}
