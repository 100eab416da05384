package market

import (
	"slices"
	"time"
)

// Calendar is the trading calendar of the Vietnamese exchanges in ICT: which
// days trade (Monday to Friday except the exchanges' holidays) and which phase
// each exchange is in at a given instant. It is immutable once built and safe
// for concurrent use. Callers pass the time; nothing here reads a clock.
//
// The phases follow docs/upstream-realtime.md section 11. UPCOM matches
// continuously until 15:00 with no closing auction, as every broker page says
// (the vnstock-derived catalogue's "UPCOM ends 14:30" loses). Feeds that carry
// their own session field should prefer it: the exchanges have stretched a
// phase after a data delay before.
type Calendar struct {
	holidays  map[int]struct{}       // dayKey of each non-trading weekday
	schedules map[Exchange][]segment // the phases of a trading day
}

// NewCalendar returns a calendar with the given holidays. Each holiday is the
// calendar date of t in t's own location, so time.Date(2026, 1, 1, 0, 0, 0, 0,
// time.UTC) means 1 January whatever the zone; the time of day is ignored.
func NewCalendar(holidays []time.Time) *Calendar {
	c := &Calendar{holidays: make(map[int]struct{}, len(holidays)), schedules: map[Exchange][]segment{}}
	for _, ex := range Exchanges {
		c.schedules[ex] = schedule(ex)
	}
	for _, h := range holidays {
		y, m, d := h.Date()
		c.holidays[y*10000+int(m)*100+d] = struct{}{}
	}
	return c
}

// dayKey identifies the ICT calendar day of t as yyyymmdd.
func dayKey(t time.Time) int {
	y, m, d := t.In(ICT).Date()
	return y*10000 + int(m)*100 + d
}

// IsHoliday reports whether the ICT day of t is one of the calendar's holidays.
func (c *Calendar) IsHoliday(t time.Time) bool {
	_, ok := c.holidays[dayKey(t)]
	return ok
}

// IsTradingDay reports whether the ICT day of t is a weekday that is not a
// holiday.
func (c *Calendar) IsTradingDay(t time.Time) bool {
	switch t.In(ICT).Weekday() {
	case time.Saturday, time.Sunday:
		return false
	}
	return !c.IsHoliday(t)
}

// TradingDays returns the trading days from the ICT day of from to the ICT day
// of to, both included, each as midnight ICT. It returns nil when to is
// before from.
func (c *Calendar) TradingDays(from, to time.Time) []time.Time {
	first, last := Date(from), Date(to)
	var out []time.Time
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		if c.IsTradingDay(d) {
			out = append(out, d)
		}
	}
	return out
}

// segment is a phase that starts at an offset from midnight ICT and lasts
// until the next segment of the day starts.
type segment struct {
	start time.Duration
	phase Phase
}

func hm(h, m int) time.Duration { return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute }

// schedule returns the phases of a trading day of ex, starting at midnight
// with pre_open and ending with closed; nil for an unknown exchange.
func schedule(ex Exchange) []segment {
	switch ex {
	case HOSE:
		return []segment{
			{0, PhasePreOpen}, {hm(9, 0), PhaseATO}, {hm(9, 15), PhaseContinuous},
			{hm(11, 30), PhaseLunchBreak}, {hm(13, 0), PhaseContinuous}, {hm(14, 30), PhaseATC},
			{hm(14, 45), PhasePutThrough}, {hm(15, 0), PhaseClosed},
		}
	case HNX:
		return []segment{
			{0, PhasePreOpen}, {hm(9, 0), PhaseContinuous}, {hm(11, 30), PhaseLunchBreak},
			{hm(13, 0), PhaseContinuous}, {hm(14, 30), PhaseATC},
			{hm(14, 45), PhasePutThrough}, {hm(15, 0), PhaseClosed}, // 14:45-15:00 is PLO
		}
	case UPCOM:
		return []segment{
			{0, PhasePreOpen}, {hm(9, 0), PhaseContinuous}, {hm(11, 30), PhaseLunchBreak},
			{hm(13, 0), PhaseContinuous}, {hm(15, 0), PhaseClosed},
		}
	case DER:
		return []segment{
			{0, PhasePreOpen}, {hm(8, 45), PhaseATO}, {hm(9, 0), PhaseContinuous},
			{hm(11, 30), PhaseLunchBreak}, {hm(13, 0), PhaseContinuous}, {hm(14, 30), PhaseATC},
			{hm(14, 45), PhaseClosed},
		}
	}
	return nil
}

// Phase returns the phase of ex at t: closed all day on weekends and
// holidays, pre_open on a trading day until the first auction or match,
// closed after the last phase. An unknown exchange is always closed.
func (c *Calendar) Phase(ex Exchange, t time.Time) Phase {
	sched := c.schedules[ex]
	if sched == nil || !c.IsTradingDay(t) {
		return PhaseClosed
	}
	day := Date(t)
	off := t.Sub(day)
	i, found := slices.BinarySearchFunc(sched, off, func(s segment, off time.Duration) int {
		return compareDuration(s.start, off)
	})
	if !found {
		i-- // the segment that started before off; sched[0] starts at 0
	}
	return sched[i].phase
}

