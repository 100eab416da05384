package auth

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/storage"
)

// BenchmarkGuard measures what authentication, the rate limit and usage
// counting add to one REST request (the handler does nothing), and reports
// the p99 of the per-request time.
func BenchmarkGuard(b *testing.B) {
	store := newMemKeys()
	ks := &Keys{Store: store}
	key, _, err := ks.Create(b.Context(), NewKey{Name: "bench", Scopes: []string{ScopeRead},
		Plan: storage.Plan{RPS: 1e9, Burst: 1 << 30}})
	if err != nil {
		b.Fatal(err)
	}
	a, _ := NewAuthenticator(Config{Keys: store})
	g := &Guard{Auth: a, Limiter: NewLocal(nil, 0), Streams: NewStreams(),
		Usage: NewUsage(sinkFunc(nil), nil), Logger: slog.New(slog.DiscardHandler)}
	h := g.Protect(Route{Class: ClassREST, Scope: ScopeRead}, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "{}")
	}))
	r := httptest.NewRequest(http.MethodGet, "/v1/market/equity/VNM/ohlcv", nil)
	r.Header.Set("X-API-Key", key)
	w := httptest.NewRecorder()
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		h.ServeHTTP(w, r)
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
}
