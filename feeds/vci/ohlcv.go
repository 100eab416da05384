package vci

import (
	"context"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// VCI chart time frames.
const (
	frameMinute = "ONE_MINUTE"
	frameHour   = "ONE_HOUR"
	frameDay    = "ONE_DAY"
)

// chartRequest is the body of POST /api/chart/OHLCChart/gap-chart. VCI has
// no start parameter: it answers countBack bars ending before `to`.
type chartRequest struct {
	TimeFrame string   `json:"timeFrame"`
	Symbols   []string `json:"symbols"`
	To        int64    `json:"to"`
	CountBack int      `json:"countBack"`
}

// baseInterval is the interval VCI serves for iv and its time frame:
// 5m/15m/30m come from 1m bars, 1W/1M from daily bars (upstream.md §3.2).
func baseInterval(iv market.Interval) (market.Interval, string, error) {
	switch iv {
	case market.Interval1m, market.Interval5m, market.Interval15m, market.Interval30m:
		return market.Interval1m, frameMinute, nil
	case market.Interval1H:
		return market.Interval1H, frameHour, nil
	case "", market.Interval1D, market.Interval1W, market.Interval1M:
		return market.Interval1D, frameDay, nil
	}
	return "", "", market.Invalid("interval", "%q is not one of 1m,5m,15m,30m,1H,1D,1W,1M", iv)
}

// barsPerDay bounds how many bars of a time frame one trading day holds,
// with a margin: 5 hourly bars and 255 minute bars in vnstock's estimate,
// plus the ATO/ATC and put-through marks VCI may add.
func barsPerDay(frame string) int {
	switch frame {
	case frameMinute:
		return 270
	case frameHour:
		return 7
	}
	return 1
}

// defaultCountBack is the bar count asked for when the query has no start.
const defaultCountBack = 1000

// chartWindow is the ICT range [from, to) a query covers, widened to whole
// weeks or months when those are resampled; from is zero when the query has
// no start.
func chartWindow(q market.Query, iv market.Interval, now time.Time) (from, to time.Time, err error) {
	end := q.End
	if end.IsZero() {
		end = now
	}
	to = market.Date(end).AddDate(0, 0, 1)
	if q.Start.IsZero() {
		return time.Time{}, to, nil
	}
	from = market.Date(q.Start)
	if from.After(market.Date(end)) {
		return time.Time{}, time.Time{}, market.Invalid("start", "%s is after end %s",
			from.Format(time.DateOnly), market.Date(end).Format(time.DateOnly))
	}
	if iv == market.Interval1W || iv == market.Interval1M {
		from = iv.Start(from)
	}
	return from, to, nil
}

// chartCountBack is the countBack that covers [from, to): the trading days
// in the range times the bars per day, plus one bar (vnstock's estimate,
// with our calendar's holidays instead of pandas business days).
func (s *Source) chartCountBack(from, to time.Time, frame string) int {
	if from.IsZero() {
		return defaultCountBack
	}
	days := len(s.cfg.Calendar.TradingDays(from, to.AddDate(0, 0, -1)))
	return days*barsPerDay(frame) + 1
}

// ohlcv answers CapOHLCV: one gap-chart call, trimmed to the query's days,
// resampled when VCI lacks the interval.
func (s *Source) ohlcv(ctx context.Context, q market.Query) (market.Result, error) {
	iv := q.Interval
	if iv == "" {
		iv = market.Interval1D
	}
	base, frame, err := baseInterval(iv)
	if err != nil {
		return market.Result{}, err
	}
	now := s.cfg.Now()
	inst, err := resolve(q.Symbol, q.Asset, now)
	if err != nil {
		return market.Result{}, err
	}
	from, to, err := chartWindow(q, iv, now)
	if err != nil {
		return market.Result{}, err
	}
	n := s.chartCountBack(from, to, frame)
	if n <= 1 && !from.IsZero() {
		return market.Result{Bars: []market.Bar{}}, nil // no trading day in range
	}
	body, err := s.post(ctx, string(market.CapOHLCV), "chart/OHLCChart/gap-chart",
		chartRequest{TimeFrame: frame, Symbols: []string{inst.code}, To: to.Unix(), CountBack: n})
	if err != nil {
		return market.Result{}, err
	}
	bars, err := ParseGapChart(body, inst.code, q.Symbol, base)
	if err != nil {
		return market.Result{}, err
	}
	bars = trimBars(bars, from, to)
	if iv != base {
		bars = market.Resample(bars, iv)
	}
	market.MarkClosed(bars, now)
	return market.Result{Bars: bars}, nil
}

// trimBars keeps the bars that start in [from, to) (from zero: no lower
// bound). VCI's countBack is an estimate and may reach before the start.
func trimBars(bars []market.Bar, from, to time.Time) []market.Bar {
	out := bars[:0]
	for _, b := range bars {
		if (!from.IsZero() && b.Time.Before(from)) || !b.Time.Before(to) {
			continue
		}
		out = append(out, b)
	}
	return out
}
