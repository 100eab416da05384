package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

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

// newQueryService builds the read-through service: cache (Redis when the
// deployment has one, else bounded memory), then the store, then the
// upstream failover for only what is missing.
func newQueryService(st store, fetcher storage.Fetcher, rdb redis.Cmdable, log *slog.Logger) (*storage.Service, error) {
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

// queryHalf is what answers queries: the upstream sources, the read-through
// service and the REST and GraphQL handlers over it.
type queryHalf struct {
	upstreams *upstreams
	rest      *rest.Server
	graph     *graph.Handler
}

// newQueryHalf builds the query half over the store, the hub (GraphQL
// subscriptions) and, when the deployment has one, the Redis cache.
func newQueryHalf(cfg Config, st store, h *hub.Hub, prot *protection, rdb redis.Cmdable, log *slog.Logger) (*queryHalf, error) {
	u, err := newUpstreams(cfg, prot.metrics.ObserveUpstream, log)
	if err != nil {
		return nil, err
	}
	for _, c := range u.clients {
		src := c.State().Source
		prot.metrics.GaugeFunc("vnstock_upstream_breaker_open", "1 while the source's circuit breaker is open, 0.5 half-open, 0 closed.",
			map[string]string{"source": src}, func() float64 {
				switch c.State().Breaker {
				case upstream.BreakerOpen:
					return 1
				case upstream.BreakerHalfOpen:
					return 0.5
				}
				return 0
			})
	}
	svc, err := newQueryService(st, u.failover, rdb, log)
	if err != nil {
		return nil, err
	}
	obs := observedService{svc: svc, m: prot.metrics}
	// A subscription sends at most one message per flush interval, each
	// rendered by gqlgen: 50 ms keeps thousands of subscribers affordable.
	stream := live.Config{Heartbeat: cfg.Heartbeat, FlushInterval: max(cfg.FlushInterval, 50*time.Millisecond), OnWrite: prot.onWrite("graphql")}
	g, err := graph.New(graph.Config{Service: obs, Hub: h, Topics: live.Topics{Dir: market.DefaultDirectory(), NoWildcards: cfg.NoWildcards},
		Logger: log, Authenticate: prot.graphAuth, OriginPatterns: cfg.WSOrigins, Stream: stream})
	if err != nil {
		return nil, err
	}
	return &queryHalf{upstreams: u, rest: rest.New(rest.Config{Service: obs, Logger: log}), graph: g}, nil
}

// cacheRedis is the Redis client the query cache shares with the broker,
// or nil (memory cache) when the deployment has no Redis.
func (s *server) cacheRedis() redis.Cmdable {
	if s.redis == nil || s.redis.client == nil {
		return nil
	}
	return s.redis.client
}
