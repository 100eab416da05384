package hub

import (
	"slices"
	"strings"
)

// pullSet is the conflated topics a subscriber holds, for Drain to pull,
// as parallel lists. Thousands of subscribers usually hold the same topics
// (a group such as quote:@VN30), so the topic list itself is shared
// between them where it can be (Hub.sharePulls) and never changed in
// place; only what was sent is the subscriber's own. Drain walks these
// lists for every batch: shared, the topics stay in the cache, and a
// subscriber's own part is half the size it was with a slot per topic.
type pullSet struct {
	topics []*topicState // possibly shared: read-only
	sent   []uint64      // seq of the last value of topics[i] sent
	seen   []uint32      // topics[i]'s stored count then, mod 2^32: the values in between were conflated
}

// add appends topics, whose values up to seq sent are covered and whose
// stored counts are seen. share may return an equal list already in use.
func (p *pullSet) add(topics []*topicState, sent uint64, seen []uint32, share func([]*topicState) []*topicState) {
	if len(p.topics) == 0 {
		p.topics = share(topics)
	} else {
		p.topics = append(slices.Clip(p.topics), topics...) // a copy: the old list may be shared
	}
	for range topics {
		p.sent = append(p.sent, sent)
	}
	p.seen = append(p.seen, seen...)
}

// drop removes the topics named in gone.
func (p *pullSet) drop(gone map[string]bool) {
	if !slices.ContainsFunc(p.topics, func(ts *topicState) bool { return gone[ts.name] }) {
		return
	}
	topics := make([]*topicState, 0, len(p.topics))
	j := 0
	for i, ts := range p.topics {
		if gone[ts.name] {
			continue
		}
		topics = append(topics, ts)
		p.sent[j], p.seen[j] = p.sent[i], p.seen[i]
		j++
	}
	p.topics, p.sent, p.seen = topics, p.sent[:j], p.seen[:j]
}

// pull appends the last value of every topic that changed since it was
// sent, up to the watermark (see Subscriber.pullLocked), and returns the
// number of values conflated on the way.
func (p *pullSet) pull(evs []*Event, watermark uint64) ([]*Event, uint64) {
	var conflated uint64
	for i, ts := range p.topics {
		ev := ts.last.Load()
		if ev == nil || ev.Seq > watermark || ev.Seq <= p.sent[i] || ts.keyed.Load() {
			continue
		}
		// stored is read after last, and counts it: at least one more than seen.
		n := uint32(ts.stored.Load())
		conflated += uint64(n - p.seen[i] - 1)
		p.sent[i], p.seen[i] = ev.Seq, n
		evs = append(evs, ev)
	}
	return evs, conflated
}

// maxPullLists bounds the topic lists the hub keeps for sharing: clients
// that each hold a different set of topics get lists of their own.
const maxPullLists = 4096

// sharePulls returns list, or an equal list already in use, which list
// then joins (at most maxPullLists are kept). The caller holds h.mu for
// writing and never changes list afterwards.
func (h *Hub) sharePulls(list []*topicState) []*topicState {
	if len(list) < 2 {
		return list
	}
	var b strings.Builder
	for _, ts := range list {
		b.WriteString(ts.name)
		b.WriteByte(0)
	}
	key := b.String()
	if old, ok := h.pullLists[key]; ok {
		return old
	}
	if h.pullLists == nil {
		h.pullLists = map[string][]*topicState{}
	}
	if len(h.pullLists) < maxPullLists {
		h.pullLists[key] = list
	}
	return list
}
