package main

import (
	"log/slog"

	"github.com/redis/go-redis/v9"

	"github.com/vnstock-api/vnstock-api/api/live"
	"github.com/vnstock-api/vnstock-api/cmd/internal/queryhalf"
	"github.com/vnstock-api/vnstock-api/hub"
	"github.com/vnstock-api/vnstock-api/market"
)

// queryHalf is what answers queries: the upstream sources, the read-through
// service and the REST and GraphQL handlers over it.
type queryHalf = queryhalf.Half

// newQueryHalf builds the query half over the store, the hub (GraphQL
// subscriptions) and, when the deployment has one, the Redis cache.
func newQueryHalf(cfg Config, st store, h *hub.Hub, dir *market.Directory, prot *protection, rdb redis.Cmdable, log *slog.Logger) (*queryHalf, error) {
	return queryhalf.New(queryhalf.Config{
		Sources: cfg.sources(nil), NoWildcards: cfg.NoWildcards, WSOrigins: cfg.WSOrigins,
		Stream: live.Config{Heartbeat: cfg.Heartbeat, FlushInterval: cfg.FlushInterval}, Directory: dir,
	}, st, h, prot.Protection, rdb, log)
}

// cacheRedis is the Redis client the query cache shares with the broker,
// or nil (memory cache) when the deployment has no Redis.
func (s *server) cacheRedis() redis.Cmdable {
	if s.redis == nil || s.redis.client == nil {
		return nil
	}
	return s.redis.client
}
