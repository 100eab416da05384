package redisbroker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// backend is a Redis the tests run against.
type backend struct {
	name string
	open func(t *testing.T) redis.UniversalClient
}

// backends are miniredis (always) and the real Redis of
// VNSTOCK_TEST_REDIS_URL (default redis://127.0.0.1:6379/15), skipped when
// unreachable unless VNSTOCK_INTEGRATION=1.
func backends() []backend {
	return []backend{{"miniredis", openMiniredis}, {"redis", openRealRedis}}
}

func openMiniredis(t *testing.T) redis.UniversalClient {
	t.Helper()
	m := miniredis.RunT(t)
	c := redis.NewClient(&redis.Options{Addr: m.Addr()})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// testRedisURL is the real Redis the integration tests use.
func testRedisURL() string {
	if u := os.Getenv("VNSTOCK_TEST_REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/15"
}

func openRealRedis(t *testing.T) redis.UniversalClient {
	t.Helper()
	opt, err := redis.ParseURL(testRedisURL())
	if err != nil {
		t.Fatalf("VNSTOCK_TEST_REDIS_URL: %v", err)
	}
	c := redis.NewClient(opt)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		_ = c.Close()
		if os.Getenv("VNSTOCK_INTEGRATION") == "1" {
			t.Fatalf("redis at %s: %v", testRedisURL(), err)
		}
		t.Skipf("redis at %s unreachable: %v", testRedisURL(), err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// testPrefix returns a key prefix of the test's own, and deletes its keys
// when the test ends.
func testPrefix(t *testing.T, c redis.UniversalClient) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	p := "vnstocktest:" + strings.NewReplacer("/", ".", " ", "_").Replace(t.Name()) + ":" + hex.EncodeToString(b[:]) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		iter := c.Scan(ctx, 0, p+"*", 1000).Iterator()
		for iter.Next(ctx) {
			c.Del(ctx, iter.Val())
		}
	})
	return p
}

// openBenchRedis is openRealRedis for benchmarks.
func openBenchRedis(b *testing.B) redis.UniversalClient {
	b.Helper()
	opt, err := redis.ParseURL(testRedisURL())
	if err != nil {
		b.Fatal(err)
	}
	opt.PoolSize = 16
	c := redis.NewClient(opt)
	if err := c.Ping(context.Background()).Err(); err != nil {
		_ = c.Close()
		b.Skipf("redis at %s unreachable: %v", testRedisURL(), err)
	}
	b.Cleanup(func() { _ = c.Close() })
	return c
}

func benchPrefix(b *testing.B, c redis.UniversalClient) string {
	var r [6]byte
	_, _ = rand.Read(r[:])
	p := "vnstockbench:" + hex.EncodeToString(r[:]) + ":"
	b.Cleanup(func() {
		ctx := context.Background()
		iter := c.Scan(ctx, 0, p+"*", 1000).Iterator()
		for iter.Next(ctx) {
			c.Del(ctx, iter.Val())
		}
	})
	return p
}