func compareDuration(a, b time.Duration) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// maxClosedDays bounds the search for the next trading day, far beyond the
// longest real closure (Tet plus two weekends is nine days).
const maxClosedDays = 366

// Next returns the first phase change of ex strictly after t and the instant
// it happens, crossing weekends and holidays: after the close it is pre_open
// at midnight ICT of the next trading day. It returns ("", zero time) for an
// unknown exchange or when no trading day follows within a year.
func (c *Calendar) Next(ex Exchange, t time.Time) (Phase, time.Time) {
	sched := c.schedules[ex]
	if sched == nil {
		return "", time.Time{}
	}
	cur := c.Phase(ex, t)
	day := Date(t)
	if c.IsTradingDay(day) {
		off := t.Sub(day)
		for _, s := range sched[1:] {
			if s.start > off && s.phase != cur {
				return s.phase, day.Add(s.start)
			}
		}
	}
	for i := 1; i <= maxClosedDays; i++ {
		d := day.AddDate(0, 0, i)
		if c.IsTradingDay(d) {
			return sched[0].phase, d
		}
	}
	return "", time.Time{}
}

// NextOpen returns the first instant after t at which ex starts trading (its
// opening auction, or continuous matching where there is none), crossing
// weekends and holidays; the zero time for an unknown exchange or when no
// trading day follows within a year.
func (c *Calendar) NextOpen(ex Exchange, t time.Time) time.Time {
	sched := c.schedules[ex]
	if sched == nil {
		return time.Time{}
	}
	open := sched[1].start
	day := Date(t)
	for i := 0; i <= maxClosedDays; i++ {
		d := day.AddDate(0, 0, i)
		if at := d.Add(open); at.After(t) && c.IsTradingDay(d) {
			return at
		}
	}
	return time.Time{}
}

// State returns the `session:<ex>` payload at t: the phase, t itself in ICT,
// and the next phase with its start.
func (c *Calendar) State(ex Exchange, t time.Time) SessionState {
	next, at := c.Next(ex, t)
	return SessionState{Exchange: ex, Phase: c.Phase(ex, t), Time: t.In(ICT), Next: next, NextAt: at}
}

// DefaultCalendar returns the calendar with the HOSE/HNX trading holidays of
// 2024 to 2027 (see vnHolidays). Dates outside those years only skip
// weekends; a deployment running later needs the new year's list added.
func DefaultCalendar() *Calendar {
	days := vnHolidays()
	hs := make([]time.Time, len(days))
	for i, d := range days {
		hs[i] = time.Date(d[0], time.Month(d[1]), d[2], 0, 0, 0, 0, ICT)
	}
	return NewCalendar(hs)
}

// vnHolidays lists the weekdays on which HOSE and HNX (and so UPCOM and the
// derivatives market) do not trade. The exchanges publish the list every
// December for the next year (HOSE's "lịch nghỉ giao dịch" notice), following
// the Labor Code holidays plus the government's swapped working days; the
// make-up Saturdays are never trading days. Update this table yearly.
func vnHolidays() [][3]int {
	return [][3]int{
		// 2024 (HOSE notice 1943/TB-SGDHCM; 29/4 swapped with Sat 4/5).
		{2024, 1, 1},                                                            // New Year
		{2024, 2, 8}, {2024, 2, 9}, {2024, 2, 12}, {2024, 2, 13}, {2024, 2, 14}, // Tet
		{2024, 4, 18},                              // Hung Kings
		{2024, 4, 29}, {2024, 4, 30}, {2024, 5, 1}, // 30/4, 1/5 (+ swapped Monday)
		{2024, 9, 2}, {2024, 9, 3}, // National Day
		// 2025 (2/5 swapped with Sat 26/4).
		{2025, 1, 1},
		{2025, 1, 27}, {2025, 1, 28}, {2025, 1, 29}, {2025, 1, 30}, {2025, 1, 31},
		{2025, 4, 7},
		{2025, 4, 30}, {2025, 5, 1}, {2025, 5, 2},
		{2025, 9, 1}, {2025, 9, 2},
		// 2026 (HOSE notice of December 2025; 31/8 swapped with Sat 22/8).
		{2026, 1, 1},
		{2026, 2, 16}, {2026, 2, 17}, {2026, 2, 18}, {2026, 2, 19}, {2026, 2, 20},
		{2026, 4, 27}, // Hung Kings falls on Sun 26/4
		{2026, 4, 30}, {2026, 5, 1},
		{2026, 8, 31}, {2026, 9, 1}, {2026, 9, 2},
		// 2027: provisional, derived from the Labor Code (Tet is Sat 6/2, Hung
		// Kings Fri 16/4, 1/5 a Saturday moved to Mon 3/5, National Day Thu 2/9
		// plus Fri 3/9) until the exchanges publish the official list.
		{2027, 1, 1},
		{2027, 2, 4}, {2027, 2, 5}, {2027, 2, 8}, {2027, 2, 9}, {2027, 2, 10},
		{2027, 4, 16},
		{2027, 4, 30}, {2027, 5, 3},
		{2027, 9, 2}, {2027, 9, 3},
	}
}
