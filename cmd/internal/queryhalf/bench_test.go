package queryhalf

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/api/auth"
	"github.com/vnstock-api/vnstock-api/api/metrics"
	"github.com/vnstock-api/vnstock-api/hub"
)

// BenchmarkStreamHook is what protection adds per written batch of a live
// stream (latency metric, usage counters of the key), the only per-event
// cost of auth and usage on the live path; authentication and limits are
// paid once per connection. Reported per event of a 30-event batch.
func BenchmarkStreamHook(b *testing.B) {
	for _, name := range []string{"metrics only", "metrics and usage"} {
		b.Run(name, func(b *testing.B) {
			p := &Protection{Metrics: metrics.New()}
			hook := p.OnWrite("ws")
			items := make([]hub.Item, 30)
			for i := range items {
				items[i] = hub.Item{Kind: hub.ItemEvent, Event: hub.NewEvent("quote:VNM", uint64(i+1), time.Now().UnixMilli(), make([]byte, 700))}
			}
			run := func(ctx context.Context) {
				each := hook(ctx) // once per stream
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					each(items)
				}
				b.StopTimer()
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(items)), "ns/event")
			}
			if name == "metrics only" {
				run(context.Background())
				return
			}
			a, _ := auth.NewAuthenticator(auth.Config{Mode: auth.ModeOff})
			g := &auth.Guard{Auth: a, Limiter: auth.NewLocal(nil, 0), Streams: auth.NewStreams(), Logger: slog.New(slog.DiscardHandler)}
			h := g.Protect(auth.Route{Class: auth.ClassWS, Scope: auth.ScopeStream, Stream: true},
				http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { run(r.Context()) }))
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/v1/ws", nil))
		})
	}
}
