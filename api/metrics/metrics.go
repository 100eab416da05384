// Package metrics is the server's Prometheus instrumentation: one registry
// per server (no globals), every family prefixed vnstock_. Hot paths are
// not instrumented per event: counters the components already keep (hub,
// breakers) are read at scrape time, and stream latency is observed once per
// written batch.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/vnstock-api/vnstock-api/hub"
)

// Metrics holds the registry and the instruments that are pushed to.
type Metrics struct {
	reg *prometheus.Registry

	httpDur      *prometheus.HistogramVec
	deliver      *prometheus.HistogramVec
	delivered    *prometheus.CounterVec
	upstream     *prometheus.CounterVec
	upstreamDur  *prometheus.HistogramVec
	rateLimited  *prometheus.CounterVec
	cache        *prometheus.CounterVec
	brokerPub    prometheus.Histogram
	brokerErrors prometheus.Counter
}

// New returns Metrics with the Go runtime and process collectors.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := &Metrics{reg: reg}
	m.httpDur = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "vnstock_http_request_duration_seconds", Help: "REST, GraphQL and service request latency by route template and status.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route", "method", "status"})
	m.deliver = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "vnstock_delivery_latency_seconds", Help: "Publish to socket write of the oldest event of each written batch, by transport.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"transport"})
	m.delivered = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "vnstock_stream_messages_written_total", Help: "Messages written to stream clients by transport and kind (event, snapshot, control).",
	}, []string{"transport", "kind"})
	m.upstream = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "vnstock_upstream_requests_total", Help: "Upstream requests by source, capability and outcome.",
	}, []string{"source", "capability", "outcome"})
	m.upstreamDur = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "vnstock_upstream_request_duration_seconds", Help: "Upstream request latency by source.",
		Buckets: prometheus.ExponentialBuckets(0.01, 2.5, 9),
	}, []string{"source"})
	m.rateLimited = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "vnstock_rate_limited_total", Help: "Requests refused by a rate limit or quota, by endpoint class.",
	}, []string{"class"})
	m.cache = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "vnstock_cache_requests_total", Help: "Read-through cache lookups by result (hit, miss, stale).",
	}, []string{"result"})
	m.brokerPub = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "vnstock_broker_publish_duration_seconds", Help: "Broker publish latency (seq assignment, history, fan-out to instances).",
		Buckets: []float64{.00005, .0001, .00025, .0005, .001, .0025, .005, .01, .05, .1},
	})
	m.brokerErrors = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "vnstock_broker_publish_errors_total", Help: "Broker publishes that failed.",
	})
	reg.MustRegister(m.httpDur, m.deliver, m.delivered, m.upstream, m.upstreamDur, m.rateLimited, m.cache, m.brokerPub, m.brokerErrors)
	return m
}

// Registry returns the registry (for extra collectors).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// HTTP is mux middleware (router.Use) observing request latency by the route template
// (bounded label values: never the raw path).
func (m *Metrics) HTTP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		route := "unmatched"
		if cr := mux.CurrentRoute(r); cr != nil {
			if tpl, err := cr.GetPathTemplate(); err == nil {
				route = tpl
			}
		}
		m.httpDur.WithLabelValues(route, r.Method, strconv.Itoa(sw.status)).Observe(time.Since(start).Seconds())
		if sw.status == http.StatusTooManyRequests {
			m.rateLimited.WithLabelValues(classOf(route)).Inc()
		}
	})
}

// OnWrite returns the hook every stream of transport calls after a batch
// write (within its live.Config.OnWrite).
func (m *Metrics) OnWrite(transport string) func([]hub.Item) {
	lat := m.deliver.WithLabelValues(transport)
	ev := m.delivered.WithLabelValues(transport, "event")
	snap := m.delivered.WithLabelValues(transport, "snapshot")
	ctl := m.delivered.WithLabelValues(transport, "control")
	return func(items []hub.Item) {
		var oldest int64
		var nev, nsnap, nctl int
		for _, it := range items {
			switch it.Kind {
			case hub.ItemEvent:
				nev++
				if oldest == 0 || it.Event.TS < oldest {
					oldest = it.Event.TS
				}
			case hub.ItemSnapshot:
				nsnap++
			default:
				nctl++
			}
		}
		// Counters shared by every stream: only the ones that move are touched.
		if nev > 0 {
			ev.Add(float64(nev))
		}
		if nsnap > 0 {
			snap.Add(float64(nsnap))
		}
		if nctl > 0 {
			ctl.Add(float64(nctl))
		}
		if oldest > 0 {
			lat.Observe(max(0, float64(time.Now().UnixMilli()-oldest)/1e3))
		}
	}
}

// ObserveUpstream records one upstream request (the feeds/upstream observer hook).
func (m *Metrics) ObserveUpstream(source, capability, outcome string, d time.Duration) {
	m.upstream.WithLabelValues(source, capability, outcome).Inc()
	m.upstreamDur.WithLabelValues(source).Observe(d.Seconds())
}

// ObserveCache records a read-through lookup: hit, miss or stale.
func (m *Metrics) ObserveCache(result string) { m.cache.WithLabelValues(result).Inc() }

// ObservePublish records one broker publish.
func (m *Metrics) ObservePublish(d time.Duration, err error) {
	if err != nil {
		m.brokerErrors.Inc()
		return
	}
	m.brokerPub.Observe(d.Seconds())
}

func classOf(route string) string {
	switch {
	case route == "/v1/ws":
		return "ws"
	case route == "/v1/sse":
		return "sse"
	case route == "/v1/graphql":
		return "graphql"
	case len(route) >= 9 && route[:9] == "/v1/admin":
		return "admin"
	}
	return "rest"
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (s *statusWriter) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	s.wrote = true
	return s.ResponseWriter.Write(b)
}

// Unwrap keeps http.ResponseController and hijacking (WebSocket) working.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
