package storage_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
)

// memStore is an in-memory storage.Repository for the Service's unit tests.
type memStore struct {
	mu   sync.Mutex
	bars map[storage.SeriesKey]map[int64]market.Bar
	cov  map[storage.SeriesKey][]storage.Range
	docs map[string]storage.Doc
}

func newMemStore() *memStore {
	return &memStore{bars: map[storage.SeriesKey]map[int64]market.Bar{}, cov: map[storage.SeriesKey][]storage.Range{}, docs: map[string]storage.Doc{}}
}

// forget drops everything stored.
func (m *memStore) forget() {
	m.mu.Lock()
	defer m.mu.Unlock()
	clear(m.bars)
	clear(m.cov)
	clear(m.docs)
}

func (m *memStore) UpsertBars(_ context.Context, key storage.SeriesKey, bars []market.Bar) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.bars[key]
	if s == nil {
		s = map[int64]market.Bar{}
		m.bars[key] = s
	}
	for _, b := range bars {
		s[b.Time.UnixNano()] = b
	}
	return nil
}

func (m *memStore) Bars(_ context.Context, key storage.SeriesKey, r storage.Range) ([]market.Bar, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []market.Bar
	for _, b := range m.bars[key] {
		if !b.Time.Before(r.From) && b.Time.Before(r.To) {
			out = append(out, b)
		}
	}
	slices.SortFunc(out, func(a, b market.Bar) int { return a.Time.Compare(b.Time) })
	return out, nil
}

func (m *memStore) AddCoverage(_ context.Context, key storage.SeriesKey, r storage.Range) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	rs := append(m.cov[key], r)
	slices.SortFunc(rs, func(a, b storage.Range) int { return a.From.Compare(b.From) })
	merged := rs[:1]
	for _, x := range rs[1:] {
		last := &merged[len(merged)-1]
		if !x.From.After(last.To) {
			if x.To.After(last.To) {
				last.To = x.To
			}
			continue
		}
		merged = append(merged, x)
	}
	m.cov[key] = merged
	return nil
}

func (m *memStore) Coverage(_ context.Context, key storage.SeriesKey) ([]storage.Range, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.cov[key]), nil
}

func (m *memStore) PutDoc(_ context.Context, d storage.Doc) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.docs[string(d.Kind)+"\x00"+d.Key] = d
	return nil
}

func (m *memStore) Doc(_ context.Context, kind market.Capability, key string) (storage.Doc, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.docs[string(kind)+"\x00"+key]
	if !ok {
		return storage.Doc{}, fmt.Errorf("doc %s: %w", key, market.ErrNotFound)
	}
	return d, nil
}

// fakeFetcher answers like an upstream: a daily bar for every weekday of the
// asked range (it knows nothing of holidays, as upstreams omit them anyway
// only when the exchange is shut), a frame for other capabilities. It counts
// calls and records the ranges asked; down makes it fail; gate, when set,
// holds every call until closed.
type fakeFetcher struct {
	calls  atomic.Int64
	down   atomic.Bool
	gate   chan struct{}
	mu     sync.Mutex
	ranges [][2]string // [start, end] of each OHLCV call, as dates
	cal    *market.Calendar
}

func newFetcher() *fakeFetcher { return &fakeFetcher{cal: market.DefaultCalendar()} }

func (f *fakeFetcher) Fetch(ctx context.Context, q market.Query) (market.Result, error) {
	f.calls.Add(1)
	if f.gate != nil {
		select {
		case <-f.gate:
		case <-ctx.Done():
			return market.Result{}, ctx.Err()
		}
	}
	if f.down.Load() {
		return market.Result{}, fmt.Errorf("fake: connection refused: %w", market.ErrUpstream)
	}
	if q.Symbol == "NOPE" {
		return market.Result{}, fmt.Errorf("fake: %s: %w", q.Symbol, market.ErrNotFound)
	}
	if q.Capability != market.CapOHLCV {
		fr := market.NewFrame("symbol", "organ_name")
		_ = fr.Append(string(q.Symbol), fmt.Sprintf("call %d", f.calls.Load()))
		return market.Result{Source: "fake", Frame: fr}, nil
	}
	f.mu.Lock()
	f.ranges = append(f.ranges, [2]string{q.Start.Format(time.DateOnly), q.End.Format(time.DateOnly)})
	f.mu.Unlock()
	var bars []market.Bar
	for _, d := range f.cal.TradingDays(q.Start, q.End) {
		if q.Interval != market.Interval1D {
			d = d.Add(9 * time.Hour)
		}
		p := float64(60000 + d.YearDay()*10)
		bars = append(bars, market.Bar{Time: d, Open: p, High: p + 500, Low: p - 500, Close: p + 100, Volume: int64(1000 + d.Day())})
	}
	return market.Result{Source: "fake", Bars: bars}, nil
}

func (f *fakeFetcher) asked() [][2]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.ranges)
}

func (f *fakeFetcher) reset() {
	f.calls.Store(0)
	f.mu.Lock()
	f.ranges = nil
	f.mu.Unlock()
}

// clock is an injected, settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// day returns midnight ICT of an ISO date.
func day(t testing.TB, s string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, s, market.ICT)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
