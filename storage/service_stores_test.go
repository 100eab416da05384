package storage_test

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
	"github.com/vnstock-api/vnstock-api/storage/cache"
	"github.com/vnstock-api/vnstock-api/storage/internal/testenv"
	"github.com/vnstock-api/vnstock-api/storage/postgres"
	"github.com/vnstock-api/vnstock-api/storage/sqlite"
)

// The read-through scenarios on the real stores: the embedded SQLite file
// and Postgres (VNSTOCK_TEST_DATABASE_URL; skipped when unreachable, failed
// when VNSTOCK_INTEGRATION=1).

func openSQLite(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestServiceSQLite(t *testing.T) {
	t.Parallel()
	testService(t, func(t *testing.T) storage.Repository {
		st := openSQLite(t, filepath.Join(t.TempDir(), "vnstock.db"))
		t.Cleanup(func() { st.Close() })
		return st
	})
}

func TestServicePostgres(t *testing.T) {
	base, _ := testenv.DatabaseOrSkip(t)
	testService(t, func(t *testing.T) storage.Repository {
		st, err := postgres.Open(context.Background(), freshSchema(t, base), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	})
}

// TestRestartServesFromStorage: a new process (new Service, store reopened)
// answers what an earlier one fetched with the upstream down, from storage
// and not as stale.
func TestRestartServesFromStorage(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "vnstock.db")
	reopen := map[string]func(t *testing.T) (storage.Repository, func()){
		"sqlite": func(t *testing.T) (storage.Repository, func()) {
			st := openSQLite(t, path)
			return st, func() { st.Close() }
		},
	}
	if base, _, ok := testenv.Database(t); ok {
		schemaURL := freshSchema(t, base)
		reopen["postgres"] = func(t *testing.T) (storage.Repository, func()) {
			st, err := postgres.Open(context.Background(), schemaURL, nil)
			if err != nil {
				t.Fatal(err)
			}
			return st, func() { st.Close() }
		}
	}
	for name, open := range reopen {
		t.Run(name, func(t *testing.T) {
			st, closeStore := open(t)
			first := newEnv(t, st, true)
			q := ohlcv(t, "VNM", "2025-01-02", "2025-03-11")
			want := first.get(t, q)
			company := first.get(t, market.Query{Capability: market.CapCompany, Symbol: "VNM"})
			closeStore()

			st, closeStore = open(t)
			defer closeStore()
			second := newEnv(t, st, true)
			second.up.down.Store(true)
			got := second.get(t, q)
			if second.up.calls.Load() != 0 || got.Stale || !got.Cached || len(got.Bars) != len(want.Bars) {
				t.Fatalf("after restart: calls=%d stale=%v cached=%v bars=%d; want 0, false, true, %d",
					second.up.calls.Load(), got.Stale, got.Cached, len(got.Bars), len(want.Bars))
			}
			if c := second.get(t, market.Query{Capability: market.CapCompany, Symbol: "VNM"}); c.Stale || c.Frame.Value(0, "organ_name") != company.Frame.Value(0, "organ_name") {
				t.Fatalf("company after restart: stale=%v %v", c.Stale, c.Frame)
			}
		})
	}
}

// freshSchema creates a schema for one test, dropped at its end, and
// returns base with search_path set to it.
func freshSchema(t *testing.T, base string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	schema := fmt.Sprintf("svc_test_%d", time.Now().UnixNano())
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		_, _ = c.Exec(context.Background(), "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
	})
	pu, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := pu.Query()
	q.Set("search_path", schema)
	pu.RawQuery = q.Encode()
	return pu.String()
}

// TestServiceRedisCache runs the Service over the Redis cache (miniredis,
// and the real server when reachable): a hit is answered from the cache
// without the store or the upstream, and decodes each time (the memo never
// matches a copied entry) to the same bars.
func TestServiceRedisCache(t *testing.T) {
	t.Parallel()
	clients := map[string]redis.Cmdable{"miniredis": redis.NewClient(&redis.Options{Addr: miniredis.RunT(t).Addr()})}
	if c, ok := testenv.Redis(t); ok {
		clients["redis"] = c
	}
	for name, client := range clients {
		t.Run(name, func(t *testing.T) {
			mem := newMemStore()
			e := newEnv(t, mem, false)
			prefix := fmt.Sprintf("vnstock:test:svc:%d:", time.Now().UnixNano())
			svc, err := storage.New(storage.Config{Store: e.store, Fetcher: e.up, Now: e.clk.Now,
				Cache: cache.NewRedis(client, cache.RedisConfig{Prefix: prefix})})
			if err != nil {
				t.Fatal(err)
			}
			e.svc = svc
			q := ohlcv(t, "VNM", "2025-01-02", "2025-03-11")
			first := e.get(t, q)
			mem.forget() // only the cache can answer now
			for range 2 {
				hit := e.get(t, q)
				if !hit.Cached || e.up.calls.Load() != 1 || len(hit.Bars) != len(first.Bars) || hit.Bars[10] != first.Bars[10] {
					t.Fatalf("hit: cached=%v calls=%d bars=%d", hit.Cached, e.up.calls.Load(), len(hit.Bars))
				}
			}
			if n, _ := client.Exists(context.Background(), prefix+q.Key()).Result(); n != 1 {
				t.Fatalf("no entry under %s", prefix+q.Key())
			}
		})
	}
}
