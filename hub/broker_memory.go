package hub

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"
)

// MemoryConfig configures a MemoryBroker.
type MemoryConfig struct {
	History HistoryConfig
	// QueueLen bounds the events accepted but not yet delivered; Publish
	// blocks (backpressure on the feed) when it is full. Default 65,536.
	QueueLen int
	Now      func() time.Time
}

// MemoryBroker is the single-process Broker: sequence, history and last
// values live in memory and delivery is a goroutine that hands each event to
// the hub in order. Publish costs O(1) whatever the number of subscribers.
type MemoryBroker struct {
	now   func() time.Time
	epoch string

	mu      sync.Mutex // guards seq, hist, last, closed; held while enqueueing so order is seq order
	seq     uint64
	hist    *history
	last    map[string]*Event
	closed  bool
	queue   chan *Event
	done    chan struct{}
	started bool
}

var _ Broker = (*MemoryBroker)(nil)

// NewMemoryBroker returns a broker with a fresh random epoch.
func NewMemoryBroker(cfg MemoryConfig) *MemoryBroker {
	if cfg.QueueLen <= 0 {
		cfg.QueueLen = 65_536
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &MemoryBroker{
		now:   cfg.Now,
		epoch: NewEpoch(),
		hist:  newHistory(cfg.History),
		last:  map[string]*Event{},
		queue: make(chan *Event, cfg.QueueLen),
		done:  make(chan struct{}),
	}
}

// NewEpoch returns a random epoch identifier.
func NewEpoch() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

// Start launches the delivery goroutine; Close ends it.
func (b *MemoryBroker) Start(d Deliverer) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.started {
		return nil
	}
	b.started = true
	go func() {
		defer close(b.done)
		batch := make([]*Event, 0, maxBatch)
		for ev := range b.queue {
			batch = append(batch[:0], ev)
			batch = drainQueue(b.queue, batch)
			deliverBatch(d, batch)
			clear(batch)
		}
	}()
	return nil
}

// Publish implements Broker.
func (b *MemoryBroker) Publish(ctx context.Context, topic string, data []byte, ts int64) (uint64, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return 0, ErrClosed
	}
	if ts == 0 {
		ts = b.now().UnixMilli()
	}
	ev := NewEvent(topic, b.seq+1, ts, data)
	select {
	case b.queue <- ev:
	default:
		// Delivery is behind: wait for room, holding the lock so that seq
		// order stays queue order.
		select {
		case b.queue <- ev:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	b.seq = ev.Seq
	b.hist.add(ev, b.now().UnixMilli())
	b.last[topic] = ev
	return ev.Seq, nil
}

// Subscribe implements Broker; one process needs no routing.
func (b *MemoryBroker) Subscribe(context.Context, ...string) error { return nil }

// Unsubscribe implements Broker.
func (b *MemoryBroker) Unsubscribe(context.Context, ...string) error { return nil }

// History implements Broker.
func (b *MemoryBroker) History(_ context.Context, since, upto uint64, match func(string) bool) ([]*Event, bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	evs, ok := b.hist.read(since, upto, match)
	return evs, ok, nil
}

// LastValues implements Broker.
func (b *MemoryBroker) LastValues(_ context.Context, topics []string) ([]*Event, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []*Event
	for _, t := range topics {
		if ev, ok := b.last[t]; ok {
			out = append(out, ev)
		}
	}
	return out, nil
}

// Epoch implements Broker.
func (b *MemoryBroker) Epoch() string { return b.epoch }

// Head returns the last assigned seq.
func (b *MemoryBroker) Head() uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.seq
}

// Close implements Broker: it stops accepting events, delivers those already
// accepted, and waits for the delivery goroutine (or ctx).
func (b *MemoryBroker) Close(ctx context.Context) error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	close(b.queue)
	started := b.started
	b.mu.Unlock()
	if !started {
		return nil
	}
	select {
	case <-b.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// maxBatch bounds the events handed to the hub at once.
const maxBatch = 4096

// drainQueue appends what is already waiting in q, without blocking.
func drainQueue(q chan *Event, batch []*Event) []*Event {
	for len(batch) < maxBatch {
		select {
		case ev, ok := <-q:
			if !ok {
				return batch
			}
			batch = append(batch, ev)
		default:
			return batch
		}
	}
	return batch
}

// deliverBatch hands a batch to d, in one call when d can take batches.
func deliverBatch(d Deliverer, batch []*Event) {
	if bd, ok := d.(BatchDeliverer); ok {
		bd.DeliverBatch(batch)
		return
	}
	for _, ev := range batch {
		d.Deliver(ev)
	}
}
