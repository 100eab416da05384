package sqlite_test

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
	"github.com/vnstock-api/vnstock-api/storage/sqlite"
	"github.com/vnstock-api/vnstock-api/storage/storagetest"
)

func logger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func open(t testing.TB, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path, logger())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestContract(t *testing.T) {
	t.Parallel()
	storagetest.Run(t, func(t *testing.T) storage.Store {
		return open(t, filepath.Join(t.TempDir(), "vnstock.db"))
	})
}

func TestKeysTableHoldsNoPlainKey(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "vnstock.db")
	s := open(t, path)
	storagetest.NoPlainKey(t, s, func(ctx context.Context) ([]string, error) {
		db, err := sql.Open("sqlite", path)
		if err != nil {
			return nil, err
		}
		defer db.Close()
		return dumpTable(ctx, db, "api_keys")
	})
}

// dumpTable returns every cell of table as text; blobs both as text and hex.
func dumpTable(ctx context.Context, db *sql.DB, table string) ([]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT * FROM "+table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []string
	for rows.Next() {
		cells := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range cells {
			ptrs[i] = &cells[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		for _, c := range cells {
			if b, ok := c.([]byte); ok {
				out = append(out, string(b), hex.EncodeToString(b))
				continue
			}
			out = append(out, fmt.Sprint(c))
		}
	}
	return out, rows.Err()
}

func TestOpenCreatesDirAndReopens(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "a", "b", "vnstock.db")
	ctx := t.Context()
	s, err := sqlite.Open(ctx, path, logger())
	if err != nil {
		t.Fatal(err)
	}
	key := storage.SeriesKey{Symbol: "VNM", Asset: market.AssetEquity, Interval: market.Interval1D}
	bar := market.Bar{Time: market.Date(mustTime(t, "2024-03-05")), Open: 1, High: 2, Low: 1, Close: 2, Volume: 3, Closed: true}
	if err := s.UpsertBars(ctx, key, []market.Bar{bar}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// A restart keeps the data and applies no migration twice.
	s2 := open(t, path)
	got, err := s2.Bars(ctx, key, storage.Range{})
	if err != nil || len(got) != 1 || got[0].Close != 2 {
		t.Fatalf("after reopen: %v, %v", got, err)
	}
	var mode string
	if err := s2.QueryRowForTest(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
}

func TestOpenRefusesBadPaths(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"", ":memory:", "data/x.db?mode=ro"} {
		if s, err := sqlite.Open(t.Context(), p, logger()); err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", p)
		}
	}
	// A directory where the file should be.
	dir := t.TempDir()
	if s, err := sqlite.Open(t.Context(), dir, logger()); err == nil {
		s.Close()
		t.Errorf("Open of a directory succeeded")
	}
	blocked := filepath.Join(dir, "file")
	if err := os.WriteFile(blocked, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if s, err := sqlite.Open(t.Context(), filepath.Join(blocked, "x.db"), logger()); err == nil {
		s.Close()
		t.Errorf("Open under a regular file succeeded")
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	s := open(t, filepath.Join(t.TempDir(), "vnstock.db"))
	ctx := t.Context()
	v, err := s.Version(ctx)
	if err != nil || v < 1 {
		t.Fatalf("Version = %d, %v; want ≥ 1", v, err)
	}
	for range 2 {
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if v2, err := s.Version(ctx); err != nil || v2 != v {
		t.Errorf("Version after re-running Migrate = %d, %v; want %d", v2, err, v)
	}
}

// Two stores (as two processes would) open one new file at once.
func TestConcurrentOpenMigratesOnce(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "vnstock.db")
	const n = 4
	errs := make([]error, n)
	stores := make([]*sqlite.Store, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { stores[i], errs[i] = sqlite.Open(t.Context(), path, logger()) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	var rows, distinct int
	err := stores[0].QueryRowForTest(t.Context(), "SELECT count(*), count(DISTINCT version) FROM schema_migrations").Scan(&rows, &distinct)
	if err != nil || rows != distinct || rows == 0 {
		t.Errorf("schema_migrations: %d rows for %d versions (%v)", rows, distinct, err)
	}
}

func mustTime(t testing.TB, day string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation("2006-01-02", day, market.ICT)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestPruneTrades(t *testing.T) {
	t.Parallel()
	storagetest.PruneTrades(t, open(t, filepath.Join(t.TempDir(), "vnstock.db")))
}
