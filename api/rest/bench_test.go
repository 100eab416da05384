package rest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/mux"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
	"github.com/vnstock-api/vnstock-api/storage/cache"
	"github.com/vnstock-api/vnstock-api/storage/sqlite"
)

// yearFetcher is an upstream that answers daily bars for any range, after
// latency.
type yearFetcher struct {
	calls   atomic.Int64
	latency time.Duration
}

func (f *yearFetcher) Fetch(ctx context.Context, q market.Query) (market.Result, error) {
	f.calls.Add(1)
	if f.latency > 0 {
		t := time.NewTimer(f.latency)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return market.Result{}, ctx.Err()
		}
	}
	var bars []market.Bar
	for _, b := range yearOfBars(q.Symbol, 400) {
		if !b.Time.Before(q.Start) && !b.Time.After(q.End) {
			bars = append(bars, b)
		}
	}
	return market.Result{Source: "kbs", Bars: bars}, nil
}

// benchRouter is the REST routes over the real Service: the embedded
// SQLite store, the in-memory cache, a fake upstream, at 2025-03-12 10:00.
func benchRouter(b *testing.B) (*mux.Router, *yearFetcher) {
	b.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	now := func() time.Time { return time.Date(2025, 3, 12, 10, 0, 0, 0, market.ICT) }
	up := &yearFetcher{}
	svc, err := storage.New(storage.Config{Store: store, Fetcher: up, Cache: cache.NewMemory(cache.MemoryConfig{Now: now}), Now: now})
	if err != nil {
		b.Fatal(err)
	}
	r := mux.NewRouter()
	New(Config{Service: svc, Now: now}).Register(r)
	return r, up
}

// yearURL asks a year of daily bars, all of closed days.
const yearURL = "/v1/market/equity/VNM/ohlcv?start=2024-03-11&end=2025-03-10&interval=1D"

// discardWriter is a reusable ResponseWriter that keeps only the status.
type discardWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) WriteHeader(s int)   { w.status = s }
func (w *discardWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	return len(p), nil
}

// BenchmarkCachedOHLCV is one cached request for a year of daily bars
// through the REST handler (routing, validation, cache, decode, render),
// without the network.
func BenchmarkCachedOHLCV(b *testing.B) {
	r, up := benchRouter(b)
	warm := do(b, r, yearURL)
	if warm.Code != http.StatusOK || decode(b, warm).Meta["count"].(float64) < 240 {
		b.Fatalf("warm-up: %d %.200s", warm.Code, warm.Body.String())
	}
	req := httptest.NewRequest(http.MethodGet, yearURL, nil)
	b.ReportAllocs()
	defer reportCPU(b)()
	b.RunParallel(func(pb *testing.PB) {
		w := &discardWriter{h: http.Header{}}
		for pb.Next() {
			clear(w.h)
			r.ServeHTTP(w, req)
			if w.status != 0 && w.status != http.StatusOK {
				b.Fatalf("status %d", w.status)
			}
		}
	})
	if n := up.calls.Load(); n != 1 {
		b.Fatalf("%d upstream calls, want the warm-up's one", n)
	}
}

// uncachedParallelism is the concurrent requests per CPU of the uncached
// benchmark: the embedded store has one writer, so more queue behind it.
const uncachedParallelism = 1

// BenchmarkUncachedOHLCV asks a year of daily bars of a new symbol each
// time: store miss, one upstream call of 20 ms, upsert, coverage, render.
// It reports the p99 latency (target: 40 ms).
func BenchmarkUncachedOHLCV(b *testing.B) {
	r, up := benchRouter(b)
	up.latency = 20 * time.Millisecond
	var n atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	b.SetParallelism(uncachedParallelism)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			u := fmt.Sprintf("/v1/market/equity/S%d/ohlcv?start=2024-03-11&end=2025-03-10", n.Add(1))
			start := time.Now()
			w := do(b, r, u)
			d := time.Since(start)
			if w.Code != http.StatusOK {
				b.Errorf("%s: %d", u, w.Code)
				return
			}
			mu.Lock()
			lat = append(lat, d)
			mu.Unlock()
		}
	})
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	}
}

// BenchmarkCachedOHLCVHTTP drives the same request over loopback HTTP with
// keep-alive clients and reports requests/s and the p99 latency. Client
// and server share the machine's cores, so this understates the server.
func BenchmarkCachedOHLCVHTTP(b *testing.B) {
	r, _ := benchRouter(b)
	srv := httptest.NewServer(r)
	defer srv.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	get := func() (time.Duration, error) {
		start := time.Now()
		resp, err := client.Get(srv.URL + yearURL)
		if err != nil {
			return 0, err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return time.Since(start), err
	}
	if _, err := get(); err != nil {
		b.Fatal(err)
	}
	var mu sync.Mutex
	var lat []time.Duration
	b.SetParallelism(8)
	b.ReportAllocs()
	defer reportCPU(b)()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		local := make([]time.Duration, 0, 1024)
		for pb.Next() {
			d, err := get()
			if err != nil {
				b.Error(err)
				return
			}
			local = append(local, d)
		}
		mu.Lock()
		lat = append(lat, local...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "req/s")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	}
}

// reportCPU reports the process's CPU time per operation (user + system),
// which, unlike ns/op, does not grow when other processes share the
// cores: 2 cores serve 2e9/cpu-ns requests per second.
func reportCPU(b *testing.B) func() {
	cpu := func() time.Duration {
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	before := cpu()
	b.ResetTimer()
	return func() {
		b.StopTimer()
		if b.N > 0 {
			b.ReportMetric(float64((cpu()-before).Nanoseconds())/float64(b.N), "cpu-ns/op")
		}
	}
}
