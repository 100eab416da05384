// Package cache is the read-through cache in front of storage: a shared
// Redis cache (go-redis) when the deployment has one, a bounded in-memory LRU
// otherwise. Both keep opaque bytes under a key with a time to live; the
// data classes and their TTLs (seconds for the price board, a day for
// company documents) are in ttl.go. The storage Service decides what to
// cache; this package only keeps it.
package cache

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis keeps entries in a Redis server under a key prefix. It is safe for
// concurrent use; the client's pool bounds the connections.
type Redis struct {
	client redis.Cmdable
	prefix string
}

// RedisConfig configures a Redis cache.
type RedisConfig struct {
	// Prefix is prepended to every key ("vnstock:cache:" when empty), so that
	// the cache can share a database with the broker.
	Prefix string
}

// DefaultPrefix is the key prefix of a Redis cache whose config names none.
const DefaultPrefix = "vnstock:cache:"

// NewRedis returns a cache on client (a *redis.Client, a cluster or ring
// client). The caller owns the client and closes it.
func NewRedis(client redis.Cmdable, cfg RedisConfig) *Redis {
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	return &Redis{client: client, prefix: cfg.Prefix}
}

// Get returns the bytes stored under key; ok is false on a miss.
func (c *Redis) Get(ctx context.Context, key string) (val []byte, ok bool, err error) {
	val, err = c.client.Get(ctx, c.prefix+key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("cache get %s: %w", key, err)
	}
	return val, true, nil
}

// Set stores val under key for ttl; a ttl ≤ 0 stores nothing (an entry
// that never expires would outlive the data's validity).
func (c *Redis) Set(ctx context.Context, key string, val []byte, ttl time.Duration) error {
	if ttl <= 0 {
		return nil
	}
	if err := c.client.Set(ctx, c.prefix+key, val, ttl).Err(); err != nil {
		return fmt.Errorf("cache set %s: %w", key, err)
	}
	return nil
}

// Ping reports whether the Redis server answers.
func (c *Redis) Ping(ctx context.Context) error {
	if err := c.client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("cache ping: %w", err)
	}
	return nil
}
