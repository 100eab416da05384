package feeds

import (
	"context"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// pollState is one Run's memory: the last board (in BoardTrades), the
// forming bars and the topics of each symbol, and the published health.
// Only the Run goroutine touches it.
type pollState struct {
	p      *Poller
	pub    Publisher
	trades *BoardTrades
	syms   map[market.Symbol]*polledSymbol
	basket []*breadthBasket               // index baskets the watchlist covers
	member map[market.Symbol]struct{}     // every basket's members
	rows   map[market.Symbol]market.Quote // latest board row of each member
	day    time.Time                      // ICT day of the last cycle
	fails  int
	health market.Health
	hint   int // payload capacity
}

// polledSymbol holds a symbol's topics and bars, one slot per interval of
// cfg.Intervals (the 1D slot holds the last published day bar).
type polledSymbol struct {
	quote, trade string
	barTopics    []string
	bars         []market.Bar
}

func newPollState(p *Poller, pub Publisher) *pollState {
	st := &pollState{p: p, pub: pub, trades: NewBoardTrades(), syms: map[market.Symbol]*polledSymbol{}, hint: 512,
		basket: breadthBaskets(p.cfg.Directory, p.cfg.Symbols),
		member: map[market.Symbol]struct{}{}, rows: map[market.Symbol]market.Quote{}}
	for _, k := range st.basket {
		for _, m := range k.members {
			st.member[m] = struct{}{}
		}
	}
	return st
}

func (st *pollState) symbol(sym market.Symbol) *polledSymbol {
	if s, ok := st.syms[sym]; ok {
		return s
	}
	s := &polledSymbol{quote: "quote:" + string(sym), trade: "trade:" + string(sym),
		barTopics: make([]string, len(st.p.cfg.Intervals)), bars: make([]market.Bar, len(st.p.cfg.Intervals))}
	for i, iv := range st.p.cfg.Intervals {
		s.barTopics[i] = "bar:" + string(sym) + ":" + string(iv)
	}
	if len(st.syms) < maxPollSymbols {
		st.syms[sym] = s
	}
	return s
}

// cycle fetches the board once and publishes what changed. It returns the
// wait before the next cycle: the period, or a backoff after a failure.
func (st *pollState) cycle(ctx context.Context, now time.Time) time.Duration {
	p := st.p
	if d := market.Date(now); !d.Equal(st.day) {
		if !st.day.IsZero() {
			st.endSession(ctx, now, true)
		}
		st.day = d
	}
	res, err := p.cfg.Source.Fetch(ctx, market.Query{Capability: market.CapBoard, Symbols: p.cfg.Symbols})
	p.stats.polls.Add(1)
	if err != nil {
		if ctx.Err() != nil {
			return 0
		}
		p.stats.errors.Add(1)
		st.fails++
		state := market.HealthDegraded
		if st.fails >= pollDownAfter {
			state = market.HealthDown
		}
		if st.health != state {
			p.cfg.Logger.Warn("board poll failed", "feed", p.cfg.Name, "err", err, "failures", st.fails)
		}
		st.setHealth(ctx, state, err.Error())
		return p.retryDelay(err, st.fails)
	}
	st.fails = 0
	st.setHealth(ctx, market.HealthOK, "")
	for i := range res.Quotes {
		st.quote(ctx, &res.Quotes[i], now)
	}
	st.breadth(ctx, res.Quotes, now)
	st.closeDue(ctx, now)
	return p.cfg.Every
}

// quote publishes one board row if it changed, with its derived trade and
// bars.
func (st *pollState) quote(ctx context.Context, q *market.Quote, now time.Time) {
	p := st.p
	if q.Symbol == "" {
		return
	}
	if q.Session == "" {
		q.Session = p.cfg.Calendar.Phase(q.Exchange, now)
	}
	if q.Time.IsZero() {
		q.Time = now
	}
	tr, traded, changed := st.trades.Observe(q)
	if !changed {
		p.stats.unchanged.Add(1)
		return
	}
	s := st.symbol(q.Symbol)
	st.publish(ctx, s.quote, q.AppendJSON(st.buf()))
	p.stats.quotes.Add(1)
	if traded {
		st.publish(ctx, s.trade, tr.AppendJSON(st.buf()))
		p.stats.trades.Add(1)
	}
	for i, iv := range p.cfg.Intervals {
		switch {
		case iv == market.Interval1D:
			st.dayBar(ctx, s, i, q)
		case traded:
			b := &s.bars[i]
			if closed, ok := foldTrade(b, q.Symbol, iv, q.Source, float64(tr.Price), tr.Volume, tr.Time); ok {
				st.publishBar(ctx, s.barTopics[i], &closed)
			}
			st.publishBar(ctx, s.barTopics[i], b)
		}
	}
}

// dayBar publishes the board's day statistics as the forming 1D bar when
// they changed.
func (st *pollState) dayBar(ctx context.Context, s *polledSymbol, i int, q *market.Quote) {
	if q.TotalVolume <= 0 {
		return
	}
	b := market.Bar{Symbol: q.Symbol, Interval: market.Interval1D, Time: market.Date(q.Time),
		Open: float64(q.Open), High: float64(q.High), Low: float64(q.Low), Close: float64(q.Last),
		Volume: q.TotalVolume, Source: q.Source}
	if prev := s.bars[i]; prev.Volume == b.Volume && prev.Time.Equal(b.Time) && prev.Open == b.Open &&
		prev.High == b.High && prev.Low == b.Low && prev.Close == b.Close {
		return
	}
	s.bars[i] = b
	st.publishBar(ctx, s.barTopics[i], &b)
}

// closeDue publishes, closed, every intraday bar whose interval has ended.
func (st *pollState) closeDue(ctx context.Context, now time.Time) {
	for _, s := range st.syms {
		for i := range s.bars {
			if b := &s.bars[i]; b.Interval.Intraday() && barDue(b, now) {
				st.closeBar(ctx, s.barTopics[i], b)
			}
		}
	}
}

// endSession closes every forming intraday bar (no trade can reach them
// before the market reopens); when the next session is on another day it
// also closes the day bars and forgets the board, so that the first board
// of the new day is a baseline, not a trade.
func (st *pollState) endSession(ctx context.Context, now time.Time, dayOver bool) {
	for _, s := range st.syms {
		for i := range s.bars {
			if b := &s.bars[i]; b.Interval.Intraday() || dayOver {
				st.closeBar(ctx, s.barTopics[i], b)
			}
		}
	}
	if dayOver {
		st.trades.Reset()
		clear(st.rows)
		for _, k := range st.basket {
			k.sent = false
		}
	}
}

// breadth records the board's basket members and publishes each basket's
// breadth when it changed in anything but its time.
func (st *pollState) breadth(ctx context.Context, rows []market.Quote, now time.Time) {
	if len(st.basket) == 0 {
		return
	}
	for i := range rows {
		if _, member := st.member[rows[i].Symbol]; member {
			st.rows[rows[i].Symbol] = rows[i]
		}
	}
	for _, k := range st.basket {
		x, ok := k.breadth(st.rows)
		if !ok {
			continue
		}
		x.Session = st.p.cfg.Calendar.Phase(st.rows[k.members[0]].Exchange, now)
		if k.sent && x.sameExceptTime(k.last) {
			continue
		}
		k.last, k.sent = x, true
		st.publish(ctx, k.topic, x.AppendJSON(st.buf()))
		st.p.stats.indices.Add(1)
	}
}

func (st *pollState) closeBar(ctx context.Context, topic string, b *market.Bar) {
	if b.Volume == 0 {
		return
	}
	b.Closed = true
	st.publishBar(ctx, topic, b)
	*b = market.Bar{}
}

func (st *pollState) publishBar(ctx context.Context, topic string, b *market.Bar) {
	st.publish(ctx, topic, b.AppendJSON(st.buf()))
	st.p.stats.bars.Add(1)
}

// setHealth publishes `status` when the health changes.
func (st *pollState) setHealth(ctx context.Context, state market.Health, msg string) {
	if st.health == state {
		return
	}
	st.health = state
	now := st.p.cfg.Now()
	b, err := encodeStatus(st.p.cfg.Name, now, state, msg)
	if err != nil { // cannot happen: the status holds only strings, bools and times
		st.p.cfg.Logger.Error("encode status", "feed", st.p.cfg.Name, "err", err)
		return
	}
	st.publish(ctx, "status", b)
}

// buf returns a fresh payload buffer: publishers keep payloads.
func (st *pollState) buf() []byte { return make([]byte, 0, st.hint) }

func (st *pollState) publish(ctx context.Context, topic string, payload []byte) {
	if len(payload) > st.hint {
		st.hint = len(payload)
	}
	if err := st.pub.Publish(ctx, topic, payload, st.p.cfg.Now().UnixMilli()); err != nil {
		st.p.stats.publishErrors.Add(1)
		st.p.cfg.Logger.Debug("publish refused", "feed", st.p.cfg.Name, "topic", topic, "err", err)
	}
}
