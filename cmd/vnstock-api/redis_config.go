package main

import (
	"flag"
	"fmt"
	"strings"
	"time"
)

// redisConfig is the scale-out configuration: with a Redis URL, identical
// serve processes form one deployment (shared seq, history and last values,
// one feed leader per source).
type redisConfig struct {
	RedisURL    string        // REDIS_URL: empty = one process, memory broker
	RedisPrefix string        // VNSTOCK_REDIS_PREFIX: key and channel prefix
	LeaseTTL    time.Duration // VNSTOCK_LEASE_TTL: a dead feed leader is replaced within this plus 1 s
}

// redisFlags registers the scale-out flags on fs; finish converts them
// after Parse.
func redisFlags(fs *flag.FlagSet, env func(key, def string) string) func(p *parser) redisConfig {
	u := fs.String("redis-url", env("REDIS_URL", ""), "Redis URL (redis://host:6379/0); set, instances share one live stream and elect one feed leader per source (REDIS_URL)")
	prefix := fs.String("redis-prefix", env("VNSTOCK_REDIS_PREFIX", "vnstock:"), "prefix of the broker's Redis keys and channels (VNSTOCK_REDIS_PREFIX)")
	ttl := fs.String("lease-ttl", env("VNSTOCK_LEASE_TTL", "5s"), "feed leader lease TTL (VNSTOCK_LEASE_TTL)")
	return func(p *parser) redisConfig {
		return redisConfig{RedisURL: strings.TrimSpace(*u), RedisPrefix: *prefix, LeaseTTL: p.duration("lease-ttl", *ttl)}
	}
}

func (c redisConfig) validate() error {
	switch {
	case c.RedisURL != "" && !strings.HasPrefix(c.RedisURL, "redis://") && !strings.HasPrefix(c.RedisURL, "rediss://"):
		return fmt.Errorf("redis-url: must start with redis:// or rediss:// (got a %d-character value)", len(c.RedisURL))
	case c.RedisPrefix == "":
		return fmt.Errorf("redis-prefix: must not be empty")
	case c.LeaseTTL < 500*time.Millisecond || c.LeaseTTL > 9*time.Second:
		return fmt.Errorf("lease-ttl: must be in [500ms, 9s] (a dead leader is replaced within the TTL plus 1 s)")
	}
	return nil
}
