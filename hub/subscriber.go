package hub

import (
	"cmp"
	"slices"
	"sync"
	"sync/atomic"
)

// ItemKind says what a queued Item is.
type ItemKind uint8

// Item kinds.
const (
	ItemEvent    ItemKind = iota + 1 // a live or replayed event
	ItemSnapshot                     // a topic's last value, sent on subscribe
	ItemControl                      // a reply: ack, error, recovered, pong...
)

// Item is one message ready for a transport to frame.
type Item struct {
	Kind  ItemKind
	Event *Event // ItemEvent, ItemSnapshot
	Line  []byte // ItemControl: the whole JSON message
	Name  string // ItemControl: its type ("ack", "error", "recovered", ...)
}

// AppendJSON appends the item's JSON message (no newline).
func (it Item) AppendJSON(b []byte) []byte {
	switch it.Kind {
	case ItemEvent:
		return it.Event.AppendLine(b)
	case ItemSnapshot:
		return it.Event.AppendSnapshot(b)
	default:
		return append(b, it.Line...)
	}
}

// Subscriber is one client's view of the hub: the topics it holds and a
// bounded queue of what it has not been sent yet. The hub starts no goroutine
// for it: the transport's own goroutine waits on Ready and calls Drain.
//
// Subscribe, Unsubscribe and Close are called by one goroutine (the
// connection's reader); Ready, Drain and Push may be called concurrently.
type Subscriber struct {
	h      *Hub
	id     uint64
	dirty  *atomic.Uint32 // 1: a pulled topic changed since the last Drain; from Hub.flags
	ready  chan struct{}  // capacity 1: "the queue is not empty"
	notify func()         // set once before the first Subscribe; see SetNotify

	mu          sync.Mutex // guards the fields below; taken after Hub.mu
	ctrl        []Item     // replies, snapshots and replays, in order, before live events
	stream      []*Event   // pending stream events, seq order
	streamBytes int
	pend        map[string]*Event // pending pushed conflated events by key
	pulls       pullSet           // the conflated topics held, for Drain to pull
	holding     int               // >0 while a resume is reading history
	err         error             // terminal: the subscriber is ended
	closed      bool

	// Owned by the subscribing goroutine; the registry itself is Hub.topics.
	members   memberCounts        // member topic → number of requests naming it
	requests  map[string][]string // topic as requested → its member topics
	maxTopics int                 // this subscriber's own cap; 0 means the hub's
}

// NewSubscriber registers a new subscriber with no topics.
func (h *Hub) NewSubscriber() *Subscriber {
	h.stats.subscribers.Add(1)
	return &Subscriber{
		h:        h,
		id:       h.nextID.Add(1),
		dirty:    h.flags.get(),
		ready:    make(chan struct{}, 1),
		requests: map[string][]string{},
	}
}

// SetMaxTopics lowers the topics this subscriber may hold below the hub's
// MaxTopics (a client's plan); n <= 0, or above the hub's limit, keeps the
// hub's. Call it before the first Subscribe, from the subscribing goroutine.
func (s *Subscriber) SetMaxTopics(n int) { s.maxTopics = n }

// MaxTopics returns the topics this subscriber may hold.
func (s *Subscriber) MaxTopics() int {
	if s.maxTopics > 0 && s.maxTopics < s.h.cfg.MaxTopics {
		return s.maxTopics
	}
	return s.h.cfg.MaxTopics
}

// ID is unique within the hub.
func (s *Subscriber) ID() uint64 { return s.id }

// SetNotify makes the subscriber call f, instead of signalling Ready,
// whenever its queue may have something to Drain (or it was ended). f runs
// on the delivering goroutine, with or without the subscriber's lock held:
// it must not block and must not call back into the subscriber; starting a
// writer goroutine is what it is for. A transport that uses it needs no
// goroutine of its own while the queue is empty. Call it once, before the
// first Subscribe or Push, from the subscribing goroutine.
func (s *Subscriber) SetNotify(f func()) { s.notify = f }

// Ready is signalled when the queue may have something to Drain (or the
// subscriber was ended).
func (s *Subscriber) Ready() <-chan struct{} { return s.ready }

func (s *Subscriber) signal() {
	if s.notify != nil {
		s.notify()
		return
	}
	select {
	case s.ready <- struct{}{}:
	default:
	}
}

// touch marks the subscriber dirty, and wakes its writer the first time
// since the last Drain. Called by Hub.deliver under Hub.mu, with the flag
// the topic keeps beside the subscriber (s.dirty): a subscriber already
// dirty is not read at all.
//
// It takes no lock: the delivering goroutine must never wait on a writer
// that holds the subscriber's lock in Drain (with thousands of runnable
// goroutines, one such wait costs it a trip through the scheduler's queue).
// Waking an ended subscriber is harmless.
func (s *Subscriber) touch(dirty *atomic.Uint32) {
	if dirty.Load() != 0 || !dirty.CompareAndSwap(0, 1) {
		return
	}
	s.signal()
}

