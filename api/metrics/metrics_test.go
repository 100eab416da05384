package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/mux"

	"github.com/vnstock-api/vnstock-api/hub"
)

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	b, _ := io.ReadAll(w.Body)
	return string(b)
}

func TestFamilies(t *testing.T) {
	t.Parallel()
	m := New()
	m.RegisterHub(func() hub.Stats { return hub.Stats{Published: 7, Subscribers: 3, QueuedBytes: 512} },
		func() map[string]hub.KindStats {
			return map[string]hub.KindStats{"quote": {Received: 5, Delivered: 50}}
		})
	r := mux.NewRouter()
	r.HandleFunc("/v1/market/{asset}/{symbol}/ohlcv", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTooManyRequests)
	})
	r.Use(m.HTTP)
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/v1/market/equity/VNM/ohlcv", nil))
	m.ObserveUpstream("kbs", "ohlcv", "ok", 30*time.Millisecond)
	m.ObserveCache("hit")
	m.ObservePublish(time.Millisecond, nil)
	ev := hub.NewEvent("quote:VNM", 1, time.Now().Add(-20*time.Millisecond).UnixMilli(), []byte(`{}`))
	m.OnWrite("ws")([]hub.Item{{Kind: hub.ItemEvent, Event: ev}})
	out := scrape(t, m)
	for _, want := range []string{
		`vnstock_http_request_duration_seconds_count{method="GET",route="/v1/market/{asset}/{symbol}/ohlcv",status="429"} 1`,
		`vnstock_rate_limited_total{class="rest"} 1`,
		`vnstock_upstream_requests_total{capability="ohlcv",outcome="ok",source="kbs"} 1`,
		`vnstock_cache_requests_total{result="hit"} 1`,
		`vnstock_broker_publish_duration_seconds_count 1`,
		`vnstock_delivery_latency_seconds_count{transport="ws"} 1`,
		`vnstock_stream_messages_written_total{kind="event",transport="ws"} 1`,
		`vnstock_events_published_total 7`,
		`vnstock_subscribers 3`,
		`vnstock_queue_bytes 512`,
		`vnstock_events_received_total{kind="quote"} 5`,
		`vnstock_events_delivered_total{kind="quote"} 50`,
		`go_goroutines`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("scrape lacks %s", want)
		}
	}
	if strings.Contains(out, "/v1/market/equity/VNM") {
		t.Error("a raw path became a label value")
	}
}
