// Package testenv gives the storage tests the integration services that run
// beside them: the test Redis (VNSTOCK_TEST_REDIS_URL) and the test Postgres
// (VNSTOCK_TEST_DATABASE_URL). A service that does not answer skips the
// test, or fails it when VNSTOCK_INTEGRATION=1.
package testenv

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"
)

// Defaults of the two URLs, the services the development setup runs.
const (
	DefaultRedisURL    = "redis://127.0.0.1:6379/15"
	DefaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
)

// dialTimeout bounds the probe of a service.
const dialTimeout = 3 * time.Second

// Redis returns a client of the test Redis, closed when the test ends, and
// true; false when no server answers (a failure under
// VNSTOCK_INTEGRATION=1).
func Redis(t testing.TB) (*redis.Client, bool) {
	t.Helper()
	u := env("VNSTOCK_TEST_REDIS_URL", DefaultRedisURL)
	opt, err := redis.ParseURL(u)
	if err != nil {
		t.Fatalf("VNSTOCK_TEST_REDIS_URL: %v", err)
	}
	c := redis.NewClient(opt)
	ctx, cancel := context.WithTimeout(context.Background(), dialTimeout)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		_ = c.Close()
		unreachable(t, "redis", u, err)
		return nil, false
	}
	t.Cleanup(func() { _ = c.Close() })
	return c, true
}

// RedisOrSkip is Redis that skips the test when no server answers.
func RedisOrSkip(t testing.TB) *redis.Client {
	t.Helper()
	c, ok := Redis(t)
	if !ok {
		t.Skip("test redis unreachable (set VNSTOCK_INTEGRATION=1 to fail)")
	}
	return c
}

// Database returns the test Postgres URL and a connection to it, closed when
// the test ends, and true; false when the database does not answer (a
// failure under VNSTOCK_INTEGRATION=1).
func Database(t testing.TB) (string, *pgx.Conn, bool) {
	t.Helper()
	u := env("VNSTOCK_TEST_DATABASE_URL", DefaultDatabaseURL)
	ctx, cancel := context.WithTimeout(context.Background(), dialTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		unreachable(t, "postgres", u, err)
		return u, nil, false
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return u, conn, true
}

// DatabaseOrSkip is Database that skips the test when the database does not
// answer.
func DatabaseOrSkip(t testing.TB) (string, *pgx.Conn) {
	t.Helper()
	u, conn, ok := Database(t)
	if !ok {
		t.Skip("test database unreachable (set VNSTOCK_INTEGRATION=1 to fail)")
	}
	return u, conn
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// unreachable fails the test under VNSTOCK_INTEGRATION=1 and logs otherwise.
func unreachable(t testing.TB, service, u string, err error) {
	t.Helper()
	if os.Getenv("VNSTOCK_INTEGRATION") == "1" {
		t.Fatalf("%s at %s unreachable with VNSTOCK_INTEGRATION=1: %v", service, u, err)
	}
	t.Logf("%s at %s unreachable: %v", service, u, err)
}
