package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/vnstock-api/vnstock-api/api/admin"
	"github.com/vnstock-api/vnstock-api/api/auth"
	"github.com/vnstock-api/vnstock-api/api/metrics"
	"github.com/vnstock-api/vnstock-api/hub"
	"github.com/vnstock-api/vnstock-api/storage/ratelimit"
)

// protection is the auth, limits, usage and metrics of one server.
type protection struct {
	authn   *auth.Authenticator
	guard   *auth.Guard
	usage   *auth.Usage
	keys    *auth.Keys
	admin   *admin.Handler
	metrics *metrics.Metrics
}

// newProtection builds the Guard over the store. limiter is the shared
// (Redis) limiter when the deployment has one, else nil for in-process.
func newProtection(cfg Config, st store, limiter auth.Limiter, log *slog.Logger) (*protection, error) {
	authn, err := auth.NewAuthenticator(auth.Config{Mode: cfg.Auth, Keys: st})
	if err != nil {
		return nil, err
	}
	if limiter == nil {
		limiter = auth.NewLocal(nil, 0)
	}
	p := &protection{authn: authn, usage: auth.NewUsage(st, nil), keys: &auth.Keys{Store: st}, metrics: metrics.New()}
	p.guard = &auth.Guard{Auth: authn, Limiter: limiter, Streams: auth.NewStreams(), Usage: p.usage, Logger: log}
	p.admin = &admin.Handler{Keys: p.keys, Usage: st, Flush: p.usage.Flush, Forget: authn.Forget, Logger: log}
	if cfg.Auth == auth.ModeOff {
		log.Warn("authentication is off (VNSTOCK_AUTH=off): anyone who reaches this address can read and stream; requests are limited per IP")
	}
	return p, nil
}

// onWrite is the live.Config.OnWrite hook of a transport: latency metrics
// and the events count of the stream's usage.
func (p *protection) onWrite(transport string) func(context.Context, []hub.Item) {
	observe := p.metrics.OnWrite(transport)
	return func(ctx context.Context, items []hub.Item) {
		observe(ctx, items)
		if c := auth.CounterFromContext(ctx); c != nil {
			var n, bytes int64
			for _, it := range items {
				if it.Kind == hub.ItemEvent {
					n++
					bytes += int64(len(it.Event.Data))
				}
			}
			c.Events.Add(n)
			c.Bytes.Add(bytes)
		}
	}
}

// bootstrap creates the first admin key when keys are required and none
// exist, and prints it once to out with the dashboard URL that carries it.
// The key goes to out (stdout), never to the log.
func (p *protection) bootstrap(ctx context.Context, cfg Config, baseURL string, out io.Writer) error {
	if cfg.Auth != auth.ModeKeys {
		return nil
	}
	plain, err := p.keys.Bootstrap(ctx)
	if err != nil || plain == "" {
		return err
	}
	_, err = fmt.Fprintf(out, "\n  No API key existed, so an admin key was created. It is shown this once:\n\n"+
		"    %s\n\n  Dashboard: %s/?key=%s\n  Create more with: vnstock-api keys create --name NAME --scopes read,stream\n\n",
		plain, baseURL, plain)
	return err
}

// graphAuth is the GraphQL authenticator hook: an operation whose upgrade or
// HTTP request the Guard already authenticated passes; a connection_init
// key is checked here and must carry the stream scope.
func (p *protection) graphAuth(ctx context.Context, key string) (context.Context, error) {
	if _, ok := auth.FromContext(ctx); ok && key == "" {
		return ctx, nil
	}
	pr, err := p.authn.Authenticate(ctx, key, "")
	if err != nil {
		return ctx, err
	}
	if !pr.Has(auth.ScopeRead) {
		return ctx, &auth.Error{Status: 403, Code: "forbidden", Msg: "the API key lacks the read scope"}
	}
	return auth.WithPrincipal(ctx, pr), nil
}

// sharedLimiter adapts the Redis limiter (one limit across instances) to
// the Guard.
type sharedLimiter struct{ r *ratelimit.Redis }

func (l sharedLimiter) Allow(ctx context.Context, subject string, lim auth.Limit) (auth.Decision, error) {
	d, err := l.r.Allow(ctx, subject, lim.RPS, lim.Burst, lim.Daily)
	if err != nil {
		return auth.Decision{}, err
	}
	return auth.Decision{Allowed: d.Allowed, Limit: lim.Burst, Remaining: d.Remaining, Reset: d.Reset,
		RetryAfter: d.RetryAfter, Quota: d.Quota}, nil
}

// limiter is the deployment's shared limiter when it has Redis, else nil
// (the Guard then limits in-process).
func (s *server) limiter() auth.Limiter {
	if s.redis == nil || s.redis.client == nil {
		return nil
	}
	return sharedLimiter{ratelimit.New(s.redis.client, "")}
}
