package graph

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/hub"
	"github.com/vnstock-api/vnstock-api/market"
)

// Config.OnStreamEnd gets each subscription's usage when it ends (by the
// client, or by Shutdown, which waits for the report): the live events it
// delivered, their payload bytes and its duration, with the context the
// Authenticator returned.
func TestOnStreamEnd(t *testing.T) {
	t.Parallel()
	variants(t, func(t *testing.T, proto string, shared bool) {
		type keyCtx struct{}
		type report struct {
			key           any
			events, bytes int64
			d             time.Duration
		}
		var (
			mu    sync.Mutex
			got   []report
			clock atomic.Int64 // ns after the test's epoch
		)
		reports := func() []report { mu.Lock(); defer mu.Unlock(); return append([]report(nil), got...) }
		e := newEnv(t, renderMode(shared), func(c *Config, _ *hub.Config) {
			c.Authenticate = func(ctx context.Context, key string) (context.Context, error) {
				return context.WithValue(ctx, keyCtx{}, key), nil
			}
			c.Now = func() time.Time {
				return time.Date(2025, 3, 21, 10, 0, 0, 0, market.ICT).Add(time.Duration(clock.Load()))
			}
			c.OnStreamEnd = func(ctx context.Context, events, bytes int64, d time.Duration) {
				mu.Lock()
				defer mu.Unlock()
				got = append(got, report{ctx.Value(keyCtx{}), events, bytes, d})
			}
		})
		const query = `subscription { index(codes: ["VNINDEX"]) { value seq } }`
		publish(t, e, "index:VNINDEX", `{"code":"VNINDEX","value":1318.6}`, 1) // the snapshot: not counted
		cl := connect(t, e.url, proto, map[string]any{"apiKey": "k1"})
		cl.subscribe("1", query, nil)
		cl.nextData("1")
		b, c := `{"code":"VNINDEX","value":1319}`, `{"code":"VNINDEX","value":1319.25}`
		for _, data := range []string{b, c} {
			publish(t, e, "index:VNINDEX", data, 2)
			cl.nextData("1")
		}
		clock.Store(int64(90 * time.Second))
		cl.stop("1")
		waitFor(t, func() bool { return len(reports()) == 1 })
		want := report{"k1", 2, int64(len(b) + len(c)), 90 * time.Second}
		if r := reports()[0]; r != want {
			t.Fatalf("report %+v, want %+v", r, want)
		}

		cl.subscribe("2", query, nil)
		for m := cl.next(); m.ID != "2"; m = cl.next() { // the complete of 1 may come first
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := e.h.Shutdown(ctx); err != nil {
			t.Fatal(err)
		}
		if rs := reports(); len(rs) != 2 || rs[1] != (report{"k1", 0, 0, 0}) {
			t.Fatalf("after Shutdown: reports %+v, want a second with no events", rs)
		}
	})
}
