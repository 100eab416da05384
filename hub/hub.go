package hub

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Config configures a Hub.
type Config struct {
	// Classify says how a topic's events queue: conflate (state: the latest
	// value per key wins and becomes the topic's snapshot) or stream (every
	// event delivered, bounded by QueueBytes). key is the conflation key,
	// usually the topic itself. Nil treats every topic as a stream.
	Classify func(topic string, data []byte) (key string, conflate bool)
	// Expand validates a topic a client asked for and returns the topics it
	// stands for: itself, or a group's members (`quote:@VN30`). An error is
	// reported to the client for that topic. Nil accepts every topic as is.
	Expand func(topic string) ([]string, error)
	// QueueBytes is the most bytes of stream events a subscriber may have
	// pending before it is ended as a slow consumer. Default 1 MiB.
	QueueBytes int
	// MaxTopics bounds the topics one subscriber holds. Default 1,024.
	MaxTopics int
	Logger    *slog.Logger
	Now       func() time.Time
}

func (c Config) withDefaults() Config {
	if c.QueueBytes <= 0 {
		c.QueueBytes = 1 << 20
	}
	if c.MaxTopics <= 0 {
		c.MaxTopics = 1024
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Classify == nil {
		c.Classify = func(string, []byte) (string, bool) { return "", false }
	}
	if c.Expand == nil {
		c.Expand = func(t string) ([]string, error) { return []string{t}, nil }
	}
	return c
}

// Hub is the local fan-out of one instance. Lock order: Hub.mu, then
// Subscriber.mu (see LOCKS.md). It is safe for concurrent use.
type Hub struct {
	cfg    Config
	broker Broker

	mu     sync.RWMutex
	topics map[string]*topicState
	head   uint64 // seq of the last delivered event
	closed bool

	// delivered is the watermark of pulled conflation: every event up to it
	// is in place (a pulled topic's last value stored, or a pushed event in
	// its subscribers' queues). Drain pulls no value above it.
	delivered atomic.Uint64

	exp   expansions // group member lists, shared by subscribers
	flags flagSlab   // the subscribers' dirty flags

	pullLists map[string][]*topicState // shared pull lists (sharePulls); guarded by mu
	nextID    atomic.Uint64
	stats     stats

	regMu      sync.Mutex      // guards regs and committing; taken after Hub.mu when both are held
	regs       []*registration // waiting for the write lock; see Subscriber.register
	committing bool            // a subscriber is committing the queue
}

type topicState struct {
	name     string                         // the topic
	subs     map[*Subscriber]*atomic.Uint32 // with each its dirty flag; guarded by Hub.mu
	pending  atomic.Int32                   // subscribers between reserve and registration
	last     atomic.Pointer[Event]          // latest event of a conflated topic (the snapshot)
	stored   atomic.Uint64                  // events stored as last so far: what a pull skipped is counted as conflated
	keyed    atomic.Bool                    // a conflated topic whose events conflate per key, not per topic: pushed, never pulled
	conflate bool                           // set when the topic is first seen
	kind     *kindStats                     // counters of the topic's kind (the part before ':')
}

// New returns a hub delivering from broker, and starts the broker.
func New(cfg Config, broker Broker) (*Hub, error) {
	h := &Hub{cfg: cfg.withDefaults(), broker: broker, topics: map[string]*topicState{}}
	if err := broker.Start(h); err != nil {
		return nil, err
	}
	return h, nil
}

// Publish publishes one event through the broker and returns its seq.
func (h *Hub) Publish(ctx context.Context, topic string, data []byte, ts int64) (uint64, error) {
	if ts == 0 {
		ts = h.cfg.Now().UnixMilli()
	}
	seq, err := h.broker.Publish(ctx, topic, data, ts)
	if err != nil {
		return 0, err
	}
	h.stats.published.Add(1)
	return seq, nil
}

// PublishAsync publishes one event without waiting for its seq when the
// broker is an AsyncPublisher, and like Publish otherwise. One caller's
// events keep their order; an error means the event was not accepted.
func (h *Hub) PublishAsync(ctx context.Context, topic string, data []byte, ts int64) error {
	ap, ok := h.broker.(AsyncPublisher)
	if !ok {
		_, err := h.Publish(ctx, topic, data, ts)
		return err
	}
	if ts == 0 {
		ts = h.cfg.Now().UnixMilli()
	}
	if err := ap.PublishAsync(ctx, topic, data, ts); err != nil {
		return err
	}
	h.stats.published.Add(1)
	return nil
}

// Deliver implements Deliverer: it records the event as its topic's last
// value (for conflated topics) and offers it to every local subscriber of the
// topic. It never blocks on a subscriber. Brokers call it from one goroutine
// in seq order.
func (h *Hub) Deliver(ev *Event) {
	key, conflate := h.classify(ev)
	h.deliver(ev, key, conflate)
}

// classify applies Config.Classify, defaulting the key to the topic.
func (h *Hub) classify(ev *Event) (string, bool) {
	key, conflate := h.cfg.Classify(ev.Topic, ev.Data)
	if key == "" {
		key = ev.Topic
	}
	return key, conflate
}

// deliver fans out one classified event. An event conflated per topic (a
// quote, an index) is pulled: it becomes the topic's last value and each
// subscriber is only marked dirty, so the cost per subscriber is one atomic
// load of its flag (packed with the others: flagSlab) while its writer
// rests; Drain takes the latest value of every dirty topic. Events
// conflated per key (bars) and stream events are pushed into each
// subscriber's queue.
func (h *Hub) deliver(ev *Event, key string, conflate bool) {
	h.mu.RLock()
	ts, ok := h.topics[ev.Topic]
	if !ok {
		h.mu.RUnlock()
		h.addTopic(ev.Topic, conflate)
		h.mu.RLock()
		ts = h.topics[ev.Topic]
	}
	// Subscribe holds the write lock, so it sees either the old snapshot and
	// this event still to come, or the new snapshot and not this event.
	pull := ts.conflate && key == ev.Topic
	if ts.conflate && !pull && !ts.keyed.Load() {
		ts.keyed.Store(true)
	}
	if ts.conflate {
		ts.stored.Add(1)
		ts.last.Store(ev)
	}
	atomic.StoreUint64(&h.head, max(ev.Seq, atomic.LoadUint64(&h.head)))
	if pull {
		h.advanceDelivered(ev.Seq)
		for s, dirty := range ts.subs {
			s.touch(dirty)
		}
	} else {
		for s := range ts.subs {
			s.offer(ev, key, ts.conflate)
		}
		h.advanceDelivered(ev.Seq)
	}
	n := len(ts.subs)
	kind := ts.kind
	h.mu.RUnlock()
	h.stats.delivered.Add(uint64(n))
	if kind != nil {
		kind.received.Add(1)
		kind.delivered.Add(uint64(n))
	}
}

// advanceDelivered raises the pull watermark to seq.
func (h *Hub) advanceDelivered(seq uint64) {
	for {
		cur := h.delivered.Load()
		if seq <= cur || h.delivered.CompareAndSwap(cur, seq) {
			return
		}
	}
}

// DeliverBatch implements BatchDeliverer: events of conflated keys that a
// later event of the same batch supersedes are not fanned out (they stay in
// the history for resume); the rest are delivered in seq order. Under load
// this bounds the hub's work by the number of changed keys, not the rate.
func (h *Hub) DeliverBatch(evs []*Event) {
	if len(evs) == 1 {
		h.Deliver(evs[0])
		return
	}
	type classified struct {
		key      string
		conflate bool
	}
	cls := make([]classified, len(evs))
	last := make(map[string]int, len(evs))
	for i, ev := range evs {
		key, conflate := h.classify(ev)
		cls[i] = classified{key, conflate}
		if conflate {
			last[key] = i
		}
	}
	skipped := 0
	for i, ev := range evs {
		if cls[i].conflate && last[cls[i].key] != i {
			skipped++
			continue
		}
		h.deliver(ev, cls[i].key, cls[i].conflate)
	}
	h.stats.conflated.Add(uint64(skipped))
}

// addTopic creates a topic's state under the write lock.
func (h *Hub) addTopic(topic string, conflate bool) *topicState {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.topicLocked(topic, conflate)
}

// topicLocked returns topic's state, creating it when absent; the caller
// holds h.mu for writing.
func (h *Hub) topicLocked(topic string, conflate bool) *topicState {
	ts, ok := h.topics[topic]
	if !ok {
		ts = &topicState{name: topic, subs: map[*Subscriber]*atomic.Uint32{}, conflate: conflate, kind: h.stats.kind(topic)}
		h.topics[topic] = ts
	}
	return ts
}

// Head returns the seq of the last event this hub delivered, or the seq its
// broker last said it has delivered everything routed here up to.
func (h *Hub) Head() uint64 { return atomic.LoadUint64(&h.head) }

// AdvanceHead implements RoutedDeliverer. It takes the read lock so that a
// registration (write lock) sees the head and the deliveries before it
// together, as it does for events.
func (h *Hub) AdvanceHead(seq uint64) {
	h.mu.RLock()
	if seq > atomic.LoadUint64(&h.head) {
		atomic.StoreUint64(&h.head, seq)
	}
	h.advanceDelivered(seq)
	h.mu.RUnlock()
}

// Interested implements RoutedDeliverer.
func (h *Hub) Interested(topic string) bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	ts, ok := h.topics[topic]
	return ok && (len(ts.subs) > 0 || ts.pending.Load() > 0)
}

