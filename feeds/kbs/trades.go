package kbs

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/vnstock-api/vnstock-api/market"
)

// Trade page sizes: vnstock's default, and a bound on what one call asks.
const (
	defaultTradeLimit = 100
	maxTradeLimit     = 10000
)

// tradeRow is one match of trade/history (upstream.md §4.3). TD is the
// day the request was made, not the trading day, so the time comes from t.
type tradeRow struct {
	T            text `json:"t"`
	SB, LC       text
	FMP, FV, AVO num
}

// trades answers CapTrades with the newest q.Limit matches (one page).
func (s *Source) trades(ctx context.Context, q market.Query) ([]market.Trade, error) {
	sym, err := symbolOf(q)
	if err != nil {
		return nil, err
	}
	if q.Asset == market.AssetIndex || indices[sym] && q.Asset == "" {
		return nil, unsupported(market.CapTrades, "indices have no trades")
	}
	limit := q.Limit
	if limit <= 0 {
		limit = defaultTradeLimit
	}
	limit = min(limit, maxTradeLimit)
	query := url.Values{"page": {"1"}, "limit": {strconv.Itoa(limit)}}
	body, err := s.get(ctx, market.CapTrades, "/trade/history/"+string(sym), query)
	if err != nil {
		return nil, err
	}
	return parseTrades(body, sym)
}

// parseTrades parses a trade/history answer into trades, newest first as
// the store and vnstock order them. Prices are VND, LC B/S the aggressor
// side; KBS has no trade id, so the id is time+price+volume as vnstock
// builds it.
func parseTrades(body []byte, sym market.Symbol) ([]market.Trade, error) {
	rows, err := decodeRows[tradeRow]("trades", body)
	if err != nil {
		return nil, err
	}
	out := make([]market.Trade, 0, len(rows))
	for i := range rows {
		tr, err := rows[i].trade("trades["+strconv.Itoa(i)+"]", sym)
		if err != nil {
			return nil, err
		}
		out = append(out, tr)
	}
	slices.SortStableFunc(out, func(a, b market.Trade) int { return b.Time.Compare(a.Time) })
	return out, nil
}

func (r *tradeRow) trade(what string, sym market.Symbol) (market.Trade, error) {
	f := fields{what: what}
	ts := f.str("t", r.T, true)
	t, err := parseLocal(ts)
	if f.err == nil && err != nil {
		f.fail("t", "%v", err)
	}
	if sb := f.str("SB", r.SB, false); sb != "" && f.err == nil {
		s, err := market.ParseSymbol(sb)
		if err != nil {
			f.fail("SB", "%v", err)
		}
		sym = s
	}
	tr := market.Trade{
		Symbol: sym, Time: t, Source: Name,
		Price: f.int("FMP", r.FMP, true), Volume: f.int("FV", r.FV, true),
		TotalVolume: f.int("AVO", r.AVO, false), Side: side(f.str("LC", r.LC, false)),
	}
	if f.err == nil && (tr.Price <= 0 || tr.Volume <= 0) {
		f.fail("FMP", "price %d volume %d must be positive", tr.Price, tr.Volume)
	}
	tr.ID = tradeID(ts, tr.Price, tr.Volume)
	return tr, f.err
}

func side(lc string) market.Side {
	switch strings.ToUpper(lc) {
	case "B":
		return market.SideBuy
	case "S":
		return market.SideSell
	}
	return market.SideUnknown
}

// tradeID is the digits of the KBS time, the price and the volume.
func tradeID(ts string, price, vol int64) string {
	b := make([]byte, 0, 40)
	for i := 0; i < len(ts); i++ {
		if c := ts[i]; c >= '0' && c <= '9' {
			b = append(b, c)
		}
	}
	b = append(b, '_')
	b = strconv.AppendInt(b, price, 10)
	b = append(b, '_')
	b = strconv.AppendInt(b, vol, 10)
	return string(b)
}
