package graph

import (
	"context"
	"errors"

	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/vnstock-api/vnstock-api/api/graph/model"
	"github.com/vnstock-api/vnstock-api/hub"
)

// subscriptionResolver is gqlgen's per-subscriber path: each message is
// executed for its subscriber. It serves when Config.NoSharedRender is set;
// otherwise subscribeShared renders each event once for every subscriber
// with the same selection (render.go) from the same streams.
type subscriptionResolver struct{ h *Handler }

func (r subscriptionResolver) Quotes(ctx context.Context, symbols []string, group *string) (<-chan []*model.Quote, error) {
	return openPipe[*model.Quote](ctx, r.h)(symbolTopics("quote", symbols, group))
}

func (r subscriptionResolver) Trades(ctx context.Context, symbols []string, group *string) (<-chan []*model.Trade, error) {
	return openPipe[*model.Trade](ctx, r.h)(symbolTopics("trade", symbols, group))
}

func (r subscriptionResolver) Index(ctx context.Context, codes []string) (<-chan []*model.IndexQuote, error) {
	return openPipe[*model.IndexQuote](ctx, r.h)(indexTopics(codes))
}

func (r subscriptionResolver) Bars(ctx context.Context, symbol string, interval string) (<-chan []*model.Bar, error) {
	return openPipe[*model.Bar](ctx, r.h)(barTopics(symbol, interval))
}

func (r subscriptionResolver) Session(ctx context.Context, exchange *model.Exchange) (<-chan []*model.Session, error) {
	return openPipe[*model.Session](ctx, r.h)(sessionTopics(exchange))
}

func (r subscriptionResolver) Status(ctx context.Context) (<-chan *model.FeedStatus, error) {
	batches, err := openPipe[*model.FeedStatus](ctx, r.h)("", []string{"status"}, nil)
	if err != nil {
		return nil, err
	}
	out := make(chan *model.FeedStatus)
	go func() {
		defer close(out)
		for b := range batches {
			select {
			case out <- b[len(b)-1]: // state: the newest wins
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// openPipe returns a function that opens the stream of topics and pumps its
// batches, decoded, into a channel until ctx ends or the stream fails; a
// failure (a slow consumer) ends the subscription with an error message.
func openPipe[T any](ctx context.Context, h *Handler) func(field string, topics []string, err error) (<-chan []T, error) {
	return func(field string, topics []string, err error) (<-chan []T, error) {
		if err != nil {
			return nil, err
		}
		st, err := h.openStream(ctx, field, topics, nil)
		if err != nil {
			return nil, err
		}
		out := make(chan []T)
		go h.pump(ctx, st, func(evs []*hub.Event) bool {
			batch := decodeBatch[T](h, evs)
			if len(batch) == 0 {
				return true
			}
			select {
			case out <- batch:
				st.wrote()
				return true
			case <-ctx.Done():
				return false
			}
		}, func() { close(out) })
		return out, nil
	}
}

// pump reads st into send until either stops, then reports a stream
// failure as the subscription's error.
func (h *Handler) pump(ctx context.Context, st *stream, send func([]*hub.Event) bool, done func()) {
	defer done()
	defer st.close()
	for {
		evs, err := st.next(ctx)
		if err != nil {
			if ctx.Err() == nil && !errors.Is(err, hub.ErrClosed) {
				transport.AddSubscriptionError(ctx, h.presentError(ctx, err))
			}
			return
		}
		if !send(evs) {
			return
		}
	}
}

// decodeBatch decodes events into their models; an undecodable event (a
// feed bug) is logged and skipped.
func decodeBatch[T any](h *Handler, evs []*hub.Event) []T {
	out := make([]T, 0, len(evs))
	for _, ev := range evs {
		v, err := decodeEvent(ev)
		if err != nil {
			h.cfg.Logger.Warn("graphql: undecodable live event", "topic", ev.Topic, "seq", ev.Seq, "err", err)
			continue
		}
		if t, ok := v.(T); ok {
			out = append(out, t)
		}
	}
	return out
}
