package rest

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
)

// liveTimeout bounds the hub read of an OHLCV request: a slow broker costs
// the live bar, never the answer.
const liveTimeout = 250 * time.Millisecond

// liveAssets are the asset classes whose symbols the live feed streams;
// the others (forex, crypto, commodity) never take a hub bar, so a symbol
// that happens to share a stock's code cannot pick one up.
var liveAssets = [...]string{market.AssetEquity, market.AssetIndex, market.AssetETF, market.AssetFutures, market.AssetWarrant}

// mergeLive replaces or appends today's forming bar with the hub's last
// value of `bar:<SYM>:<interval>` when the request's range includes today
// (ICT). The answer's bars are never modified: a merged answer gets a new
// slice and v.live. Without a hub, a topic or a bar of today, a is
// returned unchanged.
func (s *Server) mergeLive(ctx context.Context, q market.Query, now time.Time, a storage.Answer, v view) (storage.Answer, view) {
	if s.live == nil || !slices.Contains(market.LiveIntervals[:], q.Interval) || !slices.Contains(liveAssets[:], q.Asset) {
		return a, v
	}
	today := market.Date(now)
	if !q.Start.IsZero() && q.Start.After(today) || !q.End.IsZero() && q.End.Before(today) {
		return a, v
	}
	bar, ok := s.liveBar(ctx, q)
	if !ok || !market.Date(bar.Time).Equal(today) || bar.Time.After(now) {
		return a, v
	}
	bars, ok := mergeBar(a.Bars, bar)
	if !ok {
		return a, v
	}
	a.Bars, v.live = bars, true
	return a, v
}

// liveBar reads the hub's last bar of the query's symbol and interval.
func (s *Server) liveBar(ctx context.Context, q market.Query) (market.Bar, bool) {
	ctx, cancel := context.WithTimeout(ctx, liveTimeout)
	defer cancel()
	topic := market.Topic{Kind: market.KindBar, Symbol: q.Symbol, Interval: q.Interval}.String()
	evs, _ := s.live.Snapshot(ctx, []string{topic})
	for _, ev := range evs {
		if ev == nil || ev.Topic != topic {
			continue
		}
		var b market.Bar
		if err := json.Unmarshal(ev.Data, &b); err != nil {
			s.log.WarnContext(ctx, "live bar undecodable", "topic", topic, "err", err)
			return market.Bar{}, false
		}
		if b.Time.IsZero() || b.Symbol != "" && b.Symbol != q.Symbol || b.Interval != "" && b.Interval != q.Interval ||
			!q.Interval.Start(b.Time).Equal(b.Time) {
			return market.Bar{}, false
		}
		b.Symbol, b.Interval = q.Symbol, q.Interval
		return b, true
	}
	return market.Bar{}, false
}

// mergeBar returns a copy of bars (sorted by time) with live replacing the
// bar of the same time or appended after the last one. It refuses (false)
// when bars already run past live's time: the stored series is ahead of
// the feed, so the hub's value is not the forming bar.
func mergeBar(bars []market.Bar, live market.Bar) ([]market.Bar, bool) {
	n := len(bars)
	switch {
	case n == 0 || bars[n-1].Time.Before(live.Time):
		out := make([]market.Bar, n, n+1)
		copy(out, bars)
		return append(out, live), true
	case bars[n-1].Time.Equal(live.Time):
		out := slices.Clone(bars)
		out[n-1] = live
		return out, true
	}
	return nil, false
}
