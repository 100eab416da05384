// Package queryhalf builds the query half that every vnstock-api binary
// serving queries shares: the store, the upstream sources behind their
// failover, the read-through service (cache, store, upstreams), the REST
// and GraphQL handlers over it, and the auth guard, limits and usage that
// protect them. cmd/vnstock-api (the long-running server) and
// cmd/vnstock-api-lambda (the serverless query half) both call it, so the
// two answer every query the same way.
package queryhalf

import (
	"cmp"
	"context"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vnstock-api/vnstock-api/api/auth"
	"github.com/vnstock-api/vnstock-api/api/graph"
	"github.com/vnstock-api/vnstock-api/api/live"
	"github.com/vnstock-api/vnstock-api/api/metrics"
	"github.com/vnstock-api/vnstock-api/api/rest"
	"github.com/vnstock-api/vnstock-api/feeds/upstream"
	"github.com/vnstock-api/vnstock-api/hub"
	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
	"github.com/vnstock-api/vnstock-api/storage/cache"
)

// Config configures the query half.
type Config struct {
	// Sources configures the upstreams; its Observer is replaced by the
	// Protection's metrics.
	Sources     SourcesConfig
	NoWildcards bool     // refuse quote:* style topics
	WSOrigins   []string // cross-origin hosts allowed to open GraphQL WebSockets
	// Stream paces GraphQL subscriptions (Heartbeat, FlushInterval); its
	// OnWrite is the Protection's.
	Stream live.Config
	// Directory expands @GROUP topics of GraphQL subscriptions (nil:
	// market.DefaultDirectory()); the server shares its own.
	Directory *market.Directory
}

// Half is what answers queries: the upstream sources, the read-through
// service and the REST and GraphQL handlers over it.
type Half struct {
	Upstreams *Upstreams
	REST      *rest.Server
	Graph     *graph.Handler
	Service   graph.Service // the read-through service, observed
}

// New builds the query half over the store, the hub (GraphQL snapshots and
// subscriptions) and, when the deployment has one, the Redis cache (rdb nil:
// a bounded memory cache).
func New(cfg Config, st storage.Store, h *hub.Hub, prot *Protection, rdb redis.Cmdable, log *slog.Logger) (*Half, error) {
	cfg.Sources.Observer = prot.Metrics.ObserveUpstream
	u, err := NewUpstreams(cfg.Sources, log)
	if err != nil {
		return nil, err
	}
	for _, c := range u.Clients {
		prot.Metrics.GaugeFunc("vnstock_upstream_breaker_open", "1 while the source's circuit breaker is open, 0.5 half-open, 0 closed.",
			map[string]string{"source": c.State().Source}, func() float64 {
				switch c.State().Breaker {
				case upstream.BreakerOpen:
					return 1
				case upstream.BreakerHalfOpen:
					return 0.5
				}
				return 0
			})
	}
	svc, err := NewService(st, u.Failover, rdb, log)
	if err != nil {
		return nil, err
	}
	obs := observedService{svc: svc, m: prot.Metrics}
	// A subscription sends at most one message per flush interval, each
	// rendered by gqlgen: 50 ms keeps thousands of subscribers affordable.
	stream := cfg.Stream
	stream.FlushInterval = max(stream.FlushInterval, 50*time.Millisecond)
	stream.OnWrite = prot.OnWrite("graphql")
	g, err := graph.New(graph.Config{Service: obs, Hub: h, Topics: live.Topics{Dir: cmp.Or(cfg.Directory, market.DefaultDirectory()), NoWildcards: cfg.NoWildcards},
		Logger: log, Authenticate: prot.GraphAuth, OriginPatterns: cfg.WSOrigins, Stream: stream, OnStreamEnd: prot.StreamEnd(auth.ClassGraphQL), Limits: auth.StreamLimits})
	if err != nil {
		return nil, err
	}
	rc := rest.Config{Service: obs, Logger: log}
	if h != nil { // today's forming OHLCV bars come from the live feed
		rc.LiveBars = h
	}
	return &Half{Upstreams: u, REST: rest.New(rc), Graph: g, Service: obs}, nil
}

// NewService builds the read-through service: cache (Redis when the
// deployment has one, else bounded memory), then the store, then the
// upstream failover for only what is missing.
func NewService(st storage.Store, fetcher storage.Fetcher, rdb redis.Cmdable, log *slog.Logger) (*storage.Service, error) {
	var c storage.Cache = cache.NewMemory(cache.MemoryConfig{})
	if rdb != nil {
		c = cache.NewRedis(rdb, cache.RedisConfig{})
	}
	return storage.New(storage.Config{Store: st, Fetcher: fetcher, Cache: c, Logger: log})
}

// observedService counts each answer as a cache hit, miss or stale serve.
type observedService struct {
	svc *storage.Service
	m   *metrics.Metrics
}

// Get implements the services api/rest and api/graph declare.
func (o observedService) Get(ctx context.Context, q market.Query) (storage.Answer, error) {
	a, err := o.svc.Get(ctx, q)
	switch {
	case err != nil:
		o.m.ObserveCache("error")
	case a.Stale:
		o.m.ObserveCache("stale")
	case a.Cached:
		o.m.ObserveCache("hit")
	default:
		o.m.ObserveCache("miss")
	}
	return a, err
}
