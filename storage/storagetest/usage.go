package storagetest

import (
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
)

func testUsageAdds(t *testing.T, s storage.Store) {
	ctx := ctxOf(t)
	d := day(10)
	must(t, s.AddUsage(ctx, []storage.Usage{
		{KeyID: "k1", Day: d, Class: "rest", Requests: 3, Bytes: 300},
		{KeyID: "k1", Day: d, Class: "ws", StreamSeconds: 60, Events: 1000, Bytes: 5000},
	}))
	must(t, s.AddUsage(ctx, []storage.Usage{
		// Any time of the ICT day counts for that day, whatever its zone.
		{KeyID: "k1", Day: d.Add(23 * time.Hour).UTC(), Class: "rest", Requests: 2, Bytes: 20},
		// Twice in one call: both add.
		{KeyID: "k1", Day: d.Add(time.Hour), Class: "ws", StreamSeconds: 5, Events: 1},
		{KeyID: "k1", Day: d, Class: "ws", StreamSeconds: 5, Events: 1},
	}))
	must(t, s.AddUsage(ctx, nil))
	got, err := s.Usage(ctx, "k1", d, d)
	must(t, err)
	want := []storage.Usage{
		{KeyID: "k1", Day: d, Class: "rest", Requests: 5, Bytes: 320},
		{KeyID: "k1", Day: d, Class: "ws", StreamSeconds: 70, Events: 1002, Bytes: 5000},
	}
	if df := diff(want, got); df != "" {
		t.Errorf("usage (-want +got):\n%s", df)
	}
	for _, u := range got {
		inICT(t, "usage day", u.Day)
		if !u.Day.Equal(market.Date(u.Day)) {
			t.Errorf("usage day %v is not a midnight", u.Day)
		}
	}
}

func testUsageFilters(t *testing.T, s storage.Store) {
	ctx := ctxOf(t)
	var rows []storage.Usage
	for _, k := range []string{"k1", "k2"} {
		for i := range 5 {
			rows = append(rows, storage.Usage{KeyID: k, Day: day(i), Class: "rest", Requests: int64(10*i + 1)})
		}
	}
	must(t, s.AddUsage(ctx, rows))
	row := func(k string, i int) storage.Usage {
		return storage.Usage{KeyID: k, Day: day(i), Class: "rest", Requests: int64(10*i + 1)}
	}
	tests := []struct {
		name     string
		key      string
		from, to time.Time
		want     []storage.Usage
	}{
		{"one key, inclusive days", "k2", day(1), day(3), []storage.Usage{row("k2", 1), row("k2", 2), row("k2", 3)}},
		{"all keys, by day then key", "", day(3), day(4), []storage.Usage{row("k1", 3), row("k2", 3), row("k1", 4), row("k2", 4)}},
		{"bounds inside days", "k1", day(1).Add(20 * time.Hour), day(2).Add(time.Hour), []storage.Usage{row("k1", 1), row("k1", 2)}},
		{"UTC bounds are ICT days", "k1", day(2).UTC(), day(2).Add(12 * time.Hour).UTC(), []storage.Usage{row("k1", 2)}},
		{"open from", "k1", time.Time{}, day(0), []storage.Usage{row("k1", 0)}},
		{"open to", "k1", day(4), time.Time{}, []storage.Usage{row("k1", 4)}},
		{"inverted", "k1", day(3), day(1), nil},
		{"unknown key", "k9", time.Time{}, time.Time{}, nil},
	}
	for _, tc := range tests {
		got, err := s.Usage(ctx, tc.key, tc.from, tc.to)
		must(t, err)
		if d := diff(tc.want, got); d != "" {
			t.Errorf("%s: Usage(%q, %v, %v) (-want +got):\n%s", tc.name, tc.key, tc.from, tc.to, d)
		}
	}
}

func testUsageInvalid(t *testing.T, s storage.Store) {
	ctx := ctxOf(t)
	good := storage.Usage{KeyID: "k1", Day: day(0), Class: "rest", Requests: 1}
	tests := []struct {
		name string
		edit func(*storage.Usage)
	}{
		{"no key", func(u *storage.Usage) { u.KeyID = "" }},
		{"no class", func(u *storage.Usage) { u.Class = "" }},
		{"no day", func(u *storage.Usage) { u.Day = time.Time{} }},
		{"negative", func(u *storage.Usage) { u.Bytes = -1 }},
	}
	for _, tc := range tests {
		bad := good
		tc.edit(&bad)
		wantErr(t, s.AddUsage(ctx, []storage.Usage{good, bad}), market.ErrInvalid, tc.name)
	}
	got, err := s.Usage(ctx, "", time.Time{}, time.Time{})
	must(t, err)
	if len(got) != 0 {
		t.Errorf("refused usage was added: %v", got)
	}
}
