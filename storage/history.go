package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage/cache"
)

// History without waste: an OHLCV query reads the series' coverage (the
// ranges already fetched), fetches only the closed trading days it lacks
// plus the day still trading, stores what came back, records the closed
// days as covered and answers from storage. Weekly and monthly bars are
// built from the daily series, so they share its coverage.

const (
	// vnSettled is when a Vietnamese trading day's bars are final: the
	// close (15:00, derivatives 14:45) plus time for the upstreams to settle.
	vnSettled = 15*time.Hour + 30*time.Minute
	// globalSettled is when a forex, crypto or commodity day (a UTC day,
	// which ends at 07:00 ICT the next day) is final.
	globalSettled = 32 * time.Hour
	// maxFetchRanges bounds the upstream calls of one query: a coverage
	// more fragmented than this is refetched as one span.
	maxFetchRanges = 8
	// oldestDay bounds how far back a query reaches (the HOSE opened in
	// July 2000), so that no query walks millennia of calendar.
	oldestYear = 2000
)

// normalizeOHLCV validates q and fills its defaults: asset equity, interval
// 1D, end today, start a year before end (a week for intraday intervals);
// start and end become ICT days, end no later than today.
func (s *Service) normalizeOHLCV(q market.Query) (market.Query, error) {
	if q.Symbol == "" {
		return q, market.Invalid("symbol", "is required")
	}
	if q.Asset == "" {
		q.Asset = market.AssetEquity
	}
	if q.Interval == "" {
		q.Interval = market.Interval1D
	}
	if _, err := market.ParseInterval(string(q.Interval)); err != nil {
		return q, err
	}
	today := market.Date(s.now())
	if q.End.IsZero() || q.End.After(today) {
		q.End = today
	}
	q.End = market.Date(q.End)
	if q.Start.IsZero() {
		q.Start = q.End.AddDate(-1, 0, 0)
		if q.Interval.Intraday() {
			q.Start = q.End.AddDate(0, 0, -7)
		}
	}
	q.Start = market.Date(q.Start)
	if q.Start.After(q.End) {
		return q, market.Invalid("start", "%s is after end %s", q.Start.Format(time.DateOnly), q.End.Format(time.DateOnly))
	}
	if oldest := time.Date(oldestYear, 1, 1, 0, 0, 0, 0, market.ICT); q.Start.Before(oldest) {
		q.Start = oldest
	}
	if d, ok := s.lookback[q.Interval]; ok && q.Interval.Intraday() {
		earliest := today.Add(-d)
		if q.Start.Before(earliest) {
			return q, market.Invalid("start", "%s bars reach back %d days, to %s", q.Interval, int(d.Hours()/24), earliest.Format(time.DateOnly))
		}
	}
	return q, nil
}

// seriesKey is the stored series q reads: weekly and monthly bars come from
// the daily series. Every source answers adjusted prices.
func seriesKey(q market.Query) SeriesKey {
	iv := q.Interval
	if iv == market.Interval1W || iv == market.Interval1M {
		iv = market.Interval1D
	}
	return SeriesKey{Symbol: q.Symbol, Asset: q.Asset, Interval: iv, Adjusted: true}
}

// loadBars answers a normalised OHLCV query.
func (s *Service) loadBars(ctx context.Context, q market.Query) (Answer, time.Duration, error) {
	key := seriesKey(q)
	span := Range{From: q.Start, To: q.End.AddDate(0, 0, 1)}
	if key.Interval != q.Interval {
		span.From = q.Interval.Start(span.From)
	}
	now := s.now()
	cov, err := s.store.Coverage(ctx, key)
	if err != nil {
		return Answer{}, 0, fmt.Errorf("ohlcv %s: read coverage: %w", q.Symbol, err)
	}
	missing, open := s.missing(q.Asset, span, cov, now)
	var source string
	var upErr error
	calls := 0
	for i, r := range append(missing, open) {
		if r.From.IsZero() || upErr != nil {
			continue
		}
		src, uerr, err := s.fetchRange(ctx, q, key, r, i < len(missing), now)
		if err != nil {
			return Answer{}, 0, err
		}
		calls++
		upErr = uerr
		if src != "" {
			source = src
		}
	}
	bars, err := s.store.Bars(ctx, key, span)
	if err != nil {
		return Answer{}, 0, fmt.Errorf("ohlcv %s: read bars: %w", q.Symbol, err)
	}
	a := Answer{Result: market.Result{Source: source, PriceUnit: "vnd", Bars: bars}, Cached: calls == 0}
	if upErr != nil {
		if !upstreamFailure(upErr) || len(bars) == 0 {
			return Answer{}, 0, upstreamError(q, upErr)
		}
		s.log.WarnContext(ctx, "upstream failed, serving stored bars", "symbol", q.Symbol, "interval", q.Interval, "err", upErr)
		a.Stale = true
	}
	if a.Source == "" && len(bars) > 0 {
		a.Source = bars[len(bars)-1].Source
	}
	if calls > 0 && upErr == nil {
		a.FetchedAt = now
	}
	if key.Interval != q.Interval {
		a.Bars = market.Resample(bars, q.Interval)
	}
	ttl := s.ttl.For(cache.ClassClosedBars)
	if !open.From.IsZero() {
		ttl = s.ttl.For(cache.ClassIntraday)
	}
	return a, ttl, nil
}

