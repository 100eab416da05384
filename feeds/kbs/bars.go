package kbs

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// indices are the only index codes KBS serves bars for (upstream.md §2.4).
var indices = map[market.Symbol]bool{
	"VNINDEX": true, "HNXINDEX": true, "UPCOMINDEX": true, "VN30": true, "HNX30": true, "VN100": true,
}

// periodOf maps an interval to KBS's data_<P> suffix. 1W and 1M are built
// from daily bars (see resample), so they map to "day".
func periodOf(iv market.Interval) (string, bool) {
	switch iv {
	case market.Interval1m:
		return "1P", true
	case market.Interval5m:
		return "5P", true
	case market.Interval15m:
		return "15P", true
	case market.Interval30m:
		return "30P", true
	case market.Interval1H:
		return "60P", true
	case market.Interval1D, market.Interval1W, market.Interval1M:
		return "day", true
	}
	return "", false
}

// Default spans when a query leaves Start zero.
const (
	defaultDailySpan    = 365 * 24 * time.Hour
	defaultIntradaySpan = 7 * 24 * time.Hour
)

// ohlcv answers CapOHLCV. KBS serves every interval natively (data_1P ...
// data_month), but 1W and 1M are resampled from data_day: the stamp KBS
// puts on its week and month bars is not recorded anywhere, while bars
// built here start on the ICT Monday / first of the month like
// market.Interval.Start and the live bars.
func (s *Source) ohlcv(ctx context.Context, q market.Query) ([]market.Bar, error) {
	sym, err := symbolOf(q)
	if err != nil {
		return nil, err
	}
	iv := q.Interval
	if iv == "" {
		iv = market.Interval1D
	}
	period, ok := periodOf(iv)
	if !ok {
		return nil, market.Invalid("interval", "%q is not one of 1m,5m,15m,30m,1H,1D,1W,1M", iv)
	}
	kind := "stocks"
	if q.Asset == market.AssetIndex || q.Asset == "" && indices[sym] {
		if !indices[sym] {
			return nil, unsupported(market.CapOHLCV, "index "+string(sym)+"; kbs has VNINDEX, HNXINDEX, UPCOMINDEX, VN30, HNX30, VN100")
		}
		kind = "index"
	}
	from, to := s.span(q, iv)
	query := url.Values{"sdate": {from.Format("02-01-2006")}, "edate": {to.Format("02-01-2006")}}
	body, err := s.get(ctx, market.CapOHLCV, "/"+kind+"/"+string(sym)+"/data_"+period, query)
	if err != nil {
		return nil, err
	}
	daily := iv == market.Interval1W || iv == market.Interval1M
	parseIv := iv
	if daily {
		parseIv = market.Interval1D
	}
	bars, err := parseBars(body, sym, parseIv, "data_"+period, s.now())
	if err != nil {
		return nil, err
	}
	if daily {
		bars = market.Resample(bars, iv)
		market.MarkClosed(bars, s.now())
	}
	return clip(bars, iv, from, to), nil
}

// span returns the ICT days to ask for: q's Start and End (End defaults to
// today, Start to a year or a week before End), with Start moved back to
// the start of its week or month when bars are resampled, so that the first
// bar is whole.
func (s *Source) span(q market.Query, iv market.Interval) (from, to time.Time) {
	to = market.Date(s.now())
	if !q.End.IsZero() {
		to = market.Date(q.End)
	}
	from = q.Start
	if from.IsZero() {
		span := defaultDailySpan
		if iv.Intraday() {
			span = defaultIntradaySpan
		}
		from = to.Add(-span)
	}
	from = market.Date(from)
	if iv == market.Interval1W || iv == market.Interval1M {
		from = iv.Start(from)
	}
	return from, to
}

// barRow is one bar of data_<P>: t local time, prices VND (or index
// points), numbers or strings.
type barRow struct {
	T          text `json:"t"`
	O, H, L, C num
	V          num `json:"v"`
}

