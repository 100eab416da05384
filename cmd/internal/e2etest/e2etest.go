// Package e2etest holds what the end-to-end tests of the vnstock-api
// binaries share: the integration gate, a fresh Postgres schema per test,
// and child processes whose output a test waits on. Only tests import it.
package e2etest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Integration reports whether VNSTOCK_INTEGRATION=1: then a test whose
// service or tool is missing fails instead of skipping.
func Integration() bool { return os.Getenv("VNSTOCK_INTEGRATION") == "1" }

// SkipOrFail skips t with the reason, or fails it under Integration.
func SkipOrFail(t testing.TB, format string, args ...any) {
	t.Helper()
	if Integration() {
		t.Fatalf(format, args...)
	}
	t.Skipf(format+" (set VNSTOCK_INTEGRATION=1 to fail instead)", args...)
}

// PostgresURL returns a URL on a fresh schema of the test database
// (VNSTOCK_TEST_DATABASE_URL, default the local one), dropped at cleanup;
// it skips when the database is unreachable (fails under Integration).
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("VNSTOCK_TEST_DATABASE_URL")
	if base == "" {
		base = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		SkipOrFail(t, "test database unreachable: %v", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "e2e_" + hex.EncodeToString(b[:])
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
		conn.Close(ctx)
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
