package queryhalf

import (
	"context"
	"log/slog"
	"math"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vnstock-api/vnstock-api/api/admin"
	"github.com/vnstock-api/vnstock-api/api/auth"
	"github.com/vnstock-api/vnstock-api/api/metrics"
	"github.com/vnstock-api/vnstock-api/hub"
	"github.com/vnstock-api/vnstock-api/storage"
	"github.com/vnstock-api/vnstock-api/storage/ratelimit"
)

// Protection is the auth, limits, usage and metrics of one process.
type Protection struct {
	Authn   *auth.Authenticator
	Guard   *auth.Guard
	Usage   *auth.Usage
	Keys    *auth.Keys
	Admin   *admin.Handler
	Metrics *metrics.Metrics
}

// NewProtection builds the Guard over the store in authMode (auth.ModeKeys
// or auth.ModeOff). limiter is the shared (Redis) limiter when the
// deployment has one, else nil for in-process limits.
func NewProtection(authMode string, st storage.Store, limiter auth.Limiter, log *slog.Logger) (*Protection, error) {
	authn, err := auth.NewAuthenticator(auth.Config{Mode: authMode, Keys: st})
	if err != nil {
		return nil, err
	}
	if limiter == nil {
		limiter = auth.NewLocal(nil, 0)
	}
	p := &Protection{Authn: authn, Usage: auth.NewUsage(st, nil), Keys: &auth.Keys{Store: st}, Metrics: metrics.New()}
	p.Guard = &auth.Guard{Auth: authn, Limiter: limiter, Streams: auth.NewStreams(), Usage: p.Usage, Logger: log}
	p.Admin = &admin.Handler{Keys: p.Keys, Usage: st, Flush: p.Usage.Flush, Forget: authn.Forget, Logger: log}
	if authMode == auth.ModeOff {
		log.Warn("authentication is off (VNSTOCK_AUTH=off): anyone who reaches this address can read and stream; requests are limited per IP")
	}
	return p, nil
}

// OnWrite is the live.Config.OnWrite of a transport: per stream, a hook
// for the latency metrics and the events count of the stream's usage (its
// counter, looked up in ctx once).
func (p *Protection) OnWrite(transport string) func(context.Context) func([]hub.Item) {
	observe := p.Metrics.OnWrite(transport)
	return func(ctx context.Context) func([]hub.Item) {
		c := auth.CounterFromContext(ctx)
		if c == nil {
			return observe
		}
		return func(items []hub.Item) {
			observe(items)
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

// StreamEnd is the end-of-stream hook of streams the Guard does not count
// itself (GraphQL subscriptions, authenticated in connection_init): it adds
// the stream's time, events and bytes to the usage of the principal ctx
// carries, under class.
func (p *Protection) StreamEnd(class string) func(ctx context.Context, events, bytes int64, d time.Duration) {
	return func(ctx context.Context, events, bytes int64, d time.Duration) {
		pr, ok := auth.FromContext(ctx)
		if !ok {
			return
		}
		p.Usage.Add(pr.UsageID(), class, 0, int64(math.Round(d.Seconds())), events, bytes)
	}
}

// GraphAuth is the GraphQL authenticator hook: an operation whose upgrade or
// HTTP request the Guard already authenticated passes; a connection_init
// key is checked here and must carry the read scope.
func (p *Protection) GraphAuth(ctx context.Context, key string) (context.Context, error) {
	if _, ok := auth.FromContext(ctx); ok && key == "" {
		return ctx, nil
	}
	pr, err := p.Authn.Authenticate(ctx, key, "")
	if err != nil {
		return ctx, err
	}
	if !pr.Has(auth.ScopeRead) {
		return ctx, &auth.Error{Status: 403, Code: "forbidden", Msg: "the API key lacks the read scope"}
	}
	return auth.WithPrincipal(ctx, pr), nil
}

// SharedLimiter adapts the Redis limiter (one limit across instances) to
// the Guard.
func SharedLimiter(rdb redis.UniversalClient) auth.Limiter {
	return sharedLimiter{ratelimit.New(rdb, "")}
}

type sharedLimiter struct{ r *ratelimit.Redis }

func (l sharedLimiter) Allow(ctx context.Context, subject string, lim auth.Limit) (auth.Decision, error) {
	d, err := l.r.Allow(ctx, subject, lim.RPS, lim.Burst, lim.Daily)
	if err != nil {
		return auth.Decision{}, err
	}
	return auth.Decision{Allowed: d.Allowed, Limit: lim.Burst, Remaining: d.Remaining, Reset: d.Reset,
		RetryAfter: d.RetryAfter, Quota: d.Quota}, nil
}
