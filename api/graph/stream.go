package graph

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vnstock-api/vnstock-api/api/auth"
	"github.com/vnstock-api/vnstock-api/api/live"
	"github.com/vnstock-api/vnstock-api/hub"
	"github.com/vnstock-api/vnstock-api/market"
)

// stream is one subscription's hub subscriber, read the way /v1/ws reads
// one: the hub queues without blocking (state topics conflate, stream
// topics end a subscriber whose queue passes its byte limit), and the
// subscription takes what is pending at most once per FlushInterval.
type stream struct {
	sub     *hub.Subscriber
	rest    func() time.Duration // least time between two batches (Handler.rest)
	onWrite func([]hub.Item)     // live.Config.OnWrite's hook for the subscription (metrics, usage), may be nil
	last    time.Time
	timer   *time.Timer
	items   []hub.Item
	evs     []*hub.Event

	// Usage, when the handler reports it (Config.OnStreamEnd).
	usage          bool
	delivered      atomic.Int64 // live events handed to the client
	deliveredBytes atomic.Int64 // their payload bytes
	end            func()       // reports the totals; run once by close

	closeOnce sync.Once

	turns *live.Turns // shared by the handler's subscriptions
	held  atomic.Bool // this stream holds a turn
	hold  *time.Timer // gives the turn back if the next call is late
}

// maxTurn is the longest a subscription keeps its turn after its message
// was handed over.
const maxTurn = 50 * time.Millisecond

// takeTurn waits for a turn before the stream drains and renders.
func (s *stream) takeTurn(ctx context.Context) error {
	if !s.turns.Take(ctx) {
		return ctx.Err()
	}
	s.held.Store(true)
	if s.hold == nil {
		s.hold = time.AfterFunc(maxTurn, s.giveTurn)
	} else {
		s.hold.Reset(maxTurn)
	}
	return nil
}

// giveTurn hands the turn back, once per turn; safe from the hold timer.
func (s *stream) giveTurn() {
	if s.held.CompareAndSwap(true, false) {
		s.turns.Give()
	}
}

// openStream validates topics (argument names field in errors), subscribes
// and returns the stream; it is closed when ctx ends or by close.
// notify, when set, is the hub subscriber's (the stream is then drained by
// whoever it notifies, not by next).
func (h *Handler) openStream(ctx context.Context, field string, topics []string, notify func()) (*stream, error) {
	for _, t := range topics {
		if _, err := h.cfg.Hub.Expand(t); err != nil {
			return nil, topicError(field, err)
		}
	}
	st := &stream{sub: h.cfg.Hub.NewSubscriber(), rest: h.rest, turns: h.turns}
	if h.cfg.Limits != nil {
		if n, _ := h.cfg.Limits(ctx); n > 0 {
			st.sub.SetMaxTopics(n)
		}
	}
	if notify != nil {
		st.sub.SetNotify(notify)
	}
	st.onWrite = h.cfg.Stream.Hook(ctx)
	h.countStream(ctx, st)
	st.sub.Subscribe(ctx, hub.SubscribeRequest{Topics: topics})
	// After Subscribe: Close must not run while Subscribe does. (gqlgen
	// cancels a subscription's context when it ends, so this always runs.)
	context.AfterFunc(ctx, st.close)
	return st, nil
}

// countStream registers st with the handler, so that Shutdown waits for its
// end, and arranges its usage report: the events and bytes it delivered and
// how long it lived go to Config.OnStreamEnd when it closes. A stream whose
// context already has the Guard's counter is counted by the Guard instead.
func (h *Handler) countStream(ctx context.Context, st *stream) {
	h.streamOpened()
	report := h.cfg.OnStreamEnd
	if report == nil || auth.CounterFromContext(ctx) != nil {
		st.end = h.streamClosed
		return
	}
	st.usage = true
	vctx, start := context.WithoutCancel(ctx), h.cfg.Now()
	st.end = func() {
		report(vctx, st.delivered.Load(), st.deliveredBytes.Load(), h.cfg.Now().Sub(start))
		h.streamClosed()
	}
}

// topicError turns a refused topic into BAD_USER_INPUT, or NOT_FOUND for an
// unknown symbol or group.
func topicError(field string, err error) error {
	var te *hub.TopicError
	if errors.As(err, &te) && te.Code == "unknown_topic" {
		return &notFoundError{field: field, msg: te.Message}
	}
	return market.Invalid(field, "%s", err.Error())
}

type notFoundError struct{ field, msg string }

func (e *notFoundError) Error() string { return e.field + ": " + e.msg }
func (e *notFoundError) Unwrap() error { return market.ErrNotFound }

// next waits for the events pending on the stream and returns them in seq
// order, snapshots first. The slice is reused by the next call.
func (s *stream) next(ctx context.Context) ([]*hub.Event, error) {
	for {
		s.giveTurn() // the previous message has been taken, or there was none
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-s.sub.Ready():
		}
		if err := s.cooldown(ctx); err != nil {
			return nil, err
		}
		if err := s.takeTurn(ctx); err != nil {
			return nil, err
		}
		evs, err := s.drain()
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, err
		}
		if len(evs) > 0 {
			s.last = time.Now()
			return evs, nil
		}
	}
}

// drain takes what is pending without waiting: the events in seq order,
// snapshots first. The slice is reused by the next call.
func (s *stream) drain() ([]*hub.Event, error) {
	clear(s.items) // the previous batch's, kept for wrote
	items, err := s.sub.Drain(s.items[:0])
	s.items = items
	if err != nil {
		return nil, err
	}
	return s.events(items)
}

// events keeps the events of drained items; a hub error reply (a topic
// limit) ends the stream.
func (s *stream) events(items []hub.Item) ([]*hub.Event, error) {
	s.evs = s.evs[:0]
	for _, it := range items {
		switch it.Kind {
		case hub.ItemEvent, hub.ItemSnapshot:
			s.evs = append(s.evs, it.Event)
		case hub.ItemControl:
			if it.Name == "error" {
				var m struct{ Message string }
				_ = json.Unmarshal(it.Line, &m)
				return nil, market.Invalid("topics", "%s", m.Message)
			}
		}
	}
	return s.evs, nil
}

// wrote reports the batch next returned last as handed to the client.
func (s *stream) wrote() {
	if s.onWrite != nil {
		s.onWrite(s.items)
	}
	if !s.usage {
		return
	}
	var n, b int64
	for _, it := range s.items { // counted as the Guard's streams count: live events and their payloads
		if it.Kind == hub.ItemEvent {
			n++
			b += int64(len(it.Event.Data))
		}
	}
	s.delivered.Add(n)
	s.deliveredBytes.Add(b)
}

// cooldown waits until the rest has passed since the last batch, so that
// what arrives meanwhile joins (and conflates into) the next one.
func (s *stream) cooldown(ctx context.Context) error {
	if s.last.IsZero() {
		return nil
	}
	wait := s.rest() - time.Since(s.last)
	if wait <= 0 {
		return nil
	}
	if s.timer == nil {
		s.timer = time.NewTimer(wait)
	} else {
		s.timer.Reset(wait)
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-s.timer.C:
		return nil
	}
}

// close unsubscribes and reports the stream's usage; it is idempotent.
func (s *stream) close() {
	s.closeOnce.Do(func() {
		s.giveTurn()
		s.sub.Close(context.Background())
		if s.end != nil {
			s.end()
		}
	})
}
