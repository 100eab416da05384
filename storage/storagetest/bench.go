package storagetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
)

// tradingDays returns the first n weekdays from 2024-01-01 as closed daily
// bars of key: a year of daily bars is about 250 of them.
func tradingDays(key storage.SeriesKey, n int) []market.Bar {
	out := make([]market.Bar, 0, n)
	for d := day(0); len(out) < n; d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		p := float64(60000 + 100*(len(out)%50))
		out = append(out, market.Bar{Symbol: key.Symbol, Interval: key.Interval, Time: d, Open: p, High: p + 500,
			Low: p - 300, Close: p + 200, Volume: int64(100_000 + len(out)), Closed: true, Source: "kbs"})
	}
	return out
}

// BenchReadYear measures reading one year (250 bars) of one daily series
// out of a store that also holds other series.
func BenchReadYear(b *testing.B, s storage.Store) {
	ctx := b.Context()
	key := vnmDaily()
	for _, sym := range []market.Symbol{"FPT", "VNM", "HPG"} {
		k := key
		k.Symbol = sym
		if err := s.UpsertBars(ctx, k, tradingDays(k, 750)); err != nil {
			b.Fatal(err)
		}
	}
	year := storage.Range{From: day(0), To: day(0).AddDate(1, 0, 0)}
	got, err := s.Bars(ctx, key, year)
	if err != nil || len(got) != 262 {
		b.Fatalf("Bars of 2024 = %d bars, %v; want 262 weekdays", len(got), err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Bars(ctx, key, year); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(got)), "bars/op")
}

// BenchUpsert measures upserting n bars in one call: "insert" writes a new
// series each time, "update" rewrites one series with changed prices.
func BenchUpsert(b *testing.B, s storage.Store, n int) {
	b.Run("insert", func(b *testing.B) {
		ctx := b.Context()
		i := 0
		b.ReportAllocs()
		for b.Loop() {
			key := storage.SeriesKey{Symbol: market.Symbol(fmt.Sprint("B", i)), Asset: market.AssetEquity, Interval: market.Interval1m}
			i++
			if err := s.UpsertBars(ctx, key, minuteBars(key, n, 0)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "bars/s")
	})
	b.Run("update", func(b *testing.B) {
		ctx := b.Context()
		key := storage.SeriesKey{Symbol: "UPD", Asset: market.AssetEquity, Interval: market.Interval1m}
		if err := s.UpsertBars(ctx, key, minuteBars(key, n, 0)); err != nil {
			b.Fatal(err)
		}
		i := 1
		b.ReportAllocs()
		for b.Loop() {
			if err := s.UpsertBars(ctx, key, minuteBars(key, n, i)); err != nil {
				b.Fatal(err)
			}
			i++
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "bars/s")
	})
}

// minuteBars returns n one-minute bars of key from 2024-01-01 09:00 ICT,
// prices shifted by shift so that each call changes every row.
func minuteBars(key storage.SeriesKey, n, shift int) []market.Bar {
	t0 := day(0).Add(9 * time.Hour)
	out := make([]market.Bar, n)
	for i := range out {
		p := float64(60000 + 10*(i%100) + shift)
		out[i] = market.Bar{Symbol: key.Symbol, Interval: key.Interval, Time: t0.Add(time.Duration(i) * time.Minute),
			Open: p, High: p + 50, Low: p - 50, Close: p + 10, Volume: int64(1000 + i), Closed: true, Source: "kbs"}
	}
	return out
}
