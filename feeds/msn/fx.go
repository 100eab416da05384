package msn

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// rateLookback is how far back a rate is looked for when the date itself
// has none (weekends, holidays).
const rateLookback = 7

// exchangeRates answers CapExchangeRates for q.Date (today when zero) from
// the MSN VND pairs, in Vietcombank's columns. MSN has one market rate per
// pair, not a bank's buy and sell: buy_transfer and sell both carry it,
// buy_cash is null; Result.Source says the rates are MSN's.
func (s *Source) exchangeRates(ctx context.Context, q market.Query) (market.Result, error) {
	now := s.cfg.Now()
	day := q.Day(now)
	if day.After(market.Date(now)) {
		return market.Result{}, market.Invalid("date", "%s is in the future", day.Format(time.DateOnly))
	}
	f := market.NewFrame("currency_code", "currency_name", "buy_cash", "buy_transfer", "sell", "date")
	for _, p := range vndPairs {
		inst, _ := resolve(market.AssetForex, p.symbol) // every vndPairs symbol is in currencyIDs
		days, err := s.series(ctx, inst, day.AddDate(0, 0, -rateLookback), day, q.Capability)
		if errors.Is(err, market.ErrNotFound) {
			continue
		}
		if err != nil {
			return market.Result{}, fmt.Errorf("msn exchange rate %s: %w", p.symbol, err)
		}
		if len(days) == 0 {
			continue
		}
		rate := days[len(days)-1].Close
		_ = f.Append(p.code, p.name, nil, rate, rate, day.Format(time.DateOnly))
	}
	if f.Len() == 0 {
		return market.Result{}, fmt.Errorf("msn: no VND rates in the week to %s: %w", day.Format(time.DateOnly), market.ErrNotFound)
	}
	return market.Result{Source: Name, PriceUnit: "vnd", Frame: f, FetchedAt: now}, nil
}
