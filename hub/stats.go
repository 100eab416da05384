package hub

import "sync/atomic"

type stats struct {
	published   atomic.Uint64
	delivered   atomic.Uint64
	conflated   atomic.Uint64
	slow        atomic.Uint64
	subscribers atomic.Int64
}

// Stats is a snapshot of the hub's counters.
type Stats struct {
	Published     uint64 // events published through this hub
	Delivered     uint64 // events offered to subscriber queues
	Conflated     uint64 // events replaced in a queue by a newer value of the same key
	SlowConsumers uint64 // subscribers ended for passing their queue limit
	Subscribers   int64  // subscribers now open
}

// Stats returns the hub's counters.
func (h *Hub) Stats() Stats {
	return Stats{
		Published:     h.stats.published.Load(),
		Delivered:     h.stats.delivered.Load(),
		Conflated:     h.stats.conflated.Load(),
		SlowConsumers: h.stats.slow.Load(),
		Subscribers:   h.stats.subscribers.Load(),
	}
}