// Unrouted implements RoutedDeliverer.
func (h *Hub) Unrouted(topics []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, t := range topics {
		if ts, ok := h.topics[t]; ok {
			ts.last.Store(nil)
		}
	}
}

// Epoch returns the broker's current epoch.
func (h *Hub) Epoch() string { return h.broker.Epoch() }

// Snapshot returns the last value of each topic that has one, expanding
// groups; topics that fail to expand are returned in errs.
func (h *Hub) Snapshot(ctx context.Context, topics []string) (events []*Event, errs map[string]error) {
	var want []string
	for _, t := range topics {
		members, err := h.cfg.Expand(t)
		if err != nil {
			if errs == nil {
				errs = map[string]error{}
			}
			errs[t] = err
			continue
		}
		want = append(want, members...)
	}
	var missing []string
	h.mu.RLock()
	for _, t := range want {
		if ts, ok := h.topics[t]; ok && ts.last.Load() != nil {
			events = append(events, ts.last.Load())
		} else {
			missing = append(missing, t)
		}
	}
	h.mu.RUnlock()
	if len(missing) > 0 {
		more, err := h.broker.LastValues(ctx, missing)
		if err == nil {
			events = append(events, h.conflatedOnly(more)...)
		}
	}
	return events, errs
}

// conflatedOnly keeps the events of state topics.
func (h *Hub) conflatedOnly(evs []*Event) []*Event {
	out := evs[:0]
	for _, ev := range evs {
		if _, conflate := h.cfg.Classify(ev.Topic, ev.Data); conflate {
			out = append(out, ev)
		}
	}
	return out
}

// Close ends every subscriber and closes the broker.
func (h *Hub) Close(ctx context.Context) error {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil
	}
	h.closed = true
	var subs []*Subscriber
	seen := map[*Subscriber]bool{}
	for _, ts := range h.topics {
		for s := range ts.subs {
			if !seen[s] {
				seen[s] = true
				subs = append(subs, s)
			}
		}
	}
	h.mu.Unlock()
	for _, s := range subs {
		s.fail(ErrClosed)
	}
	return h.broker.Close(ctx)
}

// ErrSlowConsumer ends a subscriber whose stream queue passed its byte limit.
var ErrSlowConsumer = errors.New("slow consumer: queue limit exceeded")

// Expand validates a topic and returns the topics it stands for.
func (h *Hub) Expand(topic string) ([]string, error) { return h.cfg.Expand(topic) }
