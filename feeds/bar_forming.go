package feeds

import (
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// Forming bars: the live `bar:SYM:IV` topics fold trades into the bar of the
// interval that contains them. The simulator and the board poller share
// these two steps.

// foldTrade folds a trade at price p and volume v, made at `at`, into b,
// the forming bar of sym for interval iv. When b still holds an earlier
// interval, that bar is returned with Closed set (ok) and b restarts with
// the trade. A zero-volume b is an empty slot.
func foldTrade(b *market.Bar, sym market.Symbol, iv market.Interval, source string, p float64, v int64, at time.Time) (closed market.Bar, ok bool) {
	start := iv.Start(at)
	if b.Volume > 0 && !b.Time.Equal(start) {
		closed, ok = *b, true
		closed.Closed = true
		*b = market.Bar{}
	}
	if b.Volume == 0 {
		*b = market.Bar{Symbol: sym, Interval: iv, Time: start, Source: source}
	}
	b.Add(p, v)
	return closed, ok
}

// barDue reports whether b holds a bar whose interval has ended by now.
func barDue(b *market.Bar, now time.Time) bool {
	return b.Volume > 0 && !now.Before(b.Time.Add(b.Interval.Duration()))
}
