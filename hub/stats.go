package hub

import (
	"strings"
	"sync"
	"sync/atomic"
)

type stats struct {
	published   atomic.Uint64
	delivered   atomic.Uint64
	conflated   atomic.Uint64
	slow        atomic.Uint64
	subscribers atomic.Int64
	queued      atomic.Int64 // bytes of stream events in subscriber queues
	kinds       sync.Map     // topic kind -> *kindStats
}

// kindStats counts one topic kind's traffic.
type kindStats struct {
	received, delivered atomic.Uint64
}

// kind returns the counters of topic's kind: the part before the first
// ':' ("quote" of "quote:VNM"), the whole topic when it has none.
func (s *stats) kind(topic string) *kindStats {
	k, _, _ := strings.Cut(topic, ":")
	v, _ := s.kinds.LoadOrStore(k, new(kindStats))
	return v.(*kindStats)
}

// KindStats is one topic kind's counters.
type KindStats struct {
	Received  uint64 // events of the kind this hub delivered (from any instance)
	Delivered uint64 // offers of them to subscriber queues
}

// StatsByKind returns the counters of each topic kind seen.
func (h *Hub) StatsByKind() map[string]KindStats {
	out := map[string]KindStats{}
	h.stats.kinds.Range(func(k, v any) bool {
		ks := v.(*kindStats)
		out[k.(string)] = KindStats{Received: ks.received.Load(), Delivered: ks.delivered.Load()}
		return true
	})
	return out
}

// Stats is a snapshot of the hub's counters.
type Stats struct {
	Published     uint64 // events published through this hub
	Delivered     uint64 // events offered to subscriber queues
	Conflated     uint64 // events replaced in a queue by a newer value of the same key
	SlowConsumers uint64 // subscribers ended for passing their queue limit
	Subscribers   int64  // subscribers now open
	QueuedBytes   int64  // bytes of stream events waiting in subscriber queues
}

// Stats returns the hub's counters.
func (h *Hub) Stats() Stats {
	return Stats{
		Published:     h.stats.published.Load(),
		Delivered:     h.stats.delivered.Load(),
		Conflated:     h.stats.conflated.Load(),
		SlowConsumers: h.stats.slow.Load(),
		Subscribers:   h.stats.subscribers.Load(),
		QueuedBytes:   h.stats.queued.Load(),
	}
}
