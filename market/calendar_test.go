package market

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// ict builds an ICT instant.
func ict(y int, m time.Month, d, hh, mm, ss int) time.Time {
	return time.Date(y, m, d, hh, mm, ss, 0, ICT)
}

func TestIsTradingDay(t *testing.T) {
	t.Parallel()
	c := DefaultCalendar()
	tests := []struct {
		name string
		t    time.Time
		want bool
	}{
		{"ordinary Tuesday", ict(2026, 3, 10, 10, 0, 0), true},
		{"Saturday", ict(2026, 3, 14, 10, 0, 0), false},
		{"Sunday", ict(2026, 3, 15, 10, 0, 0), false},
		{"New Year 2024", ict(2024, 1, 1, 10, 0, 0), false},
		{"2 Jan 2026 trades", ict(2026, 1, 2, 10, 0, 0), true},
		{"Tet 2026 first day", ict(2026, 2, 16, 10, 0, 0), false},
		{"Tet 2026 last day", ict(2026, 2, 20, 10, 0, 0), false},
		{"after Tet 2026", ict(2026, 2, 23, 10, 0, 0), true},
		{"Tet 2025", ict(2025, 1, 29, 10, 0, 0), false},
		{"Hung Kings 2025", ict(2025, 4, 7, 10, 0, 0), false},
		{"Hung Kings 2026 moved to Monday", ict(2026, 4, 27, 10, 0, 0), false},
		{"swapped Monday 2024", ict(2024, 4, 29, 10, 0, 0), false},
		{"swapped Friday 2025", ict(2025, 5, 2, 10, 0, 0), false},
		{"make-up Saturday 2026 does not trade", ict(2026, 8, 22, 10, 0, 0), false},
		{"National Day eve 2026", ict(2026, 8, 31, 10, 0, 0), false},
		{"National Day 2026", ict(2026, 9, 2, 10, 0, 0), false},
		{"after National Day 2026", ict(2026, 9, 3, 10, 0, 0), true},
		{"National Day 2027 provisional", ict(2027, 9, 3, 10, 0, 0), false},
		// 2026-03-10 17:30 UTC is already Wednesday 00:30 in ICT.
		{"UTC evening is next ICT day", time.Date(2026, 3, 13, 17, 30, 0, 0, time.UTC), false},
		{"UTC morning same ICT day", time.Date(2026, 3, 13, 1, 0, 0, 0, time.UTC), true},
		{"year without a table only skips weekends", ict(2030, 1, 1, 10, 0, 0), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := c.IsTradingDay(tt.t); got != tt.want {
				t.Errorf("IsTradingDay(%v) = %v, want %v", tt.t, got, tt.want)
			}
		})
	}
}

func TestDefaultHolidaysAreWeekdays(t *testing.T) {
	t.Parallel()
	for _, d := range vnHolidays() {
		day := time.Date(d[0], time.Month(d[1]), d[2], 0, 0, 0, 0, ICT)
		if day.Month() != time.Month(d[1]) || day.Day() != d[2] {
			t.Errorf("%v is not a real date", d)
		}
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			t.Errorf("holiday %s falls on a %s: only weekdays belong in the table", day.Format(time.DateOnly), wd)
		}
	}
	for y := 2024; y <= 2027; y++ {
		// Every year has New Year, five Tet days, Hung Kings, 30/4-1/5 and 2/9.
		n := 0
		for _, d := range vnHolidays() {
			if d[0] == y {
				n++
			}
		}
		if n < 10 {
			t.Errorf("%d has %d holidays, want at least 10", y, n)
		}
	}
}

func TestNewCalendarUsesDateOfGivenZone(t *testing.T) {
	t.Parallel()
	// Midnight in UTC+9 is the previous evening in ICT, yet it names 2 March.
	tokyo := time.FixedZone("JST", 9*3600)
	c := NewCalendar([]time.Time{time.Date(2026, 3, 2, 0, 0, 0, 0, tokyo)})
	if c.IsTradingDay(ict(2026, 3, 2, 12, 0, 0)) {
		t.Error("2 March should be a holiday")
	}
	if !c.IsTradingDay(ict(2026, 2, 27, 12, 0, 0)) {
		t.Error("27 February should trade")
	}
	if NewCalendar(nil).IsHoliday(ict(2026, 1, 1, 0, 0, 0)) {
		t.Error("an empty calendar has no holidays")
	}
}