// offer queues one event without blocking. Called by Hub.Deliver under Hub.mu.
func (s *Subscriber) offer(ev *Event, key string, conflate bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil || s.closed {
		return
	}
	if conflate {
		if s.pend == nil {
			s.pend = make(map[string]*Event, 8)
		}
		if _, ok := s.pend[key]; ok {
			s.h.stats.conflated.Add(1)
		}
		s.pend[key] = ev
	} else {
		size := len(eventPrefix) + len(ev.body) + 1
		if s.streamBytes+size > s.h.cfg.QueueBytes {
			s.failLocked(ErrSlowConsumer)
			s.h.stats.slow.Add(1)
			return
		}
		s.stream = append(s.stream, ev)
		s.streamBytes += size
		s.h.stats.queued.Add(int64(size))
	}
	s.signal()
}

// Push queues a control message (a reply the transport built itself).
func (s *Subscriber) Push(name string, line []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil || s.closed {
		return
	}
	s.ctrl = append(s.ctrl, Item{Kind: ItemControl, Name: name, Line: line})
	s.signal()
}

// QueuedBytes returns the bytes of stream events waiting to be drained.
func (s *Subscriber) QueuedBytes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.streamBytes
}

// Drain appends everything pending to items, in the order it must be sent:
// replies, snapshots and replays first, then live events in increasing seq
// (conflated and stream events merged). It returns the subscriber's terminal
// error, if it was ended, and then nothing else.
func (s *Subscriber) Drain(items []Item) ([]Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return items, s.err
	}
	if s.holding > 0 {
		return items, nil
	}
	s.dirty.Store(0)
	watermark := s.h.delivered.Load()
	items = append(items, s.ctrl...)
	clear(s.ctrl)
	s.ctrl = s.ctrl[:0]
	if cap(s.ctrl) > 8 { // a subscribe's snapshots: do not keep their room while idle
		s.ctrl = nil
	}
	var scratch [64]*Event
	evs := s.pullLocked(scratch[:0], watermark)
	for _, ev := range s.pend {
		evs = append(evs, ev)
	}
	clear(s.pend)
	// Sorted as pointers: an Item is seven words to move, a pointer one.
	slices.SortFunc(evs, func(a, b *Event) int { return cmp.Compare(a.Seq, b.Seq) })
	items = mergeEvents(items, evs, s.stream)
	if len(s.stream) > 0 {
		clear(s.stream)
		s.stream = s.stream[:0]
		s.h.stats.queued.Add(-int64(s.streamBytes))
		s.streamBytes = 0
	}
	return items, nil
}

// pullLocked appends the last value of every held conflated topic that
// changed since it was sent, up to the watermark: a value above it may have
// pushed events before it that are not queued yet, and its topic is touched
// again once the watermark passes it.
//
// The conflated count goes to the hub's shared counter once per call: an
// atomic add per pulled topic made the counter's cache line bounce
// between the writers for every event of every subscriber.
func (s *Subscriber) pullLocked(evs []*Event, watermark uint64) []*Event {
	evs, conflated := s.pulls.pull(evs, watermark)
	if conflated > 0 {
		s.h.stats.conflated.Add(conflated)
	}
	return evs
}

// mergeEvents appends the events of a and b, each in seq order, to items
// in seq order.
func mergeEvents(items []Item, a, b []*Event) []Item {
	for len(a) > 0 && len(b) > 0 {
		var ev *Event
		if a[0].Seq < b[0].Seq {
			ev, a = a[0], a[1:]
		} else {
			ev, b = b[0], b[1:]
		}
		items = append(items, Item{Kind: ItemEvent, Event: ev})
	}
	for _, ev := range a {
		items = append(items, Item{Kind: ItemEvent, Event: ev})
	}
	for _, ev := range b {
		items = append(items, Item{Kind: ItemEvent, Event: ev})
	}
	return items
}

// Err returns the terminal error once the subscriber was ended.
func (s *Subscriber) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// fail ends the subscriber with err: its queue is dropped and Drain reports err.
func (s *Subscriber) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failLocked(err)
}

func (s *Subscriber) failLocked(err error) {
	if s.err != nil {
		return
	}
	s.err = err
	clear(s.ctrl)
	s.ctrl = nil
	clear(s.stream)
	s.stream = nil
	s.h.stats.queued.Add(-int64(s.streamBytes))
	s.streamBytes = 0
	s.pend = nil
	s.pulls = pullSet{}
	s.signal()
}
