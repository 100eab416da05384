package queryhalf

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vnstock-api/vnstock-api/api/auth"
	"github.com/vnstock-api/vnstock-api/api/metrics"
	"github.com/vnstock-api/vnstock-api/hub"
	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
)

type usageRows []storage.Usage

func (u *usageRows) AddUsage(_ context.Context, rows []storage.Usage) error {
	*u = append(*u, rows...)
	return nil
}

// StreamEnd records a GraphQL subscription's usage under its principal, and
// nothing for a context without one.
func TestStreamEnd(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 21, 10, 0, 0, 0, market.ICT)
	var rows usageRows
	p := &Protection{Usage: auth.NewUsage(&rows, func() time.Time { return now })}
	end := p.StreamEnd(auth.ClassGraphQL)
	ctx := auth.WithPrincipal(context.Background(), auth.Principal{KeyID: "k1", Subject: "key:k1"})
	end(ctx, 3, 120, 61400*time.Millisecond)
	end(ctx, 2, 80, 1600*time.Millisecond)
	end(context.Background(), 9, 9, time.Hour) // unauthenticated: not recorded
	if err := p.Usage.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := usageRows{{KeyID: "k1", Day: market.Date(now), Class: "graphql", StreamSeconds: 63, Events: 5, Bytes: 200}}
	if d := cmp.Diff(want, rows); d != "" {
		t.Fatalf("usage rows (-want +got):\n%s", d)
	}
}

// OnWrite's hook, bound once per stream, counts every batch's events and
// data bytes on the stream's usage counter (Guard puts it in the request's
// context), and leaves snapshots and replies out.
func TestOnWriteCountsUsage(t *testing.T) {
	t.Parallel()
	p := &Protection{Metrics: metrics.New()}
	a, _ := auth.NewAuthenticator(auth.Config{Mode: auth.ModeOff})
	g := &auth.Guard{Auth: a, Limiter: auth.NewLocal(nil, 0), Streams: auth.NewStreams(), Logger: slog.New(slog.DiscardHandler)}
	ev := hub.NewEvent("quote:VNM", 7, time.Now().UnixMilli(), []byte(`{"symbol":"VNM"}`))
	var events, bytes int64
	h := g.Protect(auth.Route{Class: auth.ClassWS, Scope: auth.ScopeStream, Stream: true},
		http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			hook := p.OnWrite("ws")(r.Context())
			hook([]hub.Item{{Kind: hub.ItemEvent, Event: ev}, {Kind: hub.ItemSnapshot, Event: ev}, {Kind: hub.ItemControl, Line: []byte(`{}`)}})
			hook([]hub.Item{{Kind: hub.ItemEvent, Event: ev}})
			c := auth.CounterFromContext(r.Context())
			events, bytes = c.Events.Load(), c.Bytes.Load()
		}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/v1/ws", nil))
	if events != 2 || bytes != int64(2*len(ev.Data)) {
		t.Fatalf("usage counted %d events, %d bytes; want 2, %d", events, bytes, 2*len(ev.Data))
	}
	// Without a stream counter the hook is the metrics' alone.
	p.OnWrite("ws")(context.Background())([]hub.Item{{Kind: hub.ItemEvent, Event: ev}})
}