func TestPhase(t *testing.T) {
	t.Parallel()
	c := DefaultCalendar()
	day := func(hh, mm, ss int) time.Time { return ict(2026, 3, 10, hh, mm, ss) } // a Tuesday
	tests := []struct {
		name string
		ex   Exchange
		t    time.Time
		want Phase
	}{
		{"HOSE midnight", HOSE, day(0, 0, 0), PhasePreOpen},
		{"HOSE before open", HOSE, day(8, 59, 59), PhasePreOpen},
		{"HOSE ATO starts", HOSE, day(9, 0, 0), PhaseATO},
		{"HOSE ATO ends", HOSE, day(9, 14, 59), PhaseATO},
		{"HOSE continuous", HOSE, day(9, 15, 0), PhaseContinuous},
		{"HOSE lunch", HOSE, day(11, 30, 0), PhaseLunchBreak},
		{"HOSE lunch end", HOSE, day(12, 59, 59), PhaseLunchBreak},
		{"HOSE afternoon", HOSE, day(13, 0, 0), PhaseContinuous},
		{"HOSE ATC", HOSE, day(14, 30, 0), PhaseATC},
		{"HOSE put-through", HOSE, day(14, 45, 0), PhasePutThrough},
		{"HOSE closed", HOSE, day(15, 0, 0), PhaseClosed},
		{"HOSE evening", HOSE, day(23, 59, 59), PhaseClosed},
		{"HNX before open", HNX, day(8, 59, 0), PhasePreOpen},
		{"HNX opens continuous", HNX, day(9, 0, 0), PhaseContinuous},
		{"HNX lunch", HNX, day(12, 0, 0), PhaseLunchBreak},
		{"HNX ATC", HNX, day(14, 44, 59), PhaseATC},
		{"HNX PLO", HNX, day(14, 45, 0), PhasePutThrough},
		{"HNX closed", HNX, day(15, 0, 0), PhaseClosed},
		{"UPCOM opens continuous", UPCOM, day(9, 0, 0), PhaseContinuous},
		{"UPCOM lunch", UPCOM, day(11, 30, 0), PhaseLunchBreak},
		{"UPCOM no ATC", UPCOM, day(14, 35, 0), PhaseContinuous},
		{"UPCOM continuous to 15:00", UPCOM, day(14, 59, 59), PhaseContinuous},
		{"UPCOM closed", UPCOM, day(15, 0, 0), PhaseClosed},
		{"DER before ATO", DER, day(8, 44, 59), PhasePreOpen},
		{"DER ATO", DER, day(8, 45, 0), PhaseATO},
		{"DER continuous", DER, day(9, 0, 0), PhaseContinuous},
		{"DER lunch", DER, day(11, 30, 0), PhaseLunchBreak},
		{"DER ATC", DER, day(14, 30, 0), PhaseATC},
		{"DER closed at 14:45", DER, day(14, 45, 0), PhaseClosed},
		{"Saturday closed", HOSE, ict(2026, 3, 14, 10, 0, 0), PhaseClosed},
		{"holiday closed", HOSE, ict(2026, 4, 30, 10, 0, 0), PhaseClosed},
		{"holiday closed before open", DER, ict(2026, 4, 30, 8, 0, 0), PhaseClosed},
		{"UTC input", HOSE, time.Date(2026, 3, 10, 2, 20, 0, 0, time.UTC), PhaseContinuous},
		{"unknown exchange", Exchange("NYSE"), day(10, 0, 0), PhaseClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := c.Phase(tt.ex, tt.t); got != tt.want {
				t.Errorf("Phase(%s, %v) = %q, want %q", tt.ex, tt.t, got, tt.want)
			}
		})
	}
}

