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
func (m *Metrics) RegisterHub(stats func() hub.Stats) {
	type fam struct {
		name, help string
		counter    bool
		get        func(hub.Stats) float64
	}
	for _, f := range []fam{
		{"vnstock_events_published_total", "Events published through this instance's hub.", true, func(s hub.Stats) float64 { return float64(s.Published) }},
		{"vnstock_events_delivered_total", "Events offered to subscriber queues.", true, func(s hub.Stats) float64 { return float64(s.Delivered) }},
		{"vnstock_events_conflated_total", "Events dropped from a queue because a newer value of the same key replaced them.", true, func(s hub.Stats) float64 { return float64(s.Conflated) }},
		{"vnstock_slow_consumer_disconnects_total", "Subscribers ended for passing their queue byte limit.", true, func(s hub.Stats) float64 { return float64(s.SlowConsumers) }},
		{"vnstock_subscribers", "Hub subscribers (stream connections of every transport) open now.", false, func(s hub.Stats) float64 { return float64(s.Subscribers) }},
	} {
		get := f.get
		fn := func() float64 { return get(stats()) }
		if f.counter {
			m.CounterFunc(f.name, f.help, nil, fn)
		} else {
			m.GaugeFunc(f.name, f.help, nil, fn)
		}
	}
}
