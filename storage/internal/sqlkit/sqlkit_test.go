package sqlkit

import (
	"errors"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
)

func TestLoadMigrations(t *testing.T) {
	t.Parallel()
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	tests := []struct {
		name    string
		files   fstest.MapFS
		want    []Migration
		wantErr bool
	}{
		{"sorted by number, not name", fstest.MapFS{
			"m/0010_ten.sql": file("10"), "m/2_two.sql": file("2"), "m/1_one.sql": file("1"),
			"m/0003_three.sql": file("3"), "m/4_four.sql": file("4"), "m/5_5.sql": file("5"),
			"m/6_6.sql": file("6"), "m/7_7.sql": file("7"), "m/8_8.sql": file("8"), "m/9_9.sql": file("9"),
			"m/README.md": file("not a migration"),
		}, nil, false},
		{"gap", fstest.MapFS{"m/0001_a.sql": file(""), "m/0003_c.sql": file("")}, nil, true},
		{"duplicate", fstest.MapFS{"m/0001_a.sql": file(""), "m/1_b.sql": file("")}, nil, true},
		{"no name", fstest.MapFS{"m/0001.sql": file("")}, nil, true},
		{"zero", fstest.MapFS{"m/0000_a.sql": file("")}, nil, true},
		{"not a number", fstest.MapFS{"m/v1_a.sql": file("")}, nil, true},
		{"empty dir", fstest.MapFS{}, []Migration{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := LoadMigrations(tc.files, "m")
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if tc.want != nil {
				if d := cmp.Diff(tc.want, got); d != "" {
					t.Errorf("(-want +got):\n%s", d)
				}
			}
			for i, m := range got {
				if m.Version != i+1 {
					t.Errorf("migration %d has version %d", i, m.Version)
				}
			}
		})
	}
	got, err := LoadMigrations(fstest.MapFS{"m/0002_b.sql": file("B"), "m/0001_a.sql": file("A")}, "m")
	want := []Migration{{1, "0001_a", "A"}, {2, "0002_b", "B"}}
	if d := cmp.Diff(want, got); err != nil || d != "" {
		t.Errorf("LoadMigrations = %v (-want +got):\n%s", err, d)
	}
}

func TestMergeRanges(t *testing.T) {
	t.Parallel()
	h := func(n int) time.Time { return time.Date(2024, 1, 1, n, 0, 0, 0, time.UTC) }
	r := func(a, b int) storage.Range { return storage.Range{From: h(a), To: h(b)} }
	tests := []struct {
		name string
		in   []storage.Range
		want []storage.Range
	}{
		{"empty", nil, nil},
		{"touching", []storage.Range{r(2, 3), r(1, 2)}, []storage.Range{r(1, 3)}},
		{"overlap and gap", []storage.Range{r(5, 7), r(1, 3), r(2, 4)}, []storage.Range{r(1, 4), r(5, 7)}},
		{"empty ranges dropped", []storage.Range{r(2, 2), r(4, 3), r(5, 6)}, []storage.Range{r(5, 6)}},
		{"contained", []storage.Range{r(1, 9), r(2, 3), r(4, 5)}, []storage.Range{r(1, 9)}},
	}
	for _, tc := range tests {
		if d := cmp.Diff(tc.want, MergeRanges(tc.in)); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, d)
		}
	}
}

func TestPrepareBars(t *testing.T) {
	t.Parallel()
	key := storage.SeriesKey{Symbol: "VNM", Interval: market.Interval1D}
	d := func(n int) time.Time { return time.Date(2024, 1, n, 0, 0, 0, 0, market.ICT) }
	in := []market.Bar{{Time: d(3), Close: 1}, {Time: d(1), Close: 2}, {Time: d(3).UTC(), Close: 3}, {Time: d(2), Close: 4}}
	got, err := PrepareBars(key, in)
	if err != nil {
		t.Fatal(err)
	}
	var closes []float64
	for _, b := range got {
		closes = append(closes, b.Close)
	}
	if d := cmp.Diff([]float64{2, 4, 3}, closes); d != "" {
		t.Errorf("sorted, last of equal times wins (-want +got):\n%s", d)
	}
	if in[0].Close != 1 || in[2].Close != 3 {
		t.Error("PrepareBars changed its input")
	}
	_, err = PrepareBars(key, []market.Bar{{Symbol: "FPT", Time: d(1)}})
	var fe *market.FieldError
	if !errors.As(err, &fe) || fe.Field != "symbol" {
		t.Errorf("bar of another symbol: err = %v, want a FieldError on symbol", err)
	}
}

