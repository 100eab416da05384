package redisbroker

import (
	"context"
	"time"

	"github.com/vnstock-api/vnstock-api/hub"
)

type routeReq struct {
	topics []string
	sub    bool
	done   chan error // capacity 1; subscribes only
}

// Subscribe implements hub.Broker: it routes topics to this instance (one
// SUBSCRIBE for every request waiting) and returns once the hub's head is
// at or past every event of them published before the subscription took
// effect, so a subscriber registered now misses nothing and repeats nothing
// (see hub.RoutedDeliverer). While Redis is away it only records the topics.
func (b *Broker) Subscribe(ctx context.Context, topics ...string) error {
	return b.route(ctx, topics, true)
}

// Unsubscribe implements hub.Broker: topics that still have no local
// subscriber when the router gets to them stop being routed here.
func (b *Broker) Unsubscribe(ctx context.Context, topics ...string) error {
	return b.route(ctx, topics, false)
}

func (b *Broker) route(ctx context.Context, topics []string, sub bool) error {
	if b.closed.Load() {
		return hub.ErrClosed
	}
	if len(topics) == 0 {
		return nil
	}
	req := &routeReq{topics: topics, sub: sub, done: make(chan error, 1)}
	select {
	case b.routeQ <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-b.stop:
		return hub.ErrClosed
	}
	if !sub {
		return nil
	}
	select {
	case err := <-req.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-b.stop:
		return hub.ErrClosed
	}
}

// routeLoop applies subscription changes in batches.
func (b *Broker) routeLoop() {
	defer b.wg.Done()
	for {
		select {
		case req := <-b.routeQ:
			batch := []*routeReq{req}
		drain:
			for len(batch) < 1024 {
				select {
				case r := <-b.routeQ:
					batch = append(batch, r)
				default:
					break drain
				}
			}
			err := b.applyRoutes(batch)
			for _, r := range batch {
				if r.sub {
					r.done <- err
				}
			}
		case <-b.stop:
			return
		}
	}
}

// applyRoutes subscribes and unsubscribes a batch's topics, then, if any
// request was a subscribe, waits for a marker to reach the hub.
func (b *Broker) applyRoutes(batch []*routeReq) error {
	b.linkMu.Lock()
	defer b.linkMu.Unlock()
	want := map[string]bool{}
	var subs bool
	for _, r := range batch {
		if r.sub {
			subs = true
			for _, t := range r.topics {
				want[t] = true
			}
		}
	}
	var add, remove []string
	b.mu.Lock()
	for t := range want {
		if !b.routed[t] {
			b.routed[t] = true
			add = append(add, t)
		}
	}
	b.mu.Unlock()
	for _, r := range batch {
		for _, t := range r.topics {
			if !r.sub && !want[t] && b.routedHas(t) && !b.interested(t) {
				b.mu.Lock()
				delete(b.routed, t)
				b.mu.Unlock()
				remove = append(remove, t)
			}
		}
	}
	b.mu.Lock()
	ps, up := b.ps, b.linkUp
	b.mu.Unlock()
	if ps == nil || !up {
		if len(remove) > 0 {
			b.seq.control(op{unroute: remove}, b.stop)
		}
		return nil // the next connect subscribes and replays
	}
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	err := b.resubscribe(ctx, add, remove)
	if err == nil && subs {
		token, w := b.await("sub", nil)
		if _, _, err = b.runMarker(ctx, token); err == nil {
			err = b.wait(ctx, w)
		}
	}
	if err != nil {
		b.kickLink() // the reconnection fails the waiters left and resubscribes
	}
	return err
}

// resubscribe changes the link's subscriptions and waits until the new
// ones are in effect. Unsubscribed topics are unrouted in the hub at the
// point of the stream where their last event has passed.
func (b *Broker) resubscribe(ctx context.Context, add, remove []string) error {
	b.mu.Lock()
	ps := b.ps
	b.mu.Unlock()
	if ps == nil {
		return errLinkLost
	}
	if len(remove) > 0 {
		if err := ps.Unsubscribe(ctx, b.channels(remove)...); err != nil {
			return err
		}
		token, _ := b.await("unsub", &op{unroute: remove})
		if err := ps.Ping(ctx, token); err != nil {
			return err
		}
	}
	if len(add) == 0 {
		return nil
	}
	if err := ps.Subscribe(ctx, b.channels(add)...); err != nil {
		return err
	}
	token, w := b.await("ping", nil)
	if err := ps.Ping(ctx, token); err != nil {
		return err
	}
	return b.wait(ctx, w)
}

func (b *Broker) channels(topics []string) []string {
	out := make([]string, len(topics))
	for i, t := range topics {
		out[i] = b.k.channel + t
	}
	return out
}

func (b *Broker) routedHas(t string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.routed[t]
}

// interested asks the hub whether topic is held or being subscribed; a
// plain Deliverer never is.
func (b *Broker) interested(topic string) bool {
	return b.routedD != nil && b.routedD.Interested(topic)
}