func TestNext(t *testing.T) {
	t.Parallel()
	c := DefaultCalendar()
	tests := []struct {
		name   string
		ex     Exchange
		t      time.Time
		want   Phase
		wantAt time.Time
	}{
		{"HOSE pre-open to ATO", HOSE, ict(2026, 3, 10, 8, 0, 0), PhaseATO, ict(2026, 3, 10, 9, 0, 0)},
		{"at a boundary the next one counts", HOSE, ict(2026, 3, 10, 9, 0, 0), PhaseContinuous, ict(2026, 3, 10, 9, 15, 0)},
		{"HOSE morning to lunch", HOSE, ict(2026, 3, 10, 10, 0, 0), PhaseLunchBreak, ict(2026, 3, 10, 11, 30, 0)},
		{"HOSE ATC to put-through", HOSE, ict(2026, 3, 10, 14, 40, 0), PhasePutThrough, ict(2026, 3, 10, 14, 45, 0)},
		{"HOSE put-through to close", HOSE, ict(2026, 3, 10, 14, 50, 0), PhaseClosed, ict(2026, 3, 10, 15, 0, 0)},
		{"after close to next midnight", HOSE, ict(2026, 3, 10, 16, 0, 0), PhasePreOpen, ict(2026, 3, 11, 0, 0, 0)},
		{"Friday close crosses weekend", HOSE, ict(2026, 3, 13, 15, 0, 0), PhasePreOpen, ict(2026, 3, 16, 0, 0, 0)},
		{"Saturday", HNX, ict(2026, 3, 14, 9, 30, 0), PhasePreOpen, ict(2026, 3, 16, 0, 0, 0)},
		{"crosses Tet 2026", HOSE, ict(2026, 2, 13, 15, 30, 0), PhasePreOpen, ict(2026, 2, 23, 0, 0, 0)},
		{"crosses 30/4 2026", UPCOM, ict(2026, 4, 29, 15, 0, 0), PhasePreOpen, ict(2026, 5, 4, 0, 0, 0)},
		{"UPCOM afternoon to close", UPCOM, ict(2026, 3, 10, 14, 30, 0), PhaseClosed, ict(2026, 3, 10, 15, 0, 0)},
		{"DER ATC to close", DER, ict(2026, 3, 10, 14, 31, 0), PhaseClosed, ict(2026, 3, 10, 14, 45, 0)},
		{"DER pre-open to ATO", DER, ict(2026, 3, 10, 7, 0, 0), PhaseATO, ict(2026, 3, 10, 8, 45, 0)},
		{"unknown exchange", Exchange("X"), ict(2026, 3, 10, 7, 0, 0), "", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, at := c.Next(tt.ex, tt.t)
			if got != tt.want || !at.Equal(tt.wantAt) {
				t.Errorf("Next(%s, %v) = %q at %v, want %q at %v", tt.ex, tt.t, got, at, tt.want, tt.wantAt)
			}
		})
	}
}

// TestNextAgreesWithPhase walks a fortnight around Tet minute by minute and
// checks that Phase changes exactly where Next says it does.
func TestNextAgreesWithPhase(t *testing.T) {
	t.Parallel()
	c := DefaultCalendar()
	for _, ex := range Exchanges {
		t.Run(string(ex), func(t *testing.T) {
			t.Parallel()
			start, end := ict(2026, 2, 12, 0, 0, 0), ict(2026, 2, 25, 0, 0, 0)
			next, at := c.Next(ex, start)
			for m := start; m.Before(end); m = m.Add(time.Minute) {
				p := c.Phase(ex, m)
				if m.Equal(at) {
					if p != next {
						t.Fatalf("%v: phase %q, Next promised %q", m, p, next)
					}
					next, at = c.Next(ex, m)
					if p == next {
						t.Fatalf("%v: Next returned the current phase %q", m, p)
					}
					continue
				}
				if m.After(at) {
					t.Fatalf("%v: passed the promised change at %v", m, at)
				}
				if prev := c.Phase(ex, m.Add(-time.Minute)); m.After(start) && prev != p {
					t.Fatalf("%v: phase changed %q -> %q where Next did not say", m, prev, p)
				}
			}
		})
	}
}