// missing returns the runs of closed trading days in span that cov lacks
// (consecutive in trading days, so a weekend does not split a run) and the
// range of days in span still trading (zero when none).
func (s *Service) missing(asset string, span Range, cov []Range, now time.Time) (runs []Range, open Range) {
	var cur Range
	for d := span.From; d.Before(span.To); d = d.AddDate(0, 0, 1) {
		if !s.tradingDay(asset, d) {
			continue
		}
		next := d.AddDate(0, 0, 1)
		switch {
		case !s.closedDay(asset, d, now):
			if open.From.IsZero() {
				open.From = d
			}
			open.To = next
		case covered(cov, d, next):
			if !cur.From.IsZero() {
				runs, cur = append(runs, cur), Range{}
			}
		case cur.From.IsZero():
			cur = Range{From: d, To: next}
		default:
			cur.To = next
		}
	}
	if !cur.From.IsZero() {
		runs = append(runs, cur)
	}
	if len(runs) > maxFetchRanges {
		runs = []Range{{From: runs[0].From, To: runs[len(runs)-1].To}}
	}
	return runs, open
}

// covered reports whether one of the merged ranges holds [from, to).
func covered(cov []Range, from, to time.Time) bool {
	for _, r := range cov {
		if !r.From.After(from) && !r.To.Before(to) {
			return true
		}
	}
	return false
}

// tradingDay reports whether asset trades on the ICT day d: Vietnamese
// assets follow the exchange calendar, forex and commodities trade on
// weekdays, crypto every day.
func (s *Service) tradingDay(asset string, d time.Time) bool {
	switch asset {
	case market.AssetCrypto:
		return true
	case market.AssetForex, market.AssetCommodity:
		wd := d.Weekday()
		return wd != time.Saturday && wd != time.Sunday
	}
	return s.cal.IsTradingDay(d)
}

// closedDay reports whether the bars of day d are final at now.
func (s *Service) closedDay(asset string, d, now time.Time) bool {
	switch asset {
	case market.AssetCrypto, market.AssetForex, market.AssetCommodity:
		return !now.Before(d.Add(globalSettled))
	}
	return !now.Before(d.Add(vnSettled))
}

// fetchRange fetches the days [r.From, r.To) of q's series, stores the bars
// and, for closed days, records the range as covered. upErr is the fetch's
// failure; err a storage failure.
func (s *Service) fetchRange(ctx context.Context, q market.Query, key SeriesKey, r Range, closed bool, now time.Time) (source string, upErr, err error) {
	fq := q
	fq.Interval, fq.Start, fq.End = key.Interval, r.From, r.To.AddDate(0, 0, -1)
	res, upErr := s.fetcher.Fetch(ctx, fq)
	if upErr != nil {
		return "", upErr, nil
	}
	bars := make([]market.Bar, 0, len(res.Bars))
	for _, b := range res.Bars {
		if b.Time.Before(r.From) || !b.Time.Before(r.To) {
			continue // sources may add a bar before the range
		}
		b.Time = b.Time.In(market.ICT)
		b.Symbol, b.Interval = key.Symbol, key.Interval
		if b.Source == "" {
			b.Source = res.Source
		}
		bars = append(bars, b)
	}
	if len(bars) > 0 {
		if err := s.store.UpsertBars(ctx, key, bars); err != nil {
			return "", nil, fmt.Errorf("ohlcv %s: store bars: %w", q.Symbol, err)
		}
	}
	if closed {
		if err := s.store.AddCoverage(ctx, key, s.widen(q.Asset, r, now)); err != nil {
			return "", nil, fmt.Errorf("ohlcv %s: store coverage: %w", q.Symbol, err)
		}
	}
	return res.Source, nil, nil
}

// widen stretches a fetched range over the non-trading days around it that
// are over, so that ranges fetched on either side of a weekend or holiday
// touch and the coverage table merges them into one row.
func (s *Service) widen(asset string, r Range, now time.Time) Range {
	for range maxClosedRun {
		prev := r.From.AddDate(0, 0, -1)
		if s.tradingDay(asset, prev) {
			break
		}
		r.From = prev
	}
	for range maxClosedRun {
		if s.tradingDay(asset, r.To) || now.Before(r.To.AddDate(0, 0, 1)) {
			break
		}
		r.To = r.To.AddDate(0, 0, 1)
	}
	return r
}

// maxClosedRun bounds widen: the longest closure (Tet with its weekends) is
// nine days.
const maxClosedRun = 12
