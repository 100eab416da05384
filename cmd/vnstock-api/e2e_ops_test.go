package main

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// TestE2EMetricsAndShutdown: after a short run /metrics has every family
// operators need with sane values; SIGTERM then closes WebSocket clients
// with 1001, flushes usage and exits 0.
func TestE2EMetricsAndShutdown(t *testing.T) {
	_, env := fakeEnv(t)
	dir := t.TempDir()
	p := startProc(t, env, "--data-dir", dir, "--feeds", "sim", "--sim-rate", "200")
	admin := p.key()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws://"+p.addr+"/v1/ws?api_key="+admin, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"op":"subscribe","id":1,"topics":["quote:@VN30"]}`)); err != nil {
		t.Fatal(err)
	}
	events := 0
	for events < 200 {
		_, msg, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		events += strings.Count(string(msg), `"type":"event"`)
	}
	// A REST miss (an upstream request: the sim answers only OHLCV,
	// company and ratios), a hit, and a 429.
	for range 2 {
		if code := status(t, p, http.MethodGet, "/v1/fundamental/equity/VNM/income-statement?period=year", admin, ""); code != http.StatusOK {
			t.Fatalf("income statement: %d", code)
		}
	}
	_, out := p.do(http.MethodPost, "/v1/admin/keys", admin, `{"scopes":["read"],"plan":{"rps":0.1,"burst":1}}`)
	tight := out["data"].(map[string]any)["key"].(string)
	status(t, p, http.MethodGet, "/v1/reference/market/status", tight, "")
	if code := status(t, p, http.MethodGet, "/v1/reference/market/status", tight, ""); code != http.StatusTooManyRequests {
		t.Fatalf("second request of a 1-burst key: %d", code)
	}

	resp, err := http.Get("http://" + p.addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	metrics := string(body)
	positive := []string{
		`vnstock_connections{transport="ws"}`,
		`vnstock_subscriptions{transport="ws"}`,
		`vnstock_subscribers`,
		`vnstock_events_published_total`,
		`vnstock_events_received_total{kind="quote"}`,
		`vnstock_events_delivered_total{kind="quote"}`,
		`vnstock_stream_messages_written_total{kind="event",transport="ws"}`,
		`vnstock_delivery_latency_seconds_count{transport="ws"}`,
		`vnstock_broker_publish_duration_seconds_count`,
		`vnstock_cache_requests_total{result="miss"}`,
		`vnstock_cache_requests_total{result="hit"}`,
		`vnstock_rate_limited_total{class="rest"}`,
		`vnstock_feed_leader{source="sim"}`,
		`vnstock_http_request_duration_seconds_count{method="GET",route="/v1/fundamental/equity/{symbol}/income-statement",status="200"}`,
	}
	for _, name := range positive {
		if v, ok := metricValue(metrics, name); !ok || v <= 0 {
			t.Errorf("%s = %v (present %v), want > 0", name, v, ok)
		}
	}
	for _, name := range []string{`vnstock_events_conflated_total`, `vnstock_queue_bytes`,
		`vnstock_connections{transport="graphql"}`, `vnstock_subscriptions{transport="graphql"}`, `vnstock_connections{transport="sse"}`, `vnstock_slow_consumer_disconnects_total`, `vnstock_upstream_breaker_open{source="kbs"}`} {
		if v, ok := metricValue(metrics, name); !ok || v < 0 {
			t.Errorf("%s = %v (present %v), want ≥ 0", name, v, ok)
		}
	}
	if !regexp.MustCompile(`(?m)^vnstock_upstream_requests_total\{[^}]*outcome="ok",source="kbs"\} [1-9]`).MatchString(metrics) {
		t.Errorf("no successful kbs upstream request counted")
	}
	if v, _ := metricValue(metrics, `vnstock_upstream_breaker_open{source="kbs"}`); v != 0 {
		t.Errorf("kbs breaker open after successful requests")
	}

	// SIGTERM: the client gets 1001, the process exits 0.
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for {
		_, _, err := c.Read(ctx)
		if err == nil {
			continue
		}
		if got := websocket.CloseStatus(err); got != websocket.StatusGoingAway {
			t.Fatalf("close on shutdown: %v (status %d), want 1001", err, got)
		}
		break
	}
	if err := p.stop(); err != nil {
		t.Fatalf("exit: %v", err)
	}
	if !strings.Contains(p.logs(), "msg=stopped") || strings.Contains(p.logs(), "usage not flushed") {
		t.Fatalf("shutdown log:\n%s", p.logs())
	}
}

// metricValue finds the sample whose name and labels start with name.
func metricValue(exposition, name string) (float64, bool) {
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `(?:\{[^}]*\})? (\S+)$`)
	if strings.Contains(name, "{") {
		re = regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + ` (\S+)$`)
	}
	m := re.FindStringSubmatch(exposition)
	if m == nil {
		return 0, false
	}
	v, err := strconv.ParseFloat(m[1], 64)
	return v, err == nil
}
