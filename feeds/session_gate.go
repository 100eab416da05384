package feeds

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/vnstock-api/vnstock-api/feeds/upstream"
	"github.com/vnstock-api/vnstock-api/market"
)

// maxPhaseSteps bounds the walk over phase changes when looking for the
// next open or close; a trading day has fewer than ten.
const maxPhaseSteps = 64

// tradingHours answers "is any of these exchanges trading" on a calendar.
// The board poller and the SessionGate share it.
type tradingHours struct {
	cal       *market.Calendar
	exchanges []market.Exchange
}

// open reports whether one of the exchanges is in a trading phase at t.
func (h tradingHours) open(t time.Time) bool {
	for _, ex := range h.exchanges {
		if h.cal.Phase(ex, t).Trading() {
			return true
		}
	}
	return false
}

// nextOpen is the first instant after t at which one of the exchanges
// enters a trading phase (after lunch, or the next trading day's open); the
// zero time when none does within a year.
func (h tradingHours) nextOpen(t time.Time) time.Time {
	var best time.Time
	for _, ex := range h.exchanges {
		at := nextPhaseWhere(h.cal, ex, t, func(p market.Phase) bool { return p.Trading() })
		if !at.IsZero() && (best.IsZero() || at.Before(best)) {
			best = at
		}
	}
	return best
}

// nextClose is the end of the trading period in progress at t, or of the
// next one when none is: the first instant after t at which none of the
// exchanges trades any more (lunch or the day's close); the zero time when
// the calendar does not say.
func (h tradingHours) nextClose(t time.Time) time.Time {
	wasOpen := h.open(t)
	for range maxPhaseSteps {
		var at time.Time
		for _, ex := range h.exchanges {
			if _, next := h.cal.Next(ex, t); !next.IsZero() && (at.IsZero() || next.Before(at)) {
				at = next
			}
		}
		if at.IsZero() {
			return time.Time{}
		}
		open := h.open(at)
		if wasOpen && !open {
			return at
		}
		t, wasOpen = at, open
	}
	return time.Time{}
}

// nextPhaseWhere is the first phase change of ex after t into a phase for
// which ok holds; the zero time when there is none within maxPhaseSteps.
func nextPhaseWhere(cal *market.Calendar, ex market.Exchange, t time.Time, ok func(market.Phase) bool) time.Time {
	for range maxPhaseSteps {
		ph, at := cal.Next(ex, t)
		if at.IsZero() {
			return time.Time{}
		}
		if ok(ph) {
			return at
		}
		t = at
	}
	return time.Time{}
}

// SessionGate runs a feed only while the market trades: outside every
// trading phase of its exchanges (nights, lunch, weekends, holidays) the
// feed is stopped and the gate sleeps until the next open, then runs it
// again from the start. It is the calendar switch of VNSTOCK_SESSION for
// feeds that would otherwise publish around the clock, such as a replay:
// with VNSTOCK_SESSION=always the feed runs ungated instead.
type SessionGate struct {
	Feed      Feed
	Calendar  *market.Calendar  // default market.DefaultCalendar()
	Exchanges []market.Exchange // default HOSE, HNX, UPCOM
	Now       func() time.Time  // default time.Now; it must move with the runtime clock
	Logger    *slog.Logger      // default: discard
}

var _ Feed = (*SessionGate)(nil)

// Name is the gated feed's name.
func (g *SessionGate) Name() string { return g.Feed.Name() }

// Run runs the feed through each trading period until ctx ends, and
// returns nil then. It returns the feed's error, and ends when the feed
// ends on its own inside a trading period (a replay that does not loop).
func (g *SessionGate) Run(ctx context.Context, pub Publisher) error {
	if g.Feed == nil {
		return errors.New("session gate: no feed")
	}
	h, now, log := g.defaults()
	for ctx.Err() == nil {
		t := now()
		if !h.open(t) {
			wake := h.nextOpen(t)
			if wake.IsZero() {
				return fmt.Errorf("session gate %s: no trading phase within a year of %v", g.Feed.Name(), t)
			}
			log.Info("market closed, feed waiting", "feed", g.Feed.Name(), "until", wake,
				"hint", "VNSTOCK_SESSION=always runs it now")
			_ = upstream.Sleep(ctx, wake.Sub(t))
			continue
		}
		closed, err := g.runUntil(ctx, pub, h.nextClose(t).Sub(t))
		if err != nil || !closed {
			return err
		}
		log.Info("market closed, feed stopped", "feed", g.Feed.Name())
	}
	return nil
}

// runUntil runs the feed for at most d (forever when d ≤ 0). closed reports
// that d ran out and stopped the feed; otherwise the feed ended by itself
// or ctx ended, and its error (nil once ctx ended) is returned.
func (g *SessionGate) runUntil(ctx context.Context, pub Publisher, d time.Duration) (closed bool, err error) {
	run, cancel := context.WithCancel(ctx)
	defer cancel()
	timeUp := make(chan struct{})
	if d > 0 {
		go func() {
			if upstream.Sleep(run, d) == nil {
				close(timeUp)
				cancel()
			}
		}()
	}
	err = g.Feed.Run(run, pub)
	select {
	case <-timeUp:
		return ctx.Err() == nil, nil
	default:
	}
	if ctx.Err() != nil {
		return false, nil
	}
	return false, err
}

func (g *SessionGate) defaults() (tradingHours, func() time.Time, *slog.Logger) {
	h := tradingHours{cal: g.Calendar, exchanges: g.Exchanges}
	if h.cal == nil {
		h.cal = market.DefaultCalendar()
	}
	if len(h.exchanges) == 0 {
		h.exchanges = []market.Exchange{market.HOSE, market.HNX, market.UPCOM}
	}
	now, log := g.Now, g.Logger
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return h, now, log
}
