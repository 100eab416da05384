package hub

import (
	"context"
	"fmt"
	"slices"
)

// SubscribeRequest is a client's subscribe message.
type SubscribeRequest struct {
	ID     []byte   // the request's id as raw JSON, echoed in replies; nil when absent
	Topics []string // as the client wrote them
	Since  *uint64  // resume after this seq; nil for a plain subscribe
	Epoch  string   // the epoch Since belongs to; "" when unknown
}

// plan is a validated subscribe request.
type plan struct {
	acked   []string            // requested topics to list in the ack, as written
	added   map[string][]string // newly requested topic → members
	newMems []string            // member topics this subscriber did not hold yet
	errs    []Item
}

// Subscribe applies a subscribe request: an ack (and an error per refused
// topic), then for every newly held state topic its snapshot, or with Since
// the missed events and a `recovered` message. Nothing of a topic is queued
// before its snapshot or replay, and no queued event repeats or precedes
// them.
func (s *Subscriber) Subscribe(ctx context.Context, req SubscribeRequest) {
	p, err := s.plan(req)
	if err != nil {
		s.Push("error", ErrorLine(req.ID, "too_many_topics", err.Error()))
		return
	}
	s.h.reserve(p.newMems)
	if len(p.newMems) > 0 {
		if err := s.h.broker.Subscribe(ctx, p.newMems...); err != nil {
			s.h.cfg.Logger.Warn("broker subscribe failed", "sub_id", s.id, "err", err)
		}
	}
	remote := s.remoteSnapshots(ctx, p.newMems)
	head, snaps := s.register(req, p, remote)
	if req.Since == nil {
		return
	}
	s.resume(ctx, req, p.newMems, head, snaps)
}

// plan validates and expands the requested topics.
func (s *Subscriber) plan(req SubscribeRequest) (plan, error) {
	limit := s.MaxTopics()
	if len(req.Topics) > limit {
		return plan{}, fmt.Errorf("request lists %d topics, more than the limit of %d", len(req.Topics), limit)
	}
	p := plan{added: map[string][]string{}}
	seenMem := map[string]bool{}
	total := s.members.len()
	for _, t := range req.Topics {
		if _, dup := p.added[t]; dup || s.requests[t] != nil {
			if !slices.Contains(p.acked, t) {
				p.acked = append(p.acked, t)
			}
			continue
		}
		members, err := s.h.cfg.Expand(t)
		if err != nil {
			p.errs = append(p.errs, Item{Kind: ItemControl, Name: "error", Line: ErrorLine(req.ID, errorCode(err), err.Error())})
			continue
		}
		members = s.h.exp.share(t, members)
		p.added[t] = members
		p.acked = append(p.acked, t)
		for _, m := range members {
			if s.members.count(m) == 0 && !seenMem[m] {
				seenMem[m] = true
				p.newMems = append(p.newMems, m)
				total++
			}
		}
		if total > limit {
			return plan{}, fmt.Errorf("request would hold %d topics, more than the limit of %d", total, limit)
		}
	}
	return p, nil
}

// remoteSnapshots fetches from the broker the last values of topics this
// instance has never seen published.
func (s *Subscriber) remoteSnapshots(ctx context.Context, topics []string) map[string]*Event {
	var unknown []string
	s.h.mu.RLock()
	for _, t := range topics {
		if ts, ok := s.h.topics[t]; !ok || ts.last.Load() == nil {
			unknown = append(unknown, t)
		}
	}
	s.h.mu.RUnlock()
	if len(unknown) == 0 {
		return nil
	}
	evs, err := s.h.broker.LastValues(ctx, unknown)
	if err != nil {
		s.h.cfg.Logger.Warn("broker last values failed", "sub_id", s.id, "err", err)
		return nil
	}
	out := make(map[string]*Event, len(evs))
	for _, ev := range s.h.conflatedOnly(evs) {
		out[ev.Topic] = ev
	}
	return out
}

