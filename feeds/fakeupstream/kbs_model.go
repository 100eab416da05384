package fakeupstream

import (
	"hash/fnv"
	"math"
	"strconv"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// kbsModel synthesises KBS answers for what was not recorded. Every value
// is a pure function of its inputs (symbol, day, minute, 2-second board
// bucket), so overlapping requests agree and storage tests can ask for any
// range. It holds no state.
type kbsModel struct {
	dir *market.Directory
	cal *market.Calendar
}

func newKBSModel() kbsModel {
	return kbsModel{dir: market.DefaultDirectory(), cal: market.DefaultCalendar()}
}

// hash01 is a deterministic value in [0, 1) of its parts.
func hash01(parts ...string) float64 {
	h := fnv.New64a()
	for _, p := range parts {
		_, _ = h.Write([]byte(p))
		_, _ = h.Write([]byte{0})
	}
	return float64(h.Sum64()>>11) / (1 << 53)
}

// noise is a deterministic value in [-1, 1).
func noise(parts ...string) float64 { return 2*hash01(parts...) - 1 }

// exchange is sym's exchange in the directory (HOSE when unknown).
func (m kbsModel) exchange(sym string) market.Exchange {
	if ex, ok := m.dir.Exchange(market.Symbol(sym)); ok {
		return ex
	}
	return market.HOSE
}

// isIndex reports whether sym is one of KBS's six indices.
func isKBSIndex(sym string) bool {
	switch sym {
	case "VNINDEX", "HNXINDEX", "UPCOMINDEX", "VN30", "HNX30", "VN100":
		return true
	}
	return false
}

// dayNumber counts ICT days since 2000-01-01.
func dayNumber(day time.Time) float64 {
	return math.Floor(market.Date(day).Sub(time.Date(2000, 1, 1, 0, 0, 0, 0, market.ICT)).Hours() / 24)
}

// level is the smooth price level of sym on day: VND for stocks (8k-100k),
// points for indices (900-1900).
func (m kbsModel) level(sym string, day time.Time) float64 {
	base := 8000 + 92000*hash01(sym, "base")
	if isKBSIndex(sym) {
		base = 900 + 1000*hash01(sym, "base")
	}
	d, phase := dayNumber(day), 6.28*hash01(sym, "phase")
	return base * (1 + 0.2*math.Sin(d/37+phase) + 0.08*math.Sin(d/9+2*phase))
}

// dayBar is sym's daily bar on day: open, high, low, close and volume.
func (m kbsModel) dayBar(sym string, day time.Time) (o, h, l, c float64, v int64) {
	key := day.Format(time.DateOnly)
	lv := m.level(sym, day)
	o = lv * (1 + 0.012*noise(sym, key, "o"))
	c = lv * (1 + 0.012*noise(sym, key, "c"))
	h = max(o, c) * (1 + 0.01*hash01(sym, key, "h"))
	l = min(o, c) * (1 - 0.01*hash01(sym, key, "l"))
	v = int64(2000+48000*hash01(sym, key, "v")) * 100
	if isKBSIndex(sym) {
		v *= 100
	}
	return m.round(sym, o), m.round(sym, h), m.round(sym, l), m.round(sym, c), v
}

// round keeps two decimals for indices and 10 VND steps for stocks.
func (m kbsModel) round(sym string, p float64) float64 {
	if isKBSIndex(sym) {
		return math.Round(p*100) / 100
	}
	return math.Round(p/10) * 10
}

// minuteBar is sym's bar of span minutes starting at start, inside the
// day's range.
func (m kbsModel) minuteBar(sym string, start time.Time, span int) (o, h, l, c float64, v int64) {
	do, dh, dl, dc, dv := m.dayBar(sym, start)
	key := start.Format(time.DateTime) + "/" + strconv.Itoa(span)
	mid := func(tag string) float64 {
		frac := 0.5 + 0.5*math.Sin(float64(start.Hour()*60+start.Minute())/47+6.28*hash01(sym, key, tag))
		return dl + (dh-dl)*frac
	}
	o, c = mid("o"), mid("c")
	if start.Hour() == 9 && start.Minute() < 15+span {
		o = do
	}
	if start.Hour() == 14 && start.Minute() >= 45-span {
		c = dc
	}
	h = min(dh, max(o, c)*(1+0.002*hash01(sym, key, "h")))
	l = max(dl, min(o, c)*(1-0.002*hash01(sym, key, "l")))
	v = max(int64(float64(dv)/225*float64(span)*(0.5+hash01(sym, key, "v")))/100*100, 100)
	return m.round(sym, o), m.round(sym, h), m.round(sym, l), m.round(sym, c), v
}

// sessionMinutes are the bar start minutes of a trading day for a bar of
// span minutes: the continuous sessions 09:15-11:30 and 13:00-14:30, then
// the closing auction at 14:45.
func sessionMinutes(span int) []int {
	var out []int
	for _, s := range [2][2]int{{9*60 + 15, 11*60 + 30}, {13 * 60, 14*60 + 30}} {
		first := s[0] / span * span
		for m := first; m < s[1]; m += span {
			out = append(out, m)
		}
	}
	atc := (14*60 + 45) / span * span
	if out[len(out)-1] != atc {
		out = append(out, atc)
	}
	return out
}

// boardBucket is the 2-second step of the synthetic board at t.
func boardBucket(t time.Time) int64 { return t.UnixMilli() / 2000 }

// tradedSeconds is how many seconds of continuous matching the day of t
// has had by t (09:15-11:30, 13:00-14:30, ATC at 14:45).
func tradedSeconds(t time.Time) int64 {
	day := market.Date(t)
	var n time.Duration
	for _, s := range [2][2]time.Duration{{9*time.Hour + 15*time.Minute, 11*time.Hour + 30*time.Minute}, {13 * time.Hour, 14*time.Hour + 30*time.Minute}} {
		if off := t.Sub(day); off > s[0] {
			n += min(off, s[1]) - s[0]
		}
	}
	return int64(n / time.Second)
}

// lastTradingDay is the latest trading day on or before t.
func (m kbsModel) lastTradingDay(t time.Time) time.Time {
	d := market.Date(t)
	for i := 0; i < 30 && !m.cal.IsTradingDay(d); i++ {
		d = d.AddDate(0, 0, -1)
	}
	return d
}
