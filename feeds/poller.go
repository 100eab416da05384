package feeds

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync/atomic"
	"time"

	"github.com/vnstock-api/vnstock-api/feeds/upstream"
	"github.com/vnstock-api/vnstock-api/market"
)

// Poller defaults and bounds.
const (
	DefaultPollEvery = 2 * time.Second
	MinPollEvery     = time.Second
	MaxPollEvery     = 3 * time.Second
	pollBackoffMax   = 30 * time.Second
	pollDownAfter    = 5 // consecutive failures before the status says down
	maxPollSymbols   = 8192
)

// PollerConfig configures a Poller.
type PollerConfig struct {
	Name      string            // feed name in status and logs; default Source.Name()
	Source    Source            // answers market.CapBoard for Query{Symbols}
	Symbols   []market.Symbol   // the watchlist: one board query per cycle
	Every     time.Duration     // cycle period, 1 to 3 s; default 2 s
	Calendar  *market.Calendar  // trading phases; default market.DefaultCalendar()
	Exchanges []market.Exchange // whose phases gate polling; default HOSE, HNX, UPCOM
	AlwaysOn  bool              // poll around the clock (VNSTOCK_SESSION=always)
	Intervals []market.Interval // bar topics; default market.LiveIntervals
	// Directory names the index baskets (its groups that are index codes,
	// such as VN30) whose breadth the poller derives when the watchlist
	// holds every member; default market.DefaultDirectory().
	Directory *market.Directory
	Now       func() time.Time // calendar clock; default time.Now (it must move with the runtime clock)
	Logger    *slog.Logger     // default: discard
}

// PollerStats counts what a Poller has done.
type PollerStats struct {
	Polls         int64 // board queries made (one upstream request each for KBS)
	Errors        int64 // queries that failed
	Quotes        int64 // quote events published
	Unchanged     int64 // rows identical to the last board but for time, not published
	Trades        int64 // derived trade events published
	Bars          int64 // bar events published (forming and closed)
	Indices       int64 // index breadth events published
	Sleeps        int64 // times the poller slept through a closed market
	PublishErrors int64 // events the publisher refused
}

// Poller is a feeds.Feed that polls a price board: every cycle one Fetch of
// the whole watchlist, then only the rows that changed are published on
// `quote:SYM`, trades are derived from the cumulative volume (`trade:SYM`,
// side unknown, by BoardTrades) and folded into forming bars
// (`bar:SYM:IV`); the 1D bar is the board's own day statistics. For every
// index basket the watchlist covers whole, the basket's breadth goes on
// `index:CODE` when it changes (breadth only: boards carry no index level;
// see poller_breadth.go). It polls only while the calendar has one of its
// exchanges in a trading phase (ATO, continuous, ATC, put-through/PLO) and
// sleeps until the next one otherwise. One Run at a time; Stats may be
// called concurrently.
type Poller struct {
	cfg     PollerConfig
	stats   pollCounters
	running atomic.Bool
}

var _ Feed = (*Poller)(nil)

type pollCounters struct {
	polls, errors, quotes, unchanged, trades, bars, indices, sleeps, publishErrors atomic.Int64
}

