package main

import (
	"context"
	"log/slog"

	"github.com/redis/go-redis/v9"

	"github.com/vnstock-api/vnstock-api/api/metrics"
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
