package testenv

import (
	"context"
	"testing"
)

// The helpers against the running services (skipped where there are none)
// and against an address where nothing listens.

func TestRedis(t *testing.T) {
	c := RedisOrSkip(t)
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
}

func TestDatabase(t *testing.T) {
	_, conn := DatabaseOrSkip(t)
	var one int
	if err := conn.QueryRow(context.Background(), "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("SELECT 1 = %d, %v", one, err)
	}
}

func TestUnreachable(t *testing.T) {
	t.Setenv("VNSTOCK_INTEGRATION", "")
	t.Setenv("VNSTOCK_TEST_REDIS_URL", "redis://127.0.0.1:1/0")
	t.Setenv("VNSTOCK_TEST_DATABASE_URL", "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=1")
	if c, ok := Redis(t); ok || c != nil {
		t.Error("Redis answered on a closed port")
	}
	if _, conn, ok := Database(t); ok || conn != nil {
		t.Error("Database answered on a closed port")
	}
}
