package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/vnstock-api/vnstock-api/api/auth"
	"github.com/vnstock-api/vnstock-api/cmd/internal/queryhalf"
)

// protection is the auth, limits, usage and metrics of one server.
type protection struct{ *queryhalf.Protection }

// newProtection builds the Guard over the store. limiter is the shared
// (Redis) limiter when the deployment has one, else nil for in-process.
func newProtection(cfg Config, st store, limiter auth.Limiter, log *slog.Logger) (*protection, error) {
	p, err := queryhalf.NewProtection(cfg.Auth, st, limiter, log)
	if err != nil {
		return nil, err
	}
	return &protection{p}, nil
}

// bootstrap creates the first admin key when keys are required and none
// exist, and prints it once to out with the dashboard URL that carries it.
// The key goes to out (stdout), never to the log.
func (p *protection) bootstrap(ctx context.Context, cfg Config, baseURL string, out io.Writer) error {
	if cfg.Auth != auth.ModeKeys {
		return nil
	}
	plain, err := p.Keys.Bootstrap(ctx)
	if err != nil || plain == "" {
		return err
	}
	_, err = fmt.Fprintf(out, "\n  No API key existed, so an admin key was created. It is shown this once:\n\n"+
		"    %s\n\n  Dashboard: %s/?key=%s\n  Create more with: vnstock-api keys create --name NAME --scopes read,stream\n\n",
		plain, baseURL, plain)
	return err
}

// limiter is the deployment's shared limiter when it has Redis, else nil
// (the Guard then limits in-process).
func (s *server) limiter() auth.Limiter {
	if s.redis == nil || s.redis.client == nil {
		return nil
	}
	return queryhalf.SharedLimiter(s.redis.client)
}

// registerStreamGauges exposes connections and subscriptions by transport.
// A WebSocket or SSE connection is one hub subscription carrying all its
// topics; a GraphQL connection carries one subscription per operation.
func (s *server) registerStreamGauges() {
	gauge := func(name, help, transport string, f func() float64) {
		s.prot.Metrics.GaugeFunc(name, help, map[string]string{"transport": transport}, f)
	}
	const conns, subs = "Stream connections open now, by transport.", "Hub subscriptions open now, by transport."
	for _, tr := range []string{auth.ClassWS, auth.ClassSSE} {
		open := func() float64 { return float64(s.prot.Guard.Open(tr)) }
		gauge("vnstock_connections", conns, tr, open)
		gauge("vnstock_subscriptions", subs, tr, open)
	}
	gauge("vnstock_connections", conns, auth.ClassGraphQL, func() float64 { return float64(s.query.Graph.Connections()) })
	gauge("vnstock_subscriptions", subs, auth.ClassGraphQL, func() float64 { return float64(s.query.Graph.Subscriptions()) })
}