// reserve marks topics as being subscribed, before the broker is asked to
// route them, so that a concurrent release does not report them idle.
// register ends the reservation. Only a topic never seen needs the write
// lock.
func (h *Hub) reserve(topics []string) {
	if len(topics) == 0 {
		return
	}
	var missing []string
	h.mu.RLock()
	for _, t := range topics {
		if ts, ok := h.topics[t]; ok {
			ts.pending.Add(1)
		} else {
			missing = append(missing, t)
		}
	}
	h.mu.RUnlock()
	if len(missing) == 0 {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, t := range missing {
		ts, ok := h.topics[t]
		if !ok {
			_, conflate := h.cfg.Classify(t, nil)
			ts = h.topicLocked(t, conflate)
		}
		ts.pending.Add(1)
	}
}

// registration is one Subscribe waiting for the hub's write lock.
type registration struct {
	s      *Subscriber
	req    SubscribeRequest
	p      plan
	remote map[string]*Event
	head   uint64 // results, set under the write lock
	snaps  []Item
	done   chan struct{} // closed once committed
}

// register adds the subscriber to its new topics under the hub's write lock,
// so that no delivery interleaves, and queues the ack, the errors and (for a
// plain subscribe) the snapshots. It returns the head seq at that instant and
// the snapshots it took.
//
// Registrations are committed in groups: each joins a queue, and one of
// them (the committer) takes the write lock and commits everything queued,
// again until the queue is empty, while the others wait for theirs. A
// connection storm then costs the delivering goroutine (which takes the
// read lock per event) one hand-over of the lock per group, not one per
// subscriber.
func (s *Subscriber) register(req SubscribeRequest, p plan, remote map[string]*Event) (uint64, []Item) {
	h := s.h
	r := &registration{s: s, req: req, p: p, remote: remote, done: make(chan struct{})}
	h.regMu.Lock()
	h.regs = append(h.regs, r)
	commit := !h.committing
	h.committing = true
	h.regMu.Unlock()
	if commit {
		h.commitRegistrations()
	}
	<-r.done
	return r.head, r.snaps
}

// commitRegistrations commits queued registrations, a group per write lock,
// until none is left.
func (h *Hub) commitRegistrations() {
	for {
		h.mu.Lock()
		h.regMu.Lock()
		batch := h.regs
		h.regs = nil
		h.regMu.Unlock()
		for _, b := range batch {
			b.head, b.snaps = b.s.registerLocked(b.req, b.p, b.remote)
		}
		h.mu.Unlock()
		for _, b := range batch {
			close(b.done)
		}
		h.regMu.Lock()
		if len(h.regs) == 0 {
			h.committing = false
			h.regMu.Unlock()
			return
		}
		h.regMu.Unlock()
	}
}

// registerLocked is one registration; the caller holds h.mu for writing.
// The subscriber's own goroutine is blocked in register meanwhile, so its
// topic maps are safe to change here.
func (s *Subscriber) registerLocked(req SubscribeRequest, p plan, remote map[string]*Event) (uint64, []Item) {
	h := s.h
	head := h.Head()
	var snaps []Item
	var pulls []*topicState
	var seen []uint32
	for _, m := range p.newMems {
		ts := h.topics[m] // created by reserve, never deleted
		ts.pending.Add(-1)
		ts.subs[s] = s.dirty
		if ts.conflate {
			// The snapshot (or the replay up to head) covers every value up
			// to head: only later ones are pulled.
			pulls = append(pulls, ts)
			seen = append(seen, uint32(ts.stored.Load()))
		}
		snap := ts.last.Load()
		if r := remote[m]; snap == nil && r != nil && r.Seq <= head {
			snap = r // a later event may still be in flight: only older snapshots are safe
		}
		if snap != nil && ts.conflate {
			snaps = append(snaps, Item{Kind: ItemSnapshot, Event: snap})
		}
	}
	for t, members := range p.added {
		s.requests[t] = members
		s.members.add(members)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return head, nil
	}
	s.pulls.add(pulls, head, seen, h.sharePulls)
	s.ctrl = append(s.ctrl, Item{Kind: ItemControl, Name: "ack", Line: AckLine(req.ID, p.acked)})
	s.ctrl = append(s.ctrl, p.errs...)
	if req.Since == nil {
		s.ctrl = append(s.ctrl, snaps...)
	} else {
		s.holding++
	}
	s.signal()
	return head, snaps
}

// resume replays the events of topics after since up to head, or, when the
// history cannot, says so and sends snapshots instead.
func (s *Subscriber) resume(ctx context.Context, req SubscribeRequest, topics []string, head uint64, snaps []Item) {
	since := *req.Since
	complete := (req.Epoch == "" || req.Epoch == s.h.Epoch()) && since <= head
	var replay []*Event
	if complete {
		want := make(map[string]bool, len(topics))
		for _, t := range topics {
			want[t] = true
		}
		evs, ok, err := s.h.broker.History(ctx, since, head, func(t string) bool { return want[t] })
		complete = ok && err == nil
		replay = evs
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.holding--
	if s.err != nil {
		return
	}
	if complete {
		for _, ev := range replay {
			s.ctrl = append(s.ctrl, Item{Kind: ItemEvent, Event: ev})
		}
		s.ctrl = append(s.ctrl, Item{Kind: ItemControl, Name: "recovered", Line: RecoveredLine(req.ID, since, head, true)})
	} else {
		s.ctrl = append(s.ctrl, Item{Kind: ItemControl, Name: "recovered", Line: RecoveredLine(req.ID, since, head, false)})
		s.ctrl = append(s.ctrl, snaps...)
	}
	s.signal()
}