// parseBars parses a data_<P> answer (key is "data_day", "data_1P", ...):
// bars sorted oldest first with duplicates dropped, daily bars stamped at
// ICT midnight (KBS writes "2024-01-31 07:00"), intraday bars at their ICT
// minute. A bar is Closed once its interval has ended by now.
func parseBars(body []byte, sym market.Symbol, iv market.Interval, key string, now time.Time) ([]market.Bar, error) {
	data, err := barArray(body, key)
	if err != nil {
		return nil, err
	}
	var rows []barRow
	if err := decode(key, data, &rows); err != nil {
		return nil, err
	}
	out := make([]market.Bar, 0, len(rows))
	for i := range rows {
		b, err := rows[i].bar(key+"["+strconv.Itoa(i)+"]", sym, iv)
		if err != nil {
			return nil, err
		}
		b.Closed = !iv.End(b.Time).After(now)
		out = append(out, b)
	}
	slices.SortStableFunc(out, func(a, b market.Bar) int { return a.Time.Compare(b.Time) })
	return slices.CompactFunc(out, func(a, b market.Bar) bool { return a.Time.Equal(b.Time) }), nil
}

// barArray finds the key's array in {"symbol":..., key:[...]}; an absent
// key or null is an empty answer (no trading in the range).
func barArray(body []byte, key string) ([]byte, error) {
	var env map[string]json.RawMessage
	if err := decode(key, body, &env); err != nil {
		return nil, err
	}
	if env == nil {
		return nil, schemaErr(key, "body is null")
	}
	data := bytes.TrimSpace(env[key])
	if len(data) == 0 || string(data) == "null" {
		return []byte("[]"), nil
	}
	return data, nil
}

func (r *barRow) bar(what string, sym market.Symbol, iv market.Interval) (market.Bar, error) {
	f := fields{what: what}
	t, err := parseLocal(f.str("t", r.T, true))
	if f.err == nil && err != nil {
		f.fail("t", "%v", err)
	}
	if !iv.Intraday() {
		t = market.Date(t)
	}
	b := market.Bar{
		Symbol: sym, Interval: iv, Time: t, Source: Name,
		Open: f.float("o", r.O, true), High: f.float("h", r.H, true),
		Low: f.float("l", r.L, true), Close: f.float("c", r.C, true),
		Volume: f.int("v", r.V, false),
	}
	if f.err == nil && (b.Low > b.High || b.Open < 0 || b.Low < 0 || b.Volume < 0) {
		f.fail("o", "inconsistent bar o=%v h=%v l=%v c=%v v=%d", b.Open, b.High, b.Low, b.Close, b.Volume)
	}
	return b, f.err
}

// localLayouts are the time formats of KBS bars and trades, all ICT.
var localLayouts = []string{"2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"}

// parseLocal parses a KBS local time string in ICT. Trade times carry
// centiseconds after a colon ("2026-02-27 14:45:29:84"), kept as
// milliseconds.
func parseLocal(s string) (time.Time, error) {
	var frac time.Duration
	if len(s) == len("2006-01-02 15:04:05:00") && s[19] == ':' {
		cs, err := strconv.Atoi(s[20:])
		if err != nil || cs < 0 || cs > 99 {
			return time.Time{}, fmt.Errorf("bad centiseconds in %q", s)
		}
		frac, s = time.Duration(cs)*10*time.Millisecond, s[:19]
	}
	var err error
	for _, layout := range localLayouts {
		var t time.Time
		if t, err = time.ParseInLocation(layout, s, market.ICT); err == nil {
			return t.Add(frac), nil
		}
	}
	return time.Time{}, err
}

// clip keeps the bars that overlap the ICT days [from, to].
func clip(bars []market.Bar, iv market.Interval, from, to time.Time) []market.Bar {
	end := to.AddDate(0, 0, 1)
	return slices.DeleteFunc(bars, func(b market.Bar) bool {
		return !b.Time.Before(end) || !iv.End(b.Time).After(from)
	})
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
