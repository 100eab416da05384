package market

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestIntervalEnd(t *testing.T) {
	t.Parallel()
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, ICT) }
	tests := []struct {
		iv         Interval
		start, end time.Time
	}{
		{Interval1m, at(2025, 3, 21, 9, 15), at(2025, 3, 21, 9, 16)},
		{Interval30m, at(2025, 3, 21, 14, 30), at(2025, 3, 21, 15, 0)},
		{Interval1H, at(2025, 3, 21, 23, 0), at(2025, 3, 22, 0, 0)},
		{Interval1D, at(2025, 3, 31, 0, 0), at(2025, 4, 1, 0, 0)},
		{Interval1W, at(2024, 12, 30, 0, 0), at(2025, 1, 6, 0, 0)},
		{Interval1M, at(2024, 2, 1, 0, 0), at(2024, 3, 1, 0, 0)},
		{Interval1M, at(2024, 12, 1, 0, 0), at(2025, 1, 1, 0, 0)},
	}
	for _, tt := range tests {
		if got := tt.iv.End(tt.start); !got.Equal(tt.end) {
			t.Errorf("%s.End(%s) = %s, want %s", tt.iv, tt.start, got, tt.end)
		}
	}
}

func TestResample(t *testing.T) {
	t.Parallel()
	bar := func(h, m int, o, hi, lo, c float64, v int64) Bar {
		return Bar{Symbol: "FPT", Time: time.Date(2025, 3, 21, h, m, 0, 0, ICT), Interval: Interval1m,
			Open: o, High: hi, Low: lo, Close: c, Volume: v, Closed: true, Source: "vci"}
	}
	in := []Bar{bar(9, 15, 10, 11, 9, 10, 100), bar(9, 16, 10, 12, 10, 11, 200), bar(9, 29, 11, 11, 8, 9, 50),
		bar(9, 30, 9, 9, 9, 9, 10), bar(11, 29, 9, 10, 9, 10, 5), bar(13, 0, 10, 10, 10, 10, 1)}
	in[5].Closed = false
	orig := append([]Bar(nil), in...)
	out := func(h, m int, o, hi, lo, c float64, v int64, closed bool) Bar {
		return Bar{Symbol: "FPT", Time: time.Date(2025, 3, 21, h, m, 0, 0, ICT), Interval: Interval30m,
			Open: o, High: hi, Low: lo, Close: c, Volume: v, Closed: closed, Source: "vci"}
	}
	want := []Bar{out(9, 0, 10, 12, 8, 9, 350, true), out(9, 30, 9, 9, 9, 9, 10, true),
		out(11, 0, 9, 10, 9, 10, 5, true), out(13, 0, 10, 10, 10, 10, 1, false)}
	if d := cmp.Diff(want, Resample(in, Interval30m)); d != "" {
		t.Errorf("Resample (-want +got):\n%s", d)
	}
	if d := cmp.Diff(orig, in); d != "" {
		t.Errorf("Resample modified its input:\n%s", d)
	}
	if got := Resample(nil, Interval1W); len(got) != 0 {
		t.Errorf("Resample(nil) = %v", got)
	}
}

func TestResampleWeeksAndMonths(t *testing.T) {
	t.Parallel()
	day := func(m time.Month, d int, c float64) Bar {
		return Bar{Time: time.Date(2025, m, d, 0, 0, 0, 0, ICT), Interval: Interval1D, Open: c, High: c, Low: c, Close: c, Volume: 1}
	}
	// Fri 31 Jan, Mon 3 Feb, Fri 7 Feb, Mon 10 Feb.
	days := []Bar{day(1, 31, 1), day(2, 3, 2), day(2, 7, 3), day(2, 10, 4)}
	var got []string
	for _, b := range Resample(days, Interval1W) {
		got = append(got, b.Time.Format(time.DateOnly))
	}
	if want := []string{"2025-01-27", "2025-02-03", "2025-02-10"}; !cmp.Equal(want, got) {
		t.Errorf("weeks %v, want %v", got, want)
	}
	months := Resample(days, Interval1M)
	if len(months) != 2 || months[1].Open != 2 || months[1].Close != 4 || months[1].Volume != 3 {
		t.Errorf("months %+v", months)
	}
}

func TestMarkClosed(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 21, 10, 0, 0, 0, ICT)
	bars := []Bar{
		{Interval: Interval1m, Time: now.Add(-time.Minute)},                                 // ended at now
		{Interval: Interval1m, Time: now.Add(-30 * time.Second)},                            // ends after now
		{Interval: Interval1D, Time: time.Date(2025, 3, 20, 0, 0, 0, 0, ICT)},               // yesterday
		{Interval: Interval1D, Time: time.Date(2025, 3, 21, 0, 0, 0, 0, ICT), Closed: true}, // today
		{Interval: Interval1W, Time: time.Date(2025, 3, 17, 0, 0, 0, 0, ICT)},               // this week
	}
	MarkClosed(bars, now)
	var got []bool
	for _, b := range bars {
		got = append(got, b.Closed)
	}
	if want := []bool{true, false, true, false, false}; !cmp.Equal(want, got) {
		t.Errorf("closed %v, want %v", got, want)
	}
}
