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

func TestQueryKeyBefore(t *testing.T) {
	t.Parallel()
	base := Query{Capability: CapTrades, Symbol: "VNM", Asset: AssetEquity, Limit: 100}
	at := time.Date(2025, 3, 12, 3, 0, 0, 0, time.UTC) // 10:00 ICT
	tests := []struct {
		name   string
		before time.Time
		want   string
	}{
		{"unset", time.Time{}, "trades|sym=VNM|asset=equity|limit=100"},
		{"an instant in ICT", at, "trades|sym=VNM|asset=equity|limit=100|before=2025-03-12T10:00:00+07:00"},
		{"sub-second kept", at.Add(250 * time.Millisecond), "trades|sym=VNM|asset=equity|limit=100|before=2025-03-12T10:00:00.25+07:00"},
	}
	for _, tt := range tests {
		q := base
		q.Before = tt.before
		if got := q.Key(); got != tt.want {
			t.Errorf("%s: Key = %q, want %q", tt.name, got, tt.want)
		}
	}
	q := base
	q.Before = at.In(ICT)
	if q.Key() != (Query{Capability: CapTrades, Symbol: "VNM", Asset: AssetEquity, Limit: 100, Before: at}).Key() {
		t.Error("the same instant in two zones has two keys")
	}
}
