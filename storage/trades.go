package storage

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage/cache"
)

// The trades a paged query reads: TapeLimit is the page asked of the
// upstream for the day's tape that Query.Before pages back through (the
// largest page the sources give), DefaultTradeLimit the trades answered
// when Query.Limit is unset.
const (
	TapeLimit         = 10_000
	DefaultTradeLimit = 100
)

// tradesBefore answers a trades query with Before set: the Limit newest
// trades strictly before it, newest first, cut from the day's tape. The
// upstreams do not page by time, so the tape is loaded (and cached) as the
// query without Before; the cut is cached under the query's own key, which
// names Before.
func (s *Service) tradesBefore(ctx context.Context, q market.Query) (Answer, error) {
	if q.Limit <= 0 {
		q.Limit = DefaultTradeLimit
	}
	key := q.Key()
	if a, ok := s.fromCache(ctx, key); ok {
		return a, nil
	}
	tape := q
	tape.Before, tape.Limit = time.Time{}, TapeLimit
	a, err := s.Get(ctx, tape)
	if err != nil {
		return Answer{}, err
	}
	a.Trades = tradesBefore(a.Trades, q.Before, q.Limit)
	s.toCache(ctx, key, a, s.ttl.For(cache.ClassOf(q.Capability)))
	return a, nil
}

// tradesBefore returns a new slice of the at most limit newest trades of ts
// strictly before t, newest first; ts is not modified.
func tradesBefore(ts []market.Trade, t time.Time, limit int) []market.Trade {
	out := make([]market.Trade, 0, min(len(ts), limit))
	for i := range ts {
		if ts[i].Time.Before(t) {
			out = append(out, ts[i])
		}
	}
	if len(out) > 1 && out[0].Time.Before(out[len(out)-1].Time) {
		slices.Reverse(out) // an oldest-first tape (VCI's): ties newest first too
	}
	slices.SortStableFunc(out, func(a, b market.Trade) int { return cmp.Compare(b.Time.UnixNano(), a.Time.UnixNano()) })
	return out[:min(len(out), limit)]
}
