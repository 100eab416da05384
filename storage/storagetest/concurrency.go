package storagetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
)

// parallel runs f(0..n-1) at once and reports every error.
func parallel(t *testing.T, n int, f func(i int) error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() { errs[i] = f(i) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("worker %d: %v", i, err)
		}
	}
}

// writerBars returns n bars of key from day 0 whose every number is w, so
// that a row mixing two writers' values shows.
func writerBars(key storage.SeriesKey, n, w int) []market.Bar {
	out := make([]market.Bar, n)
	for i := range out {
		out[i] = market.Bar{Symbol: key.Symbol, Interval: key.Interval, Time: day(i), Open: float64(w), High: float64(w), Low: float64(w), Close: float64(w),
			Volume: int64(w), Closed: true, Source: fmt.Sprint("w", w)}
	}
	return out
}

// inWriterOrder reverses odd writers' batches, so that writers meet rows in
// opposite orders: a store that locks rows in input order deadlocks.
func inWriterOrder(bars []market.Bar, w int) []market.Bar {
	if w%2 == 1 {
		return reversed(bars)
	}
	return bars
}

func testConcurrentUpserts(t *testing.T, s storage.Store) {
	ctx := ctxOf(t)
	shared := vnmDaily()
	const writers, big, small = 6, 2500, 300
	parallel(t, writers, func(w int) error {
		n := small
		if w%3 == 0 {
			n = big // a bulk path where a store has one
		}
		own := storage.SeriesKey{Symbol: market.Symbol(fmt.Sprint("W", w)), Asset: market.AssetEquity, Interval: market.Interval1D}
		for range 2 {
			if err := s.UpsertBars(ctx, shared, inWriterOrder(writerBars(shared, n, w+1), w)); err != nil {
				return err
			}
			if err := s.UpsertBars(ctx, own, inWriterOrder(writerBars(own, small, w+1), w)); err != nil {
				return err
			}
		}
		return nil
	})
	got := readAll(t, s, shared)
	if len(got) != big {
		t.Errorf("shared series has %d bars, want %d", len(got), big)
	}
	for _, b := range got {
		w := b.Open
		if b.High != w || b.Low != w || b.Close != w || float64(b.Volume) != w || b.Source != fmt.Sprint("w", w) {
			t.Fatalf("bar %v mixes writers' values: %+v", b.Time, b)
		}
	}
	for w := range writers {
		own := storage.SeriesKey{Symbol: market.Symbol(fmt.Sprint("W", w)), Asset: market.AssetEquity, Interval: market.Interval1D}
		if d := diff(writerBars(own, small, w+1), readAll(t, s, own)); d != "" {
			t.Errorf("writer %d's own series (-want +got):\n%s", w, d)
		}
	}
}

func testConcurrentCoverage(t *testing.T, s storage.Store) {
	ctx := ctxOf(t)
	key := vnmDaily()
	const n = 24
	parallel(t, n, func(i int) error {
		// Adjacent one-day ranges, some twice, some overlapping by a day.
		if err := s.AddCoverage(ctx, key, storage.Range{From: day(i), To: day(i + 1)}); err != nil {
			return err
		}
		if i%4 == 0 {
			return s.AddCoverage(ctx, key, storage.Range{From: day(i), To: day(i + 2)})
		}
		return nil
	})
	got, err := s.Coverage(ctx, key)
	must(t, err)
	if d := diff([]storage.Range{{From: day(0), To: day(n)}}, got); d != "" {
		t.Errorf("coverage after concurrent adds (-want +got):\n%s", d)
	}
}

func testConcurrentCounters(t *testing.T, s storage.Store) {
	ctx := ctxOf(t)
	const workers, rounds = 8, 10
	tr := tape("VNM", 50)
	parallel(t, workers, func(w int) error {
		rows := []storage.Usage{
			{KeyID: "k1", Day: day(0), Class: "rest", Requests: 1, Bytes: 10},
			{KeyID: "k2", Day: day(0), Class: "rest", Requests: 1, Bytes: 10},
		}
		if w%2 == 1 {
			rows = reversed(rows) // opposite order: a store that locks in input order deadlocks
		}
		for r := range rounds {
			if err := s.AddUsage(ctx, rows); err != nil {
				return err
			}
			lo := (w*7 + r*3) % 40
			batch := tr[lo : lo+10]
			if r%2 == 1 {
				batch = reversed(batch)
			}
			if err := s.AppendTrades(ctx, batch); err != nil {
				return err
			}
		}
		return nil
	})
	got, err := s.Usage(ctx, "", time.Time{}, time.Time{})
	must(t, err)
	want := []storage.Usage{
		{KeyID: "k1", Day: day(0), Class: "rest", Requests: workers * rounds, Bytes: 10 * workers * rounds},
		{KeyID: "k2", Day: day(0), Class: "rest", Requests: workers * rounds, Bytes: 10 * workers * rounds},
	}
	if d := diff(want, got); d != "" {
		t.Errorf("usage after concurrent adds (-want +got):\n%s", d)
	}
	stored, err := s.Trades(ctx, "VNM", time.Time{}, 1000)
	must(t, err)
	seen := map[time.Time]bool{}
	for _, tr := range stored {
		if seen[tr.Time] {
			t.Errorf("trade at %v stored twice", tr.Time)
		}
		seen[tr.Time] = true
	}
	// Which trades were written depends on the windows above; compute it.
	written := map[int]bool{}
	for w := range workers {
		for r := range rounds {
			lo := (w*7 + r*3) % 40
			for i := lo; i < lo+10; i++ {
				written[i] = true
			}
		}
	}
	if len(stored) != len(written) {
		t.Errorf("%d trades stored, want %d", len(stored), len(written))
	}
}
