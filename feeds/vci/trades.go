package vci

import (
	"bytes"
	"context"
	"encoding/json"
	"sort"
	"strconv"

	"github.com/vnstock-api/vnstock-api/market"
)

// defaultTradeLimit is vnstock's intraday page size.
const defaultTradeLimit = 100

// tradesRequest is the body of POST /api/market-watch/LEData/getAll.
// TruncTime is the epoch-second cursor; null asks for the latest trades.
type tradesRequest struct {
	Symbol    string `json:"symbol"`
	Limit     int    `json:"limit"`
	TruncTime *int64 `json:"truncTime"`
}

// leTrade is one matched trade of LEData. Numbers may arrive as strings.
type leTrade struct {
	ID                json.RawMessage `json:"id"`
	Symbol            string          `json:"symbol"`
	TruncTime         num             `json:"truncTime"`
	MatchPrice        num             `json:"matchPrice"`
	MatchVol          num             `json:"matchVol"`
	MatchType         string          `json:"matchType"`
	AccumulatedVolume num             `json:"accumulatedVolume"`
}

// ParseTrades parses the answer of POST /api/market-watch/LEData/getAll (an
// array of trades, or the same inside {"data": ...}) into trades of sym
// sorted by time then id. Prices are whole VND (vnstock 3.2 kept them in
// VND; current vnstock divides by 1000), times ICT from epoch seconds, side
// b/s/other → buy/sell/unknown.
func ParseTrades(body []byte, sym market.Symbol) ([]market.Trade, error) {
	var raw []leTrade
	if err := decodeJSON(unwrapData(body), &raw, "trades"); err != nil {
		return nil, err
	}
	out := make([]market.Trade, len(raw))
	for i := range raw {
		t, err := raw[i].trade("["+strconv.Itoa(i)+"]", sym)
		if err != nil {
			return nil, err
		}
		out[i] = t
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Time.Equal(out[j].Time) {
			return out[i].Time.Before(out[j].Time)
		}
		return idLess(out[i].ID, out[j].ID)
	})
	return out, nil
}

// trade converts one element; idx is "[i]" for error fields.
func (r *leTrade) trade(idx string, sym market.Symbol) (market.Trade, error) {
	for _, f := range [...]struct {
		name string
		v    num
	}{{"truncTime", r.TruncTime}, {"matchPrice", r.MatchPrice}, {"matchVol", r.MatchVol}} {
		if err := f.v.check(idx+"."+f.name, true); err != nil {
			return market.Trade{}, err
		}
	}
	if err := r.AccumulatedVolume.check(idx+".accumulatedVolume", false); err != nil {
		return market.Trade{}, err
	}
	ts, err := r.TruncTime.whole(idx + ".truncTime")
	if err != nil {
		return market.Trade{}, err
	}
	if ts <= 0 || ts > 1<<40 {
		return market.Trade{}, schemaErr(idx+".truncTime", "not epoch seconds")
	}
	price, err := r.MatchPrice.whole(idx + ".matchPrice")
	if err != nil {
		return market.Trade{}, err
	}
	vol, ok := r.MatchVol.integer()
	acc, ok2 := r.AccumulatedVolume.integer()
	if !ok || !ok2 || vol < 0 || price < 0 {
		return market.Trade{}, schemaErr(idx+".matchVol", "out of range")
	}
	return market.Trade{Symbol: sym, Time: epoch(ts), Price: price, Volume: vol, Side: side(r.MatchType),
		TotalVolume: acc, ID: rawID(r.ID), Source: sourceName}, nil
}

// side maps VCI's matchType.
func side(t string) market.Side {
	switch t {
	case "b", "B", "BUY", "buy":
		return market.SideBuy
	case "s", "S", "SELL", "sell":
		return market.SideSell
	}
	return market.SideUnknown
}

// rawID renders a JSON id (number or string) as a string.
func rawID(b json.RawMessage) string {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return ""
	}
	if b[0] == '"' {
		var s string
		if json.Unmarshal(b, &s) == nil {
			return s
		}
	}
	return string(b)
}

// idLess orders numeric ids numerically, others as strings.
func idLess(a, b string) bool {
	if len(a) != len(b) && allDigits(a) && allDigits(b) {
		return len(a) < len(b)
	}
	return a < b
}

// trades answers CapTrades: the latest Query.Limit trades (100 when 0).
// Indices have no trades; futures prices are index points, which
// market.Trade's whole-VND price cannot carry, so both are unsupported.
func (s *Source) trades(ctx context.Context, q market.Query) (market.Result, error) {
	inst, err := resolve(q.Symbol, q.Asset, s.cfg.Now())
	if err != nil {
		return market.Result{}, err
	}
	if inst.asset == market.AssetIndex || inst.asset == market.AssetFutures {
		return market.Result{}, unsupported("intraday trades of %s (%s)", q.Symbol, inst.asset)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = defaultTradeLimit
	}
	body, err := s.post(ctx, string(market.CapTrades), "market-watch/LEData/getAll",
		tradesRequest{Symbol: inst.code, Limit: limit})
	if err != nil {
		return market.Result{}, err
	}
	trades, err := ParseTrades(body, q.Symbol)
	if err != nil {
		return market.Result{}, err
	}
	return market.Result{Trades: trades}, nil
}