func TestPrepareUsage(t *testing.T) {
	t.Parallel()
	d := time.Date(2024, 3, 5, 0, 0, 0, 0, market.ICT)
	got, err := PrepareUsage([]storage.Usage{
		{KeyID: "b", Day: d, Class: "rest", Requests: 1},
		{KeyID: "a", Day: d.Add(20 * time.Hour).UTC(), Class: "rest", Requests: 2},
		{KeyID: "a", Day: d, Class: "rest", Requests: 3, Bytes: 7},
	})
	want := []storage.Usage{
		{KeyID: "a", Day: d, Class: "rest", Requests: 5, Bytes: 7},
		{KeyID: "b", Day: d, Class: "rest", Requests: 1},
	}
	if d := cmp.Diff(want, got); err != nil || d != "" {
		t.Errorf("PrepareUsage = %v (-want +got):\n%s", err, d)
	}
}

func TestCeilMicro(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct{ in, want time.Time }{
		{t0, t0},
		{t0.Add(time.Nanosecond), t0.Add(time.Microsecond)},
		{t0.Add(999 * time.Nanosecond), t0.Add(time.Microsecond)},
		{t0.Add(time.Microsecond), t0.Add(time.Microsecond)},
		{t0.Add(-time.Nanosecond), t0},
	}
	for _, tc := range tests {
		if got := CeilMicro(tc.in); !got.Equal(tc.want) {
			t.Errorf("CeilMicro(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestPrepareKeyAndDoc(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 1, 15, 9, 0, 0, 0, market.ICT)
	clock := func() time.Time { return now }
	hash := make([]byte, 32)
	keys := []struct {
		name  string
		in    storage.Key
		field string
	}{
		{"no id", storage.Key{Hash: hash}, "id"},
		{"plain key as hash", storage.Key{ID: "k", Hash: []byte("vnk_secret")}, "hash"},
		{"long prefix", storage.Key{ID: "k", Hash: hash, Prefix: "vnk_0123456789abcdef0123456789"}, "prefix"},
		{"ok", storage.Key{ID: "k", Hash: hash}, ""},
	}
	for _, c := range keys {
		k, err := PrepareKey(c.in, clock)
		var fe *market.FieldError
		switch {
		case c.field == "" && (err != nil || !k.CreatedAt.Equal(now)):
			t.Errorf("%s: %v, created %v", c.name, err, k.CreatedAt)
		case c.field != "" && (!errors.As(err, &fe) || fe.Field != c.field):
			t.Errorf("%s: error %v, want one on %s", c.name, err, c.field)
		}
	}
	set := now.Add(-time.Hour)
	if k, err := PrepareKey(storage.Key{ID: "k", Hash: hash, CreatedAt: set}, clock); err != nil || !k.CreatedAt.Equal(set) {
		t.Errorf("a set CreatedAt: %v %v", k.CreatedAt, err)
	}
	docs := []struct {
		name  string
		in    storage.Doc
		field string
	}{
		{"no kind", storage.Doc{Key: "a", Body: []byte(`{}`)}, "kind"},
		{"no key", storage.Doc{Kind: market.CapCompany, Body: []byte(`{}`)}, "key"},
		{"not JSON", storage.Doc{Kind: market.CapCompany, Key: "a", Body: []byte(`{`)}, "body"},
		{"ok", storage.Doc{Kind: market.CapCompany, Key: "a", Body: []byte(`{}`)}, ""},
	}
	for _, c := range docs {
		d, err := PrepareDoc(c.in, clock)
		var fe *market.FieldError
		switch {
		case c.field == "" && (err != nil || !d.FetchedAt.Equal(now)):
			t.Errorf("%s: %v, fetched %v", c.name, err, d.FetchedAt)
		case c.field != "" && (!errors.As(err, &fe) || fe.Field != c.field):
			t.Errorf("%s: error %v, want one on %s", c.name, err, c.field)
		}
	}
}

func TestPrepareTrades(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 3, 21, 9, 15, 0, 0, market.ICT)
	in := []market.Trade{
		{Symbol: "VNM", Time: at, Price: 61000, Volume: 100, ID: "2"},
		{Symbol: "FPT", Time: at, Price: 120000, Volume: 10, ID: "1"},
		{Symbol: "VNM", Time: at, Price: 61000, Volume: 100, ID: "1"},
	}
	orig := append([]market.Trade(nil), in...)
	got, err := PrepareTrades(in)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, tr := range got {
		ids = append(ids, string(tr.Symbol)+tr.ID)
	}
	if d := cmp.Diff([]string{"FPT1", "VNM1", "VNM2"}, ids); d != "" {
		t.Errorf("order (-want +got):\n%s", d)
	}
	if d := cmp.Diff(orig, in); d != "" {
		t.Errorf("input modified:\n%s", d)
	}
	for _, c := range []struct {
		trade market.Trade
		field string
	}{{market.Trade{Time: at}, "symbol"}, {market.Trade{Symbol: "VNM"}, "time"}} {
		var fe *market.FieldError
		if _, err := PrepareTrades([]market.Trade{c.trade}); !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%+v: error %v, want one on %s", c.trade, err, c.field)
		}
	}
}
