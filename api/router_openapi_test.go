package api

import (
	"log/slog"
	"net/http"
	"testing"

	"github.com/vnstock-api/vnstock-api/api/admin"
	"github.com/vnstock-api/vnstock-api/api/auth"
	"github.com/vnstock-api/vnstock-api/api/rest"
)

// TestOpenAPIMatchesRouter fails when the server serves a route the
// OpenAPI document lacks, or documents one it does not serve.
func TestOpenAPIMatchesRouter(t *testing.T) {
	t.Parallel()
	a, err := auth.NewAuthenticator(auth.Config{Mode: auth.ModeOff})
	if err != nil {
		t.Fatal(err)
	}
	stub := http.NotFoundHandler()
	r := newMux(Deps{
		WS: stub, SSE: stub, Web: stub, Ready: nil, Logger: slog.New(slog.DiscardHandler),
		REST: rest.New(rest.Config{}), Graph: stub, Admin: &admin.Handler{}, Metrics: stub,
		OpenAPI: rest.OpenAPIHandler(), Docs: stub,
		Guard: &auth.Guard{Auth: a, Limiter: auth.NewLocal(nil, 0), Streams: auth.NewStreams(), Logger: slog.New(slog.DiscardHandler)},
	})
	undocumented, unserved, err := rest.CheckRouter(r)
	if err != nil {
		t.Fatal(err)
	}
	if len(undocumented) > 0 || len(unserved) > 0 {
		t.Fatalf("served but undocumented: %v\ndocumented but not served: %v", undocumented, unserved)
	}
}
