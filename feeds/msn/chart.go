package msn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/vnstock-api/vnstock-api/feeds/upstream"
	"github.com/vnstock-api/vnstock-api/market"
)

// missing is MSN's sentinel for a missing value.
const missing = -99999901.0

func (s *Source) ohlcv(ctx context.Context, q market.Query) (market.Result, error) {
	inst, ok := resolve(q.Asset, q.Symbol)
	if !ok {
		return market.Result{}, fmt.Errorf("msn: %s %s: %w", q.Asset, q.Symbol, market.ErrUnsupported)
	}
	iv := q.Interval
	if iv == "" {
		iv = market.Interval1D
	}
	if iv != market.Interval1D && iv != market.Interval1W && iv != market.Interval1M {
		return market.Result{}, fmt.Errorf("msn: interval %s (daily data only: 1D, 1W, 1M): %w", iv, market.ErrUnsupported)
	}
	now := s.cfg.Now()
	end := market.Date(now)
	if !q.End.IsZero() {
		end = market.Date(q.End)
	}
	start := end.AddDate(-1, 0, 0)
	if !q.Start.IsZero() {
		start = market.Date(q.Start)
	}
	if start.After(end) {
		return market.Result{}, market.Invalid("start", "%s is after end %s", start.Format(time.DateOnly), end.Format(time.DateOnly))
	}
	days, err := s.series(ctx, inst, start, end, q.Capability)
	if err != nil {
		return market.Result{}, fmt.Errorf("msn %s: %w", q.Symbol, err)
	}
	bars := aggregate(days, q.Symbol, iv, market.Date(now))
	if len(bars) == 0 {
		return market.Result{}, fmt.Errorf("msn %s: no bars from %s to %s: %w", q.Symbol,
			start.Format(time.DateOnly), end.Format(time.DateOnly), market.ErrNotFound)
	}
	return market.Result{Source: Name, PriceUnit: inst.priceUnit, Bars: bars, FetchedAt: now}, nil
}

// series fetches the daily bars of inst for the ICT days [start, end],
// renewing the API key once if MSN refuses it.
func (s *Source) series(ctx context.Context, inst instrument, start, end time.Time, c market.Capability) ([]market.Bar, error) {
	path := "/service/Finance/Charts/TimeRange"
	if inst.crypto {
		path = "/service/Finance/Cryptocurrency/chart"
	}
	for attempt := 0; ; attempt++ {
		key, err := s.apiKey(ctx, attempt > 0)
		if err != nil {
			return nil, err
		}
		body, err := s.cfg.Doer.Do(ctx, upstream.Request{
			URL: s.cfg.BaseURL + path, Query: chartQuery(key, inst.secID, start, end),
			Header: headers(), Capability: string(c),
		})
		var se *upstream.StatusError
		if attempt == 0 && errors.As(err, &se) && (se.Status == http.StatusUnauthorized || se.Status == http.StatusForbidden) {
			continue // the key expired: fetch a new one
		}
		if err != nil {
			return nil, err
		}
		days, err := parseChart(body)
		if err != nil {
			return nil, err
		}
		from, to := start, end.AddDate(0, 0, 1)
		return slices.DeleteFunc(days, func(b market.Bar) bool { return b.Time.Before(from) || !b.Time.Before(to) }), nil
	}
}

// chartQuery asks for the ICT days [start, end]: from 17:00 UTC the day
// before start to 16:59 UTC on end. (vnstock sends start's own 17:00 UTC,
// which skips start's ICT day; this asks for it.)
func chartQuery(key, secID string, start, end time.Time) url.Values {
	return url.Values{
		"apikey":    {key},
		"StartTime": {start.AddDate(0, 0, -1).Format(time.DateOnly) + "T17:00:00.000Z"},
		"EndTime":   {end.Format(time.DateOnly) + "T16:59:00.858Z"},
		"timeframe": {"1"}, "ocid": {"finance-utils-peregrine"}, "cm": {"vi-vn"}, "it": {"web"},
		"scn": {"ANON"}, "ids": {secID}, "type": {"All"}, "wrapodata": {"false"}, "disableSymbol": {"false"},
	}
}

type chartSeries struct {
	TimeStamps []string   `json:"timeStamps"`
	Open       []*float64 `json:"openPrices"`
	High       []*float64 `json:"pricesHigh"`
	Low        []*float64 `json:"pricesLow"`
	Close      []*float64 `json:"prices"`
	Volume     []*float64 `json:"volumes"`
}

// parseChart reads a chart answer ([{series:{…}}]) into daily bars (Time
// is the ICT day of each UTC stamp, as vnstock's +7 h and floor), oldest
// first. Rows where open, high, low or close is missing (null or the
// -99999901 sentinel) are dropped; vnstock keeps a row whose close alone
// is missing, which a Bar cannot carry. A missing volume is 0.
func parseChart(body []byte) ([]market.Bar, error) {
	var resp []struct {
		Series *chartSeries `json:"series"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		return nil, &market.SchemaError{Source: Name, Field: "body", Msg: err.Error()}
	}
	if len(resp) == 0 {
		return nil, fmt.Errorf("msn: empty chart: %w", market.ErrNotFound)
	}
	sr := resp[0].Series
	if sr == nil {
		return nil, &market.SchemaError{Source: Name, Field: "[0].series", Msg: "missing"}
	}
	n := len(sr.TimeStamps)
	for name, col := range map[string][]*float64{"openPrices": sr.Open, "pricesHigh": sr.High, "pricesLow": sr.Low, "prices": sr.Close} {
		if len(col) != n {
			return nil, &market.SchemaError{Source: Name, Field: "[0].series." + name, Msg: fmt.Sprintf("%d values for %d timeStamps", len(col), n)}
		}
	}
	if len(sr.Volume) != 0 && len(sr.Volume) != n {
		return nil, &market.SchemaError{Source: Name, Field: "[0].series.volumes", Msg: fmt.Sprintf("%d values for %d timeStamps", len(sr.Volume), n)}
	}
	bars := make([]market.Bar, 0, n)
	for i, ts := range sr.TimeStamps {
		t, err := time.Parse(time.RFC3339, ts)
		if err != nil {
			return nil, &market.SchemaError{Source: Name, Field: fmt.Sprintf("[0].series.timeStamps[%d]", i), Msg: "not an RFC 3339 time"}
		}
		o, h, l, c := value(sr.Open[i]), value(sr.High[i]), value(sr.Low[i]), value(sr.Close[i])
		if math.IsNaN(o) || math.IsNaN(h) || math.IsNaN(l) || math.IsNaN(c) {
			continue
		}
		var vol int64
		if len(sr.Volume) > 0 {
			if v := value(sr.Volume[i]); v > 0 && v < 1e18 {
				vol = int64(math.Round(v))
			}
		}
		bars = append(bars, market.Bar{Time: market.Date(t), Open: o, High: h, Low: l, Close: c, Volume: vol})
	}
	slices.SortStableFunc(bars, func(a, b market.Bar) int { return a.Time.Compare(b.Time) })
	return bars, nil
}

// value is v, or NaN when missing.
func value(v *float64) float64 {
	if v == nil || *v == missing {
		return math.NaN()
	}
	return *v
}

// aggregate folds daily bars into bars of iv (1D merges same-day rows),
// marking as closed the bars that ended before today.
func aggregate(days []market.Bar, sym market.Symbol, iv market.Interval, today time.Time) []market.Bar {
	out := market.Resample(days, iv)
	for i := range out {
		out[i].Symbol, out[i].Source = sym, Name
	}
	market.MarkClosed(out, today)
	return out
}
