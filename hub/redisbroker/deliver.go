package redisbroker

import (
	"sync"

	"github.com/vnstock-api/vnstock-api/hub"
)

// op is one entry of the delivery queue: an event, or a step the hub must
// see in order with the events around it.
type op struct {
	ev      *hub.Event
	advance uint64        // hub.RoutedDeliverer.AdvanceHead
	unroute []string      // hub.RoutedDeliverer.Unrouted
	done    chan struct{} // closed once applied, may be nil
}

// sequencer orders what reaches the hub: events from pub/sub, from the
// history (replays after a reconnection) and from local publishing all pass
// through push, which drops any seq not above the last one queued. So the
// hub sees strictly increasing seqs whatever Redis does (a restart that
// resets the counter, a marker racing an event).
type sequencer struct {
	mu   sync.Mutex // held while enqueueing, so queue order is seq order
	last uint64     // highest seq queued (events and markers)
	q    chan op
}

// push queues ev unless its seq is not above the last queued; it blocks
// while the queue is full (backpressure) unless stop is closed.
func (s *sequencer) push(ev *hub.Event, stop <-chan struct{}) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ev.Seq <= s.last {
		return false
	}
	s.last = ev.Seq
	return s.send(op{ev: ev}, stop)
}

// mark queues an advance of the hub's head to seq (when above the last).
func (s *sequencer) mark(seq uint64, done chan struct{}, stop <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.last = max(s.last, seq)
	if !s.send(op{advance: seq, done: done}, stop) && done != nil {
		close(done)
	}
}

// control queues an op that carries no seq.
func (s *sequencer) control(o op, stop <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.send(o, stop) && o.done != nil {
		close(o.done)
	}
}

// mint numbers a locally published event with the next seq and queues it.
func (s *sequencer) mint(topic string, data []byte, ts int64, stop <-chan struct{}) (*hub.Event, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ev := hub.NewEvent(topic, s.last+1, ts, data)
	s.last = ev.Seq
	return ev, s.send(op{ev: ev}, stop)
}

// head returns the last seq queued.
func (s *sequencer) head() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

func (s *sequencer) send(o op, stop <-chan struct{}) bool {
	select {
	case s.q <- o:
		return true
	default:
	}
	select {
	case s.q <- o:
		return true
	case <-stop:
		return false
	}
}

// maxBatch bounds the events handed to the hub at once.
const maxBatch = 4096

// deliverLoop hands the queue to the hub in order: runs of events as one
// batch (so a lagging hub conflates), the other ops between them. It ends
// when Close closes the queue, after delivering everything in it.
func (b *Broker) deliverLoop() {
	defer close(b.delDone)
	batch := make([]*hub.Event, 0, 64)
	var held *op
	for {
		var o op
		if held != nil {
			o, held = *held, nil
		} else {
			var ok bool
			if o, ok = <-b.seq.q; !ok {
				return
			}
		}
		if o.ev == nil {
			b.apply(o)
			continue
		}
		batch = append(batch[:0], o.ev)
	drain:
		for len(batch) < maxBatch {
			select {
			case n, ok := <-b.seq.q:
				if !ok {
					break drain
				}
				if n.ev == nil {
					held = &n
					break drain
				}
				batch = append(batch, n.ev)
			default:
				break drain
			}
		}
		b.deliver(batch)
		clear(batch)
	}
}

func (b *Broker) deliver(batch []*hub.Event) {
	if bd, ok := b.d.(hub.BatchDeliverer); ok && len(batch) > 1 {
		bd.DeliverBatch(batch)
		return
	}
	for _, ev := range batch {
		b.d.Deliver(ev)
	}
}

// apply performs a control op.
func (b *Broker) apply(o op) {
	if b.routedD != nil {
		if o.advance > 0 {
			b.routedD.AdvanceHead(o.advance)
		}
		if len(o.unroute) > 0 {
			b.routedD.Unrouted(o.unroute)
		}
	}
	if o.done != nil {
		close(o.done)
	}
}
