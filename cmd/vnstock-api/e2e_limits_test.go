package main

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"testing"
)

// TestE2ELimitsAcrossInstances: two instances sharing Postgres (keys) and
// Redis (limits) together allow one key no more than its burst (plus what
// refills while the test runs), where each alone would allow the burst.
func TestE2ELimitsAcrossInstances(t *testing.T) {
	redisURL := requireRedisURL(t)
	dbURL := testPostgresURL(t)
	_, env := fakeEnv(t)
	var b [4]byte
	_, _ = rand.Read(b[:])
	prefix := "vnstock-e2e-limits-" + hex.EncodeToString(b[:]) + ":"
	args := func() []string {
		return []string{"--data-dir", t.TempDir(), "--database-url", dbURL, "--redis-url", redisURL,
			"--redis-prefix", prefix, "--feeds", ""}
	}
	a := startProc(t, env, args()...)
	admin := a.key()
	bb := startProc(t, env, args()...)
	code, out := a.do(http.MethodPost, "/v1/admin/keys", admin,
		`{"name":"limited","scopes":["read"],"plan":{"rps":0.2,"burst":10,"max_streams":5,"max_topics":100,"messages_per_s":20}}`)
	if code != http.StatusCreated {
		t.Fatalf("create key: %d %v", code, out)
	}
	key := out["data"].(map[string]any)["key"].(string)
	allowed := map[string]int{}
	for i := range 40 {
		p := a
		if i%2 == 1 {
			p = bb
		}
		switch c := status(t, p, http.MethodGet, "/v1/reference/market/status", key, ""); c {
		case http.StatusOK:
			allowed[p.addr]++
		case http.StatusTooManyRequests:
		default:
			t.Fatalf("request %d: status %d", i, c)
		}
	}
	total := allowed[a.addr] + allowed[bb.addr]
	// 40 requests in well under 5 s at 0.2/s: the burst of 10, at most one refill.
	if total < 10 || total > 11 {
		t.Fatalf("the two instances allowed %d requests together (%v), want the shared burst of 10 (+1)", total, allowed)
	}
	if allowed[a.addr] == 0 || allowed[bb.addr] == 0 {
		t.Fatalf("one instance allowed nothing: %v", allowed)
	}
}
