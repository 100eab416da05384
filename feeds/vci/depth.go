package vci

import (
	"context"
	"strconv"

	"github.com/vnstock-api/vnstock-api/market"
)

// depthStep is one price step of AccumulatedPriceStepVol; VCI sends the
// numbers as strings ("39550").
type depthStep struct {
	PriceStep                  num `json:"priceStep"`
	AccumulatedVolume          num `json:"accumulatedVolume"`
	AccumulatedBuyVolume       num `json:"accumulatedBuyVolume"`
	AccumulatedSellVolume      num `json:"accumulatedSellVolume"`
	AccumulatedUndefinedVolume num `json:"accumulatedUndefinedVolume"`
}

// parseDepth parses the answer of POST
// /api/market-watch/AccumulatedPriceStepVol/getSymbolData into vnstock's
// price_depth frame, one row per price step in upstream order. Prices are
// VND (points for futures) and volumes shares, as numbers rather than the
// strings vnstock passes through.
func parseDepth(body []byte) (*market.Frame, error) {
	var raw []depthStep
	if err := decodeJSON(unwrapData(body), &raw, "depth"); err != nil {
		return nil, err
	}
	f := market.NewFrame("price", "acc_volume", "acc_buy_volume", "acc_sell_volume", "acc_undefined_volume")
	f.Rows = make([][]any, 0, len(raw))
	for i, st := range raw {
		idx := "[" + strconv.Itoa(i) + "]."
		vals := [...]num{st.PriceStep, st.AccumulatedVolume, st.AccumulatedBuyVolume, st.AccumulatedSellVolume, st.AccumulatedUndefinedVolume}
		names := [...]string{"priceStep", "accumulatedVolume", "accumulatedBuyVolume", "accumulatedSellVolume", "accumulatedUndefinedVolume"}
		row := make([]any, len(vals))
		for c, v := range vals {
			if err := v.check(idx+names[c], c < 2); err != nil {
				return nil, err
			}
			if c > 0 {
				n, err := v.whole(idx + names[c])
				if err != nil {
					return nil, err
				}
				row[c] = n
				continue
			}
			row[c] = numCell(v.f)
		}
		f.Rows = append(f.Rows, row)
	}
	return f, nil
}

// depth answers CapDepth (volume traded at each price today). VCI removed
// the endpoint from the open-source client on 2026-02-01; this is the
// v3.4.0 call.
func (s *Source) depth(ctx context.Context, q market.Query) (market.Result, error) {
	inst, err := resolve(q.Symbol, q.Asset, s.cfg.Now())
	if err != nil {
		return market.Result{}, err
	}
	if inst.asset == market.AssetIndex {
		return market.Result{}, unsupported("price depth of index %s", q.Symbol)
	}
	body, err := s.post(ctx, string(market.CapDepth), "market-watch/AccumulatedPriceStepVol/getSymbolData",
		struct {
			Symbol string `json:"symbol"`
		}{inst.code})
	if err != nil {
		return market.Result{}, err
	}
	f, err := parseDepth(body)
	if err != nil {
		return market.Result{}, err
	}
	return market.Result{Frame: f}, nil
}
