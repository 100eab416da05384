package main

import (
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"testing"
	"time"
)

// TestE2ELeaseReleasedOnShutdown: SIGTERM makes the feed leader release
// its lease at once, so the other instance leads well before the lease's
// TTL (9 s here) would have run out; the leader exits 0.
func TestE2ELeaseReleasedOnShutdown(t *testing.T) {
	redisURL := requireRedisURL(t)
	_, env := fakeEnv(t)
	var b [4]byte
	_, _ = rand.Read(b[:])
	prefix := "vnstock-e2e-lease-" + hex.EncodeToString(b[:]) + ":"
	args := func() []string {
		return []string{"--data-dir", t.TempDir(), "--auth", "off", "--redis-url", redisURL, "--redis-prefix", prefix,
			"--feeds", "sim", "--sim-rate", "50", "--lease-ttl", "9s"}
	}
	leader := startProc(t, env, args()...)
	waitFor(t, "the first instance to lead", func() bool { return leads(t, leader) })
	follower := startProc(t, env, args()...)
	time.Sleep(1500 * time.Millisecond) // a follower retries every second
	if leads(t, follower) {
		t.Fatal("two instances lead the sim feed")
	}
	start := time.Now()
	if err := leader.stop(); err != nil {
		t.Fatalf("leader exit: %v", err)
	}
	waitFor(t, "the follower to lead", func() bool { return leads(t, follower) })
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("takeover took %s: the lease was not released (TTL 9 s)", d)
	}
}

// leads reports whether p's metrics say it runs the sim feed.
func leads(t *testing.T, p *proc) bool {
	t.Helper()
	resp, err := http.Get("http://" + p.addr + "/metrics")
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	v, ok := metricValue(string(body), `vnstock_feed_leader{source="sim"}`)
	return ok && v == 1
}
