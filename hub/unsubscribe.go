package hub

import (
	"context"
)

// Unsubscribe releases topics as the client wrote them and acks them. A topic
// it does not hold is acked too (unsubscribing is idempotent); one that is
// malformed gets an error. Events of released topics still queued are dropped.
func (s *Subscriber) Unsubscribe(ctx context.Context, id []byte, topics []string) {
	var acked, released []string
	var errs []Item
	for _, t := range topics {
		members, held := s.requests[t]
		if !held {
			if _, err := s.h.cfg.Expand(t); err != nil {
				errs = append(errs, Item{Kind: ItemControl, Name: "error", Line: ErrorLine(id, errorCode(err), err.Error())})
				continue
			}
			acked = append(acked, t)
			continue
		}
		delete(s.requests, t)
		acked = append(acked, t)
		released = append(released, s.members.remove(members)...)
	}
	idle := s.h.release(s, released)
	s.mu.Lock()
	s.dropTopicsLocked(released)
	if s.err == nil {
		s.ctrl = append(s.ctrl, Item{Kind: ItemControl, Name: "ack", Line: AckLine(id, acked)})
		s.ctrl = append(s.ctrl, errs...)
		s.signal()
	}
	s.mu.Unlock()
	if len(idle) > 0 {
		if err := s.h.broker.Unsubscribe(ctx, idle...); err != nil {
			s.h.cfg.Logger.Warn("broker unsubscribe failed", "sub_id", s.id, "err", err)
		}
	}
}

// dropTopicsLocked removes queued live events of the given topics.
func (s *Subscriber) dropTopicsLocked(topics []string) {
	if len(topics) == 0 {
		return
	}
	gone := make(map[string]bool, len(topics))
	for _, t := range topics {
		gone[t] = true
	}
	for k, ev := range s.pend {
		if gone[ev.Topic] {
			delete(s.pend, k)
		}
	}
	s.pulls.drop(gone)
	kept := s.stream[:0]
	for _, ev := range s.stream {
		if gone[ev.Topic] {
			s.streamBytes -= len(eventPrefix) + len(ev.body) + 1
			continue
		}
		kept = append(kept, ev)
	}
	clear(s.stream[len(kept):])
	s.stream = kept
}

// release removes s from topics and returns those left with no local
// subscriber (nor one subscribing), which the broker may stop routing here.
func (h *Hub) release(s *Subscriber, topics []string) (idle []string) {
	if len(topics) == 0 {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, t := range topics {
		ts, ok := h.topics[t]
		if !ok {
			continue
		}
		delete(ts.subs, s)
		if len(ts.subs) == 0 && ts.pending.Load() == 0 {
			idle = append(idle, t)
		}
	}
	return idle
}

// Close removes the subscriber from every topic and drops its queue. It is
// idempotent; Drain returns ErrClosed afterwards.
func (s *Subscriber) Close(ctx context.Context) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.mu.Unlock()
	topics := s.members.all()
	s.members.reset()
	clear(s.requests)
	idle := s.h.release(s, topics)
	s.fail(ErrClosed)
	// In no topic and ended: nothing writes the flag any more.
	s.h.flags.put(s.dirty)
	s.h.stats.subscribers.Add(-1)
	if len(idle) > 0 {
		if err := s.h.broker.Unsubscribe(ctx, idle...); err != nil {
			s.h.cfg.Logger.Warn("broker unsubscribe failed", "sub_id", s.id, "err", err)
		}
	}
}