func TestNextOpen(t *testing.T) {
	t.Parallel()
	c := DefaultCalendar()
	tests := []struct {
		name string
		ex   Exchange
		t    time.Time
		want time.Time
	}{
		{"HOSE same morning", HOSE, ict(2026, 3, 10, 8, 0, 0), ict(2026, 3, 10, 9, 0, 0)},
		{"HOSE after open goes to tomorrow", HOSE, ict(2026, 3, 10, 9, 0, 0), ict(2026, 3, 11, 9, 0, 0)},
		{"DER opens 08:45", DER, ict(2026, 3, 10, 1, 0, 0), ict(2026, 3, 10, 8, 45, 0)},
		{"across Tet", HNX, ict(2026, 2, 13, 12, 0, 0), ict(2026, 2, 23, 9, 0, 0)},
		{"unknown exchange", Exchange("X"), ict(2026, 3, 10, 1, 0, 0), time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := c.NextOpen(tt.ex, tt.t); !got.Equal(tt.want) {
				t.Errorf("NextOpen = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNextNoTradingDay(t *testing.T) {
	t.Parallel()
	var all []time.Time
	for d := ict(2026, 1, 1, 0, 0, 0); d.Year() < 2028; d = d.AddDate(0, 0, 1) {
		all = append(all, d)
	}
	c := NewCalendar(all)
	if p, at := c.Next(HOSE, ict(2026, 1, 1, 12, 0, 0)); p != "" || !at.IsZero() {
		t.Errorf("Next = %q at %v, want nothing within a year", p, at)
	}
	if at := c.NextOpen(HOSE, ict(2026, 1, 1, 12, 0, 0)); !at.IsZero() {
		t.Errorf("NextOpen = %v, want zero", at)
	}
}

func TestTradingDays(t *testing.T) {
	t.Parallel()
	c := DefaultCalendar()
	days := func(ds ...int) []time.Time {
		var out []time.Time
		for i := 0; i < len(ds); i += 3 {
			out = append(out, ict(ds[i], time.Month(ds[i+1]), ds[i+2], 0, 0, 0))
		}
		return out
	}
	tests := []struct {
		name     string
		from, to time.Time
		want     []time.Time
	}{
		{"week around Tet 2026", ict(2026, 2, 12, 15, 0, 0), ict(2026, 2, 24, 1, 0, 0),
			days(2026, 2, 12, 2026, 2, 13, 2026, 2, 23, 2026, 2, 24)},
		{"one day inclusive", ict(2026, 3, 10, 23, 0, 0), ict(2026, 3, 10, 1, 0, 0), days(2026, 3, 10)},
		{"weekend only", ict(2026, 3, 14, 0, 0, 0), ict(2026, 3, 15, 0, 0, 0), nil},
		{"reversed", ict(2026, 3, 11, 0, 0, 0), ict(2026, 3, 10, 0, 0, 0), nil},
		{"UTC bounds are ICT days", time.Date(2026, 3, 12, 18, 0, 0, 0, time.UTC), time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC),
			days(2026, 3, 13)},
		{"National Day 2026", ict(2026, 8, 28, 0, 0, 0), ict(2026, 9, 4, 0, 0, 0),
			days(2026, 8, 28, 2026, 9, 3, 2026, 9, 4)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := c.TradingDays(tt.from, tt.to)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("TradingDays (-want +got):\n%s", diff)
			}
			for _, d := range got {
				if d.Location() != ICT || d.Hour() != 0 {
					t.Errorf("%v is not midnight ICT", d)
				}
			}
		})
	}
}

func TestTradingDaysPerYear(t *testing.T) {
	t.Parallel()
	c := DefaultCalendar()
	// HOSE announced 12 holiday sessions for 2026; 2026 has 261 weekdays.
	got := len(c.TradingDays(ict(2026, 1, 1, 0, 0, 0), ict(2026, 12, 31, 0, 0, 0)))
	if got != 261-12 {
		t.Errorf("2026 has %d trading days, want %d", got, 261-12)
	}
}

func TestState(t *testing.T) {
	t.Parallel()
	c := DefaultCalendar()
	at := time.Date(2026, 3, 10, 7, 40, 0, 0, time.UTC) // 14:40 ICT
	want := SessionState{
		Exchange: HOSE, Phase: PhaseATC, Time: ict(2026, 3, 10, 14, 40, 0),
		Next: PhasePutThrough, NextAt: ict(2026, 3, 10, 14, 45, 0),
	}
	got := c.State(HOSE, at)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("State (-want +got):\n%s", diff)
	}
	if got.Time.Location() != ICT {
		t.Errorf("State.Time is in %v, want ICT", got.Time.Location())
	}
}

func BenchmarkPhase(b *testing.B) {
	c := DefaultCalendar()
	t := ict(2026, 3, 10, 13, 37, 0)
	b.ReportAllocs()
	for b.Loop() {
		_ = c.Phase(HOSE, t)
	}
}

func TestPhaseTrading(t *testing.T) {
	t.Parallel()
	for p, want := range map[Phase]bool{
		PhasePreOpen: false, PhaseATO: true, PhaseContinuous: true, PhaseLunchBreak: false,
		PhaseATC: true, PhasePutThrough: true, PhaseClosed: false, "": false,
	} {
		if got := p.Trading(); got != want {
			t.Errorf("%q.Trading() = %v, want %v", p, got, want)
		}
	}
}
