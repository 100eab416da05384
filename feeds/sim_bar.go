package feeds

import (
	"context"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// addToBar folds a trade into the symbol's i-th forming bar and publishes
// it. A bar whose interval has ended is first published once with Closed.
func (s *Sim) addToBar(ctx context.Context, pub Publisher, st *simSymbol, i int, tr market.Trade, now time.Time) {
	b := &st.bars[i]
	if closed, ok := foldTrade(b, st.sym, simBarInterval(i), "", float64(tr.Price), tr.Volume, now); ok {
		s.buf = closed.AppendJSON(s.buf[:0])
		s.emit(ctx, pub, st.topicBar[i], now)
	}
	s.buf = b.AppendJSON(s.buf[:0])
	s.emit(ctx, pub, st.topicBar[i], now)
}

// publishClosed publishes the symbol's i-th bar once with Closed set and
// forgets it; the next trade starts a new bar.
func (s *Sim) publishClosed(ctx context.Context, pub Publisher, st *simSymbol, i int, now time.Time) {
	b := &st.bars[i]
	b.Closed = true
	s.buf = b.AppendJSON(s.buf[:0])
	s.emit(ctx, pub, st.topicBar[i], now)
	*b = market.Bar{}
}

// closeBars closes every forming bar whose interval has ended by now, so a
// symbol that stops trading still gets its closed bar.
func (s *Sim) closeBars(ctx context.Context, pub Publisher, now time.Time) {
	for _, group := range [2][]*simSymbol{s.primary, s.others} {
		for _, st := range group {
			for i := range st.bars {
				if barDue(&st.bars[i], now) {
					s.publishClosed(ctx, pub, st, i, now)
				}
			}
		}
	}
}

// rollDay starts a new trading day at ICT midnight: each symbol's reference
// becomes its last price, limits and statistics reset, and each index's
// previous close becomes its last value.
func (s *Sim) rollDay() {
	for _, group := range [2][]*simSymbol{s.primary, s.others} {
		for _, st := range group {
			st.ref = st.price()
			st.newDay(s.rng)
		}
	}
	for _, x := range s.indices {
		x.newDay()
	}
}
