package market

import (
	"time"
)

// Interval is a bar length as the API names it.
type Interval string

// The intervals of the API. Live `bar:` topics carry 1m to 1D.
const (
	Interval1m  Interval = "1m"
	Interval5m  Interval = "5m"
	Interval15m Interval = "15m"
	Interval30m Interval = "30m"
	Interval1H  Interval = "1H"
	Interval1D  Interval = "1D"
	Interval1W  Interval = "1W"
	Interval1M  Interval = "1M"
)

// Intervals lists every interval, shortest first.
var Intervals = [...]Interval{Interval1m, Interval5m, Interval15m, Interval30m, Interval1H, Interval1D, Interval1W, Interval1M}

// LiveIntervals are the intervals of the live `bar:` topics.
var LiveIntervals = [...]Interval{Interval1m, Interval5m, Interval15m, Interval30m, Interval1H, Interval1D}

// ParseInterval accepts the API's interval names.
func ParseInterval(s string) (Interval, error) {
	for _, iv := range Intervals {
		if string(iv) == s {
			return iv, nil
		}
	}
	return "", Invalid("interval", "%q is not one of 1m,5m,15m,30m,1H,1D,1W,1M", s)
}

// Duration is the fixed length of intraday intervals and days; weeks and
// months return 0 because their length varies.
func (iv Interval) Duration() time.Duration {
	switch iv {
	case Interval1m:
		return time.Minute
	case Interval5m:
		return 5 * time.Minute
	case Interval15m:
		return 15 * time.Minute
	case Interval30m:
		return 30 * time.Minute
	case Interval1H:
		return time.Hour
	case Interval1D:
		return 24 * time.Hour
	}
	return 0
}

// Intraday reports whether iv is shorter than a day.
func (iv Interval) Intraday() bool { d := iv.Duration(); return d > 0 && d < 24*time.Hour }

// Start returns the start of the bar of interval iv that contains t, in ICT:
// minutes and hours align to the ICT clock, days to ICT midnight, weeks to
// Monday and months to the first day.
func (iv Interval) Start(t time.Time) time.Time {
	t = t.In(ICT)
	switch iv {
	case Interval1D:
		return Date(t)
	case Interval1W:
		d := Date(t)
		return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
	case Interval1M:
		y, m, _ := t.Date()
		return time.Date(y, m, 1, 0, 0, 0, 0, ICT)
	}
	d := iv.Duration()
	if d == 0 {
		return t
	}
	day := Date(t)
	return day.Add(t.Sub(day).Truncate(d))
}

// Bar is one OHLCV bar. Prices are VND for stocks (decimal points for indices,
// carried in the same float fields); Time is the bar's start in ICT.
type Bar struct {
	Symbol   Symbol
	Interval Interval
	Time     time.Time
	Open     float64
	High     float64
	Low      float64
	Close    float64
	Volume   int64
	Closed   bool // the bar is final
	Source   string
}

// AppendJSON appends the bar's JSON object, `time` first (the hub keys bar
// conflation on it), then vnstock's ohlcv columns.
func (r *Bar) AppendJSON(b []byte) []byte {
	b = append(b, '{')
	b = appendTimeField(b, "time", r.Time)
	b = appendStringField(b, "symbol", string(r.Symbol))
	if r.Interval != "" {
		b = appendStringField(b, "interval", string(r.Interval))
	}
	b = appendFloatField(b, "open", r.Open)
	b = appendFloatField(b, "high", r.High)
	b = appendFloatField(b, "low", r.Low)
	b = appendFloatField(b, "close", r.Close)
	b = appendIntField(b, "volume", r.Volume)
	b = appendBoolField(b, "closed", r.Closed)
	if r.Source != "" {
		b = appendStringField(b, "source", r.Source)
	}
	return append(b, '}')
}

// MarshalJSON implements json.Marshaler with AppendJSON.
func (r Bar) MarshalJSON() ([]byte, error) { return r.AppendJSON(nil), nil }

// Add folds a trade at price p and volume v into the bar.
func (r *Bar) Add(p float64, v int64) {
	if r.Volume == 0 && r.Open == 0 {
		r.Open, r.High, r.Low = p, p, p
	}
	r.High = max(r.High, p)
	r.Low = min(r.Low, p)
	r.Close = p
	r.Volume += v
}
