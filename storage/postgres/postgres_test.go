package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vnstock-api/vnstock-api/storage"
	"github.com/vnstock-api/vnstock-api/storage/internal/testenv"
	"github.com/vnstock-api/vnstock-api/storage/postgres"
	"github.com/vnstock-api/vnstock-api/storage/storagetest"
)

// freshSchema creates an empty schema, dropped at cleanup, and returns the
// URL whose connections use it, so that parallel runs never share tables.
func freshSchema(t testing.TB) string {
	u, _ := freshSchemaNamed(t)
	return u
}

func freshSchemaNamed(t testing.TB) (dbURL, schema string) {
	t.Helper()
	base, conn := testenv.DatabaseOrSkip(t)
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema = fmt.Sprintf("storagetest_%d_%s", os.Getpid(), hex.EncodeToString(b[:]))
	ctx := context.Background()
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return withSearchPath(t, base, schema), schema
}

func withSearchPath(t testing.TB, base, schema string) string {
	t.Helper()
	if !strings.Contains(base, "://") {
		return base + " search_path=" + schema
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("VNSTOCK_TEST_DATABASE_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func logger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func open(t testing.TB, dbURL string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), dbURL, logger())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestContract(t *testing.T) {
	t.Parallel()
	storagetest.Run(t, func(t *testing.T) storage.Store { return open(t, freshSchema(t)) })
}

func TestKeysTableHoldsNoPlainKey(t *testing.T) {
	t.Parallel()
	dbURL := freshSchema(t)
	s := open(t, dbURL)
	storagetest.NoPlainKey(t, s, func(ctx context.Context) ([]string, error) {
		conn, err := pgx.Connect(ctx, dbURL)
		if err != nil {
			return nil, err
		}
		defer conn.Close(ctx)
		// Every column of every row as Postgres prints it (bytea as \x hex).
		rows, err := conn.Query(ctx, `SELECT t::text FROM api_keys AS t`)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, pgx.RowTo[string])
	})
}

func TestMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	s := open(t, freshSchema(t))
	ctx := t.Context()
	v, err := s.Version(ctx)
	if err != nil || v < 1 {
		t.Fatalf("Version after Open = %d, %v; want ≥ 1", v, err)
	}
	for range 2 {
		if err := s.Migrate(ctx); err != nil {
			t.Fatalf("Migrate again: %v", err)
		}
	}
	if v2, err := s.Version(ctx); err != nil || v2 != v {
		t.Errorf("Version after re-running Migrate = %d, %v; want %d", v2, err, v)
	}
}

// Instances starting together each run Migrate on one empty schema: the
// advisory lock makes them take turns (without it, concurrent CREATE TABLE
// IF NOT EXISTS races on the catalog and versions are recorded twice).
func TestConcurrentOpenMigratesOnce(t *testing.T) {
	t.Parallel()
	dbURL, schema := freshSchemaNamed(t)
	const n = 4
	stores := make([]*postgres.Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { stores[i], errs[i] = postgres.Open(t.Context(), dbURL, logger()) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open %d: %v", i, err)
			continue
		}
		stores[i].Close()
	}
	_, conn := testenv.DatabaseOrSkip(t)
	var rows, distinct int
	q := fmt.Sprintf(`SELECT count(*), count(DISTINCT version) FROM %s.schema_migrations`, pgx.Identifier{schema}.Sanitize())
	if err := conn.QueryRow(t.Context(), q).Scan(&rows, &distinct); err != nil {
		t.Fatal(err)
	}
	if rows != distinct || rows == 0 {
		t.Errorf("schema_migrations has %d rows for %d versions", rows, distinct)
	}
}

func TestOpenUnreachable(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	s, err := postgres.Open(ctx, "postgres://nobody@127.0.0.1:1/none?connect_timeout=2", logger())
	if err == nil {
		s.Close()
		t.Fatal("Open of a closed port succeeded")
	}
	if _, err := postgres.Open(ctx, "postgres://%zz", logger()); err == nil {
		t.Fatal("Open of a malformed URL succeeded")
	}
}

func TestPruneTrades(t *testing.T) {
	t.Parallel()
	storagetest.PruneTrades(t, open(t, freshSchema(t)))
}