// NewPoller validates cfg and fills its defaults.
func NewPoller(cfg PollerConfig) (*Poller, error) {
	if cfg.Source == nil {
		return nil, market.Invalid("source", "a board source is required")
	}
	if cfg.Name == "" {
		cfg.Name = cfg.Source.Name()
	}
	if cfg.Every == 0 {
		cfg.Every = DefaultPollEvery
	}
	if cfg.Every < MinPollEvery || cfg.Every > MaxPollEvery {
		return nil, market.Invalid("every", "%v is outside %v to %v", cfg.Every, MinPollEvery, MaxPollEvery)
	}
	syms, err := watchlist(cfg.Symbols)
	if err != nil {
		return nil, err
	}
	cfg.Symbols = syms
	if cfg.Calendar == nil {
		cfg.Calendar = market.DefaultCalendar()
	}
	if len(cfg.Exchanges) == 0 {
		cfg.Exchanges = []market.Exchange{market.HOSE, market.HNX, market.UPCOM}
	}
	if cfg.Intervals == nil {
		cfg.Intervals = market.LiveIntervals[:]
	}
	for _, iv := range cfg.Intervals {
		if !slices.Contains(market.LiveIntervals[:], iv) {
			return nil, market.Invalid("intervals", "%q is not a live bar interval", iv)
		}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Directory == nil {
		cfg.Directory = market.DefaultDirectory()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Poller{cfg: cfg}, nil
}

// watchlist validates, upper-cases and de-duplicates the symbols.
func watchlist(in []market.Symbol) ([]market.Symbol, error) {
	if len(in) == 0 {
		return nil, market.Invalid("symbols", "the watchlist is empty")
	}
	if len(in) > maxPollSymbols {
		return nil, market.Invalid("symbols", "%d symbols, at most %d", len(in), maxPollSymbols)
	}
	out := make([]market.Symbol, 0, len(in))
	for _, s := range in {
		sym, err := market.ParseSymbol(string(s))
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, sym) {
			out = append(out, sym)
		}
	}
	return out, nil
}

// Name returns the feed name.
func (p *Poller) Name() string { return p.cfg.Name }

// Stats returns the counters so far.
func (p *Poller) Stats() PollerStats {
	c := &p.stats
	return PollerStats{Polls: c.polls.Load(), Errors: c.errors.Load(), Quotes: c.quotes.Load(),
		Unchanged: c.unchanged.Load(), Trades: c.trades.Load(), Bars: c.bars.Load(), Indices: c.indices.Load(),
		Sleeps: c.sleeps.Load(), PublishErrors: c.publishErrors.Load()}
}

// Run polls until ctx ends, then publishes a final down status and returns
// nil. It fails only when the calendar has no trading day within a year.
func (p *Poller) Run(ctx context.Context, pub Publisher) error {
	if !p.running.CompareAndSwap(false, true) {
		return errors.New("poller: run already in progress")
	}
	defer p.running.Store(false)
	st := newPollState(p, pub)
	defer func() {
		stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		st.setHealth(stop, market.HealthDown, "stopped")
		cancel()
	}()
	for ctx.Err() == nil {
		now := p.cfg.Now()
		if !p.cfg.AlwaysOn && !p.trading(now) {
			wake := p.nextTrading(now)
			if wake.IsZero() {
				return fmt.Errorf("poller %s: no trading phase within a year of %v", p.cfg.Name, now)
			}
			st.endSession(ctx, now, !market.Date(wake).Equal(market.Date(now)))
			p.stats.sleeps.Add(1)
			p.cfg.Logger.Info("market closed, poller sleeping", "feed", p.cfg.Name, "until", wake)
			_ = upstream.Sleep(ctx, wake.Sub(now))
			continue
		}
		start := time.Now()
		delay := st.cycle(ctx, now)
		_ = upstream.Sleep(ctx, delay-time.Since(start))
	}
	return nil
}

// hours is the poller's view of the calendar.
func (p *Poller) hours() tradingHours {
	return tradingHours{cal: p.cfg.Calendar, exchanges: p.cfg.Exchanges}
}

// trading reports whether one of the exchanges is in a trading phase.
func (p *Poller) trading(now time.Time) bool { return p.hours().open(now) }

// nextTrading is the first instant after now at which one of the exchanges
// enters a trading phase (after lunch, or the next trading day's open).
func (p *Poller) nextTrading(now time.Time) time.Time { return p.hours().nextOpen(now) }

// retryDelay is the wait after the n-th consecutive failure: the period
// doubled per failure up to 30 s, at least the upstream's Retry-After.
func (p *Poller) retryDelay(err error, fails int) time.Duration {
	d := backoffDelay(p.cfg.Every, pollBackoffMax, fails-1)
	var se *upstream.StatusError
	if errors.As(err, &se) && se.RetryAfter > d {
		d = se.RetryAfter
	}
	return d
}

// encodeStatus is the `status` payload for the poller's source.
func encodeStatus(name string, now time.Time, state market.Health, msg string) ([]byte, error) {
	return json.Marshal(market.FeedStatus{Time: now, Sources: []market.SourceStatus{{
		Source: name, State: state, LastUpdate: now, Stale: state != market.HealthOK, Message: msg,
	}}})
}
