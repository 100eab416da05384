package redisbroker

import (
	"context"
	"time"
)

// State is the broker's health.
type State int

// The broker's states.
const (
	// StateOK: publishing through Redis and receiving over pub/sub.
	StateOK State = iota + 1
	// StateDegraded: Redis is away (or the link is re-synchronising); the
	// instance serves its local clients from its own feeds.
	StateDegraded
)

func (s State) String() string {
	switch s {
	case StateOK:
		return "ok"
	case StateDegraded:
		return "degraded"
	}
	return "unknown"
}

type stateChange struct {
	state  State
	reason string
}

// State returns the broker's current state.
func (b *Broker) State() State {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.state
}

// Healthy reports whether the broker is in StateOK.
func (b *Broker) Healthy() bool { return b.State() == StateOK }

// updateState recomputes the state and reports a change to OnState.
func (b *Broker) updateState(reason string) {
	b.mu.Lock()
	s := StateDegraded
	if b.linkUp && !b.pubLocal {
		s = StateOK
	}
	changed := s != b.state
	b.state = s
	b.mu.Unlock()
	if !changed {
		return
	}
	b.log.Info("broker state", "state", s.String(), "reason", reason)
	select {
	case b.stateQ <- stateChange{s, reason}:
	default:
		b.log.Warn("state change not reported: notifier behind", "state", s.String())
	}
}

// notifyLoop calls OnState in order.
func (b *Broker) notifyLoop() {
	defer b.wg.Done()
	for {
		select {
		case c := <-b.stateQ:
			if b.cfg.OnState != nil {
				b.cfg.OnState(c.state, c.reason)
			}
		case <-b.stop:
			return
		}
	}
}

// heartbeatLoop runs a marker every heartbeat while the link is up: it
// keeps the link's reads from timing out while healthy, brings the hub's
// head to the deployment's, and notices an epoch changed by another
// instance or lost with Redis's state.
func (b *Broker) heartbeatLoop() {
	defer b.wg.Done()
	t := time.NewTicker(b.cfg.Heartbeat)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			b.beat()
		case <-b.stop:
			return
		}
	}
}

func (b *Broker) beat() {
	b.mu.Lock()
	up, minted := b.linkUp, b.minted
	b.mu.Unlock()
	if !up {
		return
	}
	b.resumePublishing()
	ctx, cancel := context.WithTimeout(b.ctx, 3*b.cfg.Heartbeat)
	defer cancel()
	_, epoch, err := b.runMarker(ctx, "beat")
	switch {
	case err != nil:
		if b.ctx.Err() == nil {
			b.log.Warn("redis heartbeat failed", "err", err)
			b.kickLink()
		}
	case epoch == "":
		b.log.Warn("redis lost the history epoch; re-synchronising")
		b.kickLink()
	case epoch != b.Epoch() && !minted:
		b.log.Warn("history epoch changed by another instance", "from", b.Epoch(), "to", epoch)
		b.setEpoch(epoch)
	}
}
