package market

import (
	"testing"
	"time"
)

func TestQueryDay(t *testing.T) {
	t.Parallel()
	// 2025-01-15 23:30 in UTC is already the 16th in ICT.
	now := time.Date(2025, 1, 15, 23, 30, 0, 0, time.UTC)
	tests := []struct {
		name string
		date time.Time
		want string
	}{
		{"zero is today in ICT", time.Time{}, "2025-01-16"},
		{"a date", time.Date(2025, 1, 10, 15, 0, 0, 0, ICT), "2025-01-10"},
		{"a UTC instant", time.Date(2025, 1, 9, 20, 0, 0, 0, time.UTC), "2025-01-10"},
	}
	for _, tt := range tests {
		got := Query{Date: tt.date}.Day(now)
		if got.Format(time.DateOnly) != tt.want || got.Location() != ICT || got.Hour() != 0 {
			t.Errorf("%s: Day = %s, want %s 00:00 ICT", tt.name, got, tt.want)
		}
	}
}
