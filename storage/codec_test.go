package storage

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vnstock-api/vnstock-api/market"
)

func yearOfBars(n int) []market.Bar {
	bars := make([]market.Bar, n)
	t0 := time.Date(2024, 1, 2, 0, 0, 0, 0, market.ICT)
	for i := range bars {
		p := 60000 + float64(i*10)
		bars[i] = market.Bar{Symbol: "VNM", Interval: market.Interval1D, Time: t0.AddDate(0, 0, i),
			Open: p, High: p + 400, Low: p - 300.5, Close: p + 100, Volume: int64(2_000_000 + i), Closed: i%2 == 0, Source: "kbs"}
	}
	return bars
}

func TestAnswerRoundTrip(t *testing.T) {
	t.Parallel()
	fetched := time.Date(2025, 3, 12, 10, 0, 0, 123, market.ICT)
	frame := market.NewFrame("symbol", "organ_name", "rate")
	_ = frame.Append("SSI", "Công ty Chứng khoán SSI", 0.25)
	_ = frame.Append("VND", nil, int64(3))
	tests := []struct {
		name string
		a    Answer
	}{
		{"bars", Answer{Result: market.Result{Source: "kbs", PriceUnit: "vnd", FetchedAt: fetched, Bars: yearOfBars(250)}}},
		{"mixed sources", Answer{Result: market.Result{Source: "kbs", Bars: append(yearOfBars(2), market.Bar{Symbol: "VNM", Interval: market.Interval1D,
			Time: fetched.Truncate(24 * time.Hour), Open: 1.5, Source: "vci"})}}},
		{"stale bars", Answer{Result: market.Result{Source: "vci", PriceUnit: "vnd", Bars: yearOfBars(3)}, Stale: true}},
		{"empty", Answer{Result: market.Result{Source: "kbs", PriceUnit: "vnd"}}},
		{"frame", Answer{Result: market.Result{Source: "kbs", PriceUnit: "vnd", FetchedAt: fetched, Frame: frame}}},
		{"empty frame keeps columns", Answer{Result: market.Result{Source: "kbs", Frame: market.NewFrame("a", "b")}}},
		{"trades", Answer{Result: market.Result{Source: "kbs", Trades: []market.Trade{{Symbol: "VNM", Time: fetched.Truncate(time.Second), Price: 61000, Volume: 100, Side: market.SideBuy, TotalVolume: 100, ID: "1"}}}}},
		{"quotes", Answer{Result: market.Result{Source: "kbs", Quotes: []market.Quote{{Symbol: "VNM", Exchange: market.HOSE, Time: fetched.Truncate(time.Second), Ref: 60000, Last: 61000,
			Bids: []market.Level{{Price: 60900, Volume: 100}}, Asks: []market.Level{{Price: 61000, Volume: 200}}}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := encodeAnswer(nil, tt.a)
			if err != nil {
				t.Fatal(err)
			}
			got, err := decodeAnswer(b)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.a, got, cmp.Comparer(func(x, y time.Time) bool { return x.Equal(y) })); diff != "" {
				t.Fatalf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeAnswerRejectsCorruptBytes(t *testing.T) {
	t.Parallel()
	good, _ := encodeAnswer(nil, Answer{Result: market.Result{Source: "kbs", Bars: yearOfBars(2)}})
	for _, b := range [][]byte{nil, {2}, {1, 0, 'S'}, {2, 0, 'X'}, good[:len(good)-1], append(append([]byte{}, good...), 0)} {
		if _, err := decodeAnswer(b); err == nil {
			t.Errorf("decodeAnswer(%v) accepted corrupt bytes", b)
		}
	}
}

func FuzzDecodeAnswer(f *testing.F) {
	for _, a := range []Answer{
		{Result: market.Result{Source: "kbs", Bars: yearOfBars(3)}},
		{Result: market.Result{Frame: market.NewFrame("a")}, Stale: true},
	} {
		b, _ := encodeAnswer(nil, a)
		f.Add(b)
	}
	f.Add([]byte(`{"source":"x","frame":{"columns":["a"],"rows":[{"a":1}]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := decodeAnswer(b)
		if err != nil {
			return
		}
		if _, err := encodeAnswer(nil, a); err != nil {
			t.Fatalf("a decoded answer does not encode: %v", err)
		}
	})
}

func FuzzDecodeResult(f *testing.F) {
	f.Add([]byte(`{"source":"kbs","frame":{"columns":["a","b"],"rows":[{"b":1,"a":"x"},{"c":true}]}}`))
	f.Add([]byte(`{"bars":[{"time":"2024-01-02T00:00:00+07:00","open":1}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeResult(b)
		if err != nil || r.Frame == nil {
			return
		}
		for _, row := range r.Frame.Rows {
			if len(row) != len(r.Frame.Columns) {
				t.Fatalf("row has %d cells for %d columns", len(row), len(r.Frame.Columns))
			}
		}
	})
}

func BenchmarkDecodeAnswerYear(b *testing.B) {
	enc, _ := encodeAnswer(nil, Answer{Result: market.Result{Source: "kbs", PriceUnit: "vnd", Bars: yearOfBars(250)}})
	b.SetBytes(int64(len(enc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeAnswer(enc); err != nil {
			b.Fatal(err)
		}
	}
}
