package main

import (
	"net/http"
	"sync"
	"testing"

	"github.com/vnstock-api/vnstock-api/feeds/fakeupstream"
)

// TestE2EQueryHalf runs the real binary against the fake upstream: history
// is fetched once, a wider range fetches only the difference, a burst of
// identical misses makes one upstream call, an upstream outage serves what
// is stored (503 JSON for what is not), and a restart serves from storage.
func TestE2EQueryHalf(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { queryScenario(t, nil) })
	t.Run("postgres", func(t *testing.T) { queryScenario(t, []string{"--database-url", testPostgresURL(t)}) })
}

func queryScenario(t *testing.T, storeArgs []string) {
	fake, env := fakeEnv(t)
	args := append([]string{"--data-dir", t.TempDir(), "--feeds", ""}, storeArgs...)
	p := startProc(t, env, args...)
	key := p.key()
	const march = "/v1/market/equity/VNM/ohlcv?start=2026-03-02&end=2026-03-31&interval=1D"

	kbs := func() int { return fake.Count("kbs", "") }
	n0 := kbs()
	first := mustRows(t, p, march, key)
	if n := kbs() - n0; n < 1 {
		t.Fatalf("first request made %d upstream calls", n)
	}
	n1 := kbs()
	second := mustRows(t, p, march, key)
	if kbs() != n1 || len(second) != len(first) {
		t.Fatalf("second identical request: %d upstream calls, %d rows (first %d)", kbs()-n1, len(second), len(first))
	}
	wide := mustRows(t, p, "/v1/market/equity/VNM/ohlcv?start=2026-02-02&end=2026-04-30&interval=1D", key)
	if d := kbs() - n1; d < 1 || d > 2 {
		t.Fatalf("a wider range made %d upstream calls, want 1 or 2 (the two missing ends only)", d)
	}
	if len(wide) <= len(first) {
		t.Fatalf("wider range has %d rows, March alone %d", len(wide), len(first))
	}

	// 50 concurrent identical misses: one upstream call.
	n2 := kbs()
	var wg sync.WaitGroup
	codes := make(chan int, 50)
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, _ := p.get("/v1/market/equity/FPT/ohlcv?start=2026-05-04&end=2026-05-29&interval=1D", key)
			codes <- code
		}()
	}
	wg.Wait()
	close(codes)
	for c := range codes {
		if c != http.StatusOK {
			t.Fatalf("a concurrent miss answered %d", c)
		}
	}
	if d := kbs() - n2; d != 1 {
		t.Fatalf("50 concurrent misses made %d upstream calls, want 1", d)
	}

	// Upstream down: stored history still answers, unstored gives 503 JSON.
	fake.SetConfig(fakeupstream.Config{Status: http.StatusInternalServerError})
	if rows := mustRows(t, p, march, key); len(rows) != len(first) {
		t.Fatalf("stored range while upstream down: %d rows", len(rows))
	}
	code, body := p.get("/v1/market/equity/HPG/ohlcv?start=2026-03-02&end=2026-03-31&interval=1D", key)
	if code != http.StatusServiceUnavailable || body["error"] == nil {
		t.Fatalf("nothing stored, upstream down: %d %v", code, body)
	}

	// A restart serves the stored range without the upstream.
	if err := p.stop(); err != nil {
		t.Fatalf("SIGTERM exit: %v\n%s", err, p.logs())
	}
	p2 := startProc(t, env, args...)
	if rows := mustRows(t, p2, march, key); len(rows) != len(first) {
		t.Fatalf("after restart: %d rows, want %d", len(rows), len(first))
	}
}

// mustRows GETs path and returns its data rows, failing on anything but 200.
func mustRows(t *testing.T, p *proc, path, key string) []any {
	t.Helper()
	code, body := p.get(path, key)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d %v", path, code, body)
	}
	rows, ok := body["data"].([]any)
	if !ok {
		t.Fatalf("GET %s: no data array: %v", path, body)
	}
	meta, _ := body["meta"].(map[string]any)
	if meta["source"] == nil || meta["price_unit"] != "vnd" {
		t.Fatalf("GET %s: meta %v lacks provenance/unit", path, meta)
	}
	return rows
}
