package hub

import (
	"context"
	"errors"
)

// Broker moves events between server instances and owns the deployment-wide
// sequence and the history that resume replays. The Hub owns local delivery.
//
// Implementations deliver every event, in strictly increasing Seq, to the
// Deliverer given to Start, from one goroutine at a time.
type Broker interface {
	// Start begins delivering events to d. It is called once, by New.
	Start(d Deliverer) error
	// Publish assigns the next sequence number, records the event in the
	// history and delivers it to every instance. It returns the seq. It may
	// block only for backpressure from delivery, never on a subscriber.
	Publish(ctx context.Context, topic string, data []byte, ts int64) (uint64, error)
	// Subscribe is called when the first local subscriber of topics arrived.
	Subscribe(ctx context.Context, topics ...string) error
	// Unsubscribe is called when the last local subscriber of topics left.
	Unsubscribe(ctx context.Context, topics ...string) error
	// History returns, in order, the events with since < seq ≤ upto whose
	// topic satisfies match. ok is false when the history no longer reaches
	// back to since+1.
	History(ctx context.Context, since, upto uint64, match func(topic string) bool) (events []*Event, ok bool, err error)
	// LastValues returns the most recent event of each topic that has one
	// (for topics this instance may never have seen published).
	LastValues(ctx context.Context, topics []string) ([]*Event, error)
	// Epoch names the current history; it changes when history is lost.
	Epoch() string
	// Close stops delivery and releases resources.
	Close(ctx context.Context) error
}

// Deliverer receives every event a Broker delivers; *Hub implements it.
type Deliverer interface {
	Deliver(ev *Event)
}

// ErrClosed is returned by operations on a closed hub or broker.
var ErrClosed = errors.New("hub: closed")

// BatchDeliverer is a Deliverer that can take, in one call, every event that
// was waiting: a hub that fell behind then skips the superseded values of
// state topics instead of fanning each one out. *Hub implements it.
type BatchDeliverer interface {
	Deliverer
	DeliverBatch(evs []*Event)
}

// RoutedDeliverer is what a Broker that routes to an instance only the
// topics it has subscribers for (Redis pub/sub) needs from the hub beyond
// delivery. *Hub implements it. Brokers call AdvanceHead and Unrouted from
// their delivery goroutine, in order with Deliver.
type RoutedDeliverer interface {
	BatchDeliverer
	// AdvanceHead raises the head seq to seq: every event of the routed
	// topics up to seq was delivered already, so a subscriber registered
	// now may take seq as the point after which live events follow.
	AdvanceHead(seq uint64)
	// Interested reports whether topic has a local subscriber, or one that
	// is subscribing (between its Broker.Subscribe call and registration).
	// A broker checks it before it stops routing a topic.
	Interested(topic string) bool
	// Unrouted says the broker stopped routing topics here: their last
	// values would go stale and are dropped (a later snapshot comes from
	// Broker.LastValues).
	Unrouted(topics []string)
}

// AsyncPublisher is a Broker that can take an event without waiting for
// its seq (for Redis, a round trip): feeds publish at their own pace and
// the broker batches. The events one caller publishes this way keep their
// order. Hub.PublishAsync uses it when the broker has it.
type AsyncPublisher interface {
	PublishAsync(ctx context.Context, topic string, data []byte, ts int64) error
}
