package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/vnstock-api/vnstock-api/hub"
)

// CounterFunc registers a counter read from f at scrape time.
func (m *Metrics) CounterFunc(name, help string, labels prometheus.Labels, f func() float64) {
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help, ConstLabels: labels}, f))
}

// GaugeFunc registers a gauge read from f at scrape time.
func (m *Metrics) GaugeFunc(name, help string, labels prometheus.Labels, f func() float64) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help, ConstLabels: labels}, f))
}

// RegisterHub exposes the hub's own counters, read at scrape time.
func (m *Metrics) RegisterHub(stats func() hub.Stats, byKind func() map[string]hub.KindStats) {
	type fam struct {
		name, help string
		counter    bool
		get        func(hub.Stats) float64
	}
	for _, f := range []fam{
		{"vnstock_events_published_total", "Events published through this instance's hub.", true, func(s hub.Stats) float64 { return float64(s.Published) }},
		{"vnstock_events_conflated_total", "Events dropped from a queue because a newer value of the same key replaced them.", true, func(s hub.Stats) float64 { return float64(s.Conflated) }},
		{"vnstock_slow_consumer_disconnects_total", "Subscribers ended for passing their queue byte limit.", true, func(s hub.Stats) float64 { return float64(s.SlowConsumers) }},
		{"vnstock_subscribers", "Hub subscribers (stream connections of every transport) open now.", false, func(s hub.Stats) float64 { return float64(s.Subscribers) }},
		{"vnstock_queue_bytes", "Bytes of stream-topic events waiting in subscriber queues.", false, func(s hub.Stats) float64 { return float64(s.QueuedBytes) }},
	} {
		get := f.get
		fn := func() float64 { return get(stats()) }
		if f.counter {
			m.CounterFunc(f.name, f.help, nil, fn)
		} else {
			m.GaugeFunc(f.name, f.help, nil, fn)
		}
	}
	m.reg.MustRegister(kindCollector{
		byKind: byKind,
		received: prometheus.NewDesc("vnstock_events_received_total",
			"Events that reached this instance's hub, by topic kind.", []string{"kind"}, nil),
		delivered: prometheus.NewDesc("vnstock_events_delivered_total",
			"Events offered to subscriber queues (one per subscriber), by topic kind.", []string{"kind"}, nil),
	})
}

// kindCollector reads the per-kind counters (quote, trade, index, bar...)
// at scrape time.
type kindCollector struct {
	byKind              func() map[string]hub.KindStats
	received, delivered *prometheus.Desc
}

func (c kindCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.received; ch <- c.delivered }

func (c kindCollector) Collect(ch chan<- prometheus.Metric) {
	for kind, s := range c.byKind() {
		ch <- prometheus.MustNewConstMetric(c.received, prometheus.CounterValue, float64(s.Received), kind)
		ch <- prometheus.MustNewConstMetric(c.delivered, prometheus.CounterValue, float64(s.Delivered), kind)
	}
}
