package market

import "time"

// End returns when the bar of iv that starts at start ends, which is where
// the next one starts: a week or a calendar month later for 1W and 1M, the
// next ICT midnight for 1D, start plus Duration for intraday intervals.
func (iv Interval) End(start time.Time) time.Time {
	switch iv {
	case Interval1W:
		return start.AddDate(0, 0, 7)
	case Interval1M:
		return start.AddDate(0, 1, 0)
	case Interval1D:
		return start.AddDate(0, 0, 1)
	}
	return start.Add(iv.Duration())
}

// Resample folds bars, sorted by time, into bars of interval iv, each
// stamped with iv.Start of its period (minutes on the ICT clock, weeks from
// Monday, months from the 1st) and keeping the first bar's symbol and
// source: the first open, the last close, the extreme high and low, the
// summed volume. A bar is Closed only when every bar folded into it is.
// bars is not modified.
func Resample(bars []Bar, iv Interval) []Bar {
	out := make([]Bar, 0, len(bars)/2+1)
	for _, b := range bars {
		start := iv.Start(b.Time)
		if n := len(out); n > 0 && out[n-1].Time.Equal(start) {
			last := &out[n-1]
			last.High = max(last.High, b.High)
			last.Low = min(last.Low, b.Low)
			last.Close = b.Close
			last.Volume += b.Volume
			last.Closed = last.Closed && b.Closed
			continue
		}
		b.Time, b.Interval = start, iv
		out = append(out, b)
	}
	return out
}

// MarkClosed sets each bar's Closed to whether its period (its Interval's
// End of its Time) is over at now.
func MarkClosed(bars []Bar, now time.Time) {
	for i := range bars {
		bars[i].Closed = !bars[i].Interval.End(bars[i].Time).After(now)
	}
}
