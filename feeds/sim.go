package feeds

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// Simulator defaults and bounds.
const (
	// DefaultSimRate is the VN30 quote updates per second when SimConfig.Rate
	// is left at zero by a caller that wants the default (NewSim itself
	// refuses zero; cmd fills the default in).
	DefaultSimRate = 200
	// MaxSimRate bounds SimConfig.Rate.
	MaxSimRate = 1e6
	// SimClockAlways trades 24/7: every exchange is forced to continuous.
	SimClockAlways = "always"
	// SimClockReal follows the exchange calendar; outside sessions the
	// simulator publishes only session (and status) events.
	SimClockReal = "real"
)

// simTickEvery is the period of the publishing loop: each tick publishes
// Rate × elapsed updates in one batch, so high rates need no timer per event.
const simTickEvery = 5 * time.Millisecond

// Proportions of the secondary streams, in VN30 quote updates.
const (
	simOtherEvery  = 10 // one HNX/UPCOM (non-VN30) update per 10 VN30 updates
	simIndexEvery  = 20 // every index published once per 20 VN30 updates
	simStatusEvery = 10 * time.Second
	simIndexAtMost = time.Second // indices are published at least this often
	simMaxBacklog  = time.Second // a stalled loop catches up at most this much
)

// SimConfig configures the simulated market.
type SimConfig struct {
	// Seed makes the market deterministic: the same seed gives the same
	// sequence of topics and payloads, apart from their time fields.
	Seed int64
	// Rate is the number of quote updates per second across the VN30
	// members, in (0, MaxSimRate]. Trades, bars, indices and the other
	// symbols' updates come on top in proportion.
	Rate float64
	// Clock is SimClockAlways (the default when empty) or SimClockReal.
	Clock string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Directory lists the symbols to simulate; nil means
	// market.DefaultDirectory(). VN30 members are the group "VN30" (all of
	// HOSE when the group is missing); derivatives are not simulated.
	Directory *market.Directory
	// Logger receives warnings; nil discards them.
	Logger *slog.Logger
}

// Sim is a deterministic simulated market implementing Feed. Its state is
// owned by the goroutine running Run; Run must not be called concurrently
// with itself (a second concurrent call returns an error).
type Sim struct {
	cfg     SimConfig
	now     func() time.Time
	log     *slog.Logger
	rng     *rand.Rand
	real    bool
	primary []*simSymbol // VN30 members
	others  []*simSymbol // every other simulated symbol
	indices []*simIndex
	session simSessions

	buf        []byte // scratch encoding buffer
	steps      uint64
	credit     float64 // fractional updates carried to the next tick
	lastTick   time.Time
	lastIndex  time.Time
	lastStatus time.Time
	day        time.Time
	dropped    int64 // events the publisher refused since the last status
	running    atomic.Bool
}

// NewSim validates cfg and builds the simulated market.
func NewSim(cfg SimConfig) (*Sim, error) {
	if !(cfg.Rate > 0 && cfg.Rate <= MaxSimRate) {
		return nil, fmt.Errorf("sim: rate %v: %w", cfg.Rate,
			market.Invalid("rate", "must be in (0, %g] updates per second", float64(MaxSimRate)))
	}
	switch cfg.Clock {
	case "":
		cfg.Clock = SimClockAlways
	case SimClockAlways, SimClockReal:
	default:
		return nil, fmt.Errorf("sim: %w", market.Invalid("clock", "%q is not %q or %q", cfg.Clock, SimClockAlways, SimClockReal))
	}
	if cfg.Directory == nil {
		cfg.Directory = market.DefaultDirectory()
	}
	s := &Sim{
		cfg:  cfg,
		now:  cfg.Now,
		log:  cfg.Logger,
		rng:  rand.New(rand.NewPCG(uint64(cfg.Seed), 0x766e73746f636b)),
		real: cfg.Clock == SimClockReal,
		buf:  make([]byte, 0, 1024),
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.session = newSimSessions(s.real)
	s.buildSymbols(cfg.Directory)
	if len(s.primary)+len(s.others) == 0 {
		return nil, fmt.Errorf("sim: %w", market.Invalid("directory", "no HOSE, HNX or UPCOM symbol to simulate"))
	}
	s.indices = buildSimIndices(cfg.Directory, s.primary, s.others)
	return s, nil
}

// Name returns "sim".
func (s *Sim) Name() string { return "sim" }

// Run publishes the simulated market until ctx ends, then returns nil. It
// starts no goroutine: one ticker drives batches of updates.
func (s *Sim) Run(ctx context.Context, pub Publisher) error {
	if !s.running.CompareAndSwap(false, true) {
		return errors.New("sim: run already in progress")
	}
	defer s.running.Store(false)
	s.begin(ctx, pub)
	t := time.NewTicker(simTickEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			s.tick(ctx, pub)
		}
	}
}

// begin publishes the opening state: sessions, status, every active board
// row and the indices.
func (s *Sim) begin(ctx context.Context, pub Publisher) {
	now := s.now()
	s.lastTick, s.lastStatus = now, now
	if s.day.IsZero() {
		s.day = market.Date(now)
	}
	s.session.update(now)
	s.publishSessions(ctx, pub, now, true)
	s.publishStatus(ctx, pub, now)
	for _, group := range [2][]*simSymbol{s.primary, s.others} {
		for _, sym := range group {
			if simActive(s.session.of(sym.ex)) {
				s.publishQuote(ctx, pub, sym, now)
			}
		}
	}
	s.publishIndices(ctx, pub, now)
}

// tick runs one loop iteration: phase changes, bar closes, day roll, then
// Rate × elapsed updates, the once-a-second indices and the status.
func (s *Sim) tick(ctx context.Context, pub Publisher) {
	now := s.now()
	s.closeBars(ctx, pub, now)
	if d := market.Date(now); !d.Equal(s.day) && now.After(s.day) {
		s.day = d
		s.rollDay()
	}
	if s.session.update(now) {
		s.publishSessions(ctx, pub, now, false)
	}
	dt := min(max(now.Sub(s.lastTick), 0), simMaxBacklog)
	s.lastTick = now
	s.credit += s.cfg.Rate * dt.Seconds()
	n := int(s.credit)
	s.credit -= float64(n)
	for range n {
		s.step(ctx, pub)
	}
	if now.Sub(s.lastIndex) >= simIndexAtMost {
		s.publishIndices(ctx, pub, now)
	}
	if now.Sub(s.lastStatus) >= simStatusEvery {
		s.lastStatus = now
		s.publishStatus(ctx, pub, now)
	}
}

// step is one VN30 quote update plus the secondary streams it carries.
func (s *Sim) step(ctx context.Context, pub Publisher) {
	now := s.now()
	s.steps++
	if len(s.primary) > 0 {
		s.update(ctx, pub, s.primary[s.rng.IntN(len(s.primary))], now)
	}
	if s.steps%simOtherEvery == 0 && len(s.others) > 0 {
		s.update(ctx, pub, s.others[s.rng.IntN(len(s.others))], now)
	}
	if s.steps%simIndexEvery == 0 {
		s.publishIndices(ctx, pub, now)
	}
}

// update moves one symbol's book and, in continuous trading, matches a
// trade; it publishes the quote, then the trade and its bars.
func (s *Sim) update(ctx context.Context, pub Publisher, sym *simSymbol, now time.Time) {
	phase := s.session.of(sym.ex)
	if !simActive(phase) {
		return
	}
	sym.move(s.rng)
	if phase != market.PhaseContinuous {
		s.publishQuote(ctx, pub, sym, now)
		return
	}
	tr := sym.trade(s.rng, now)
	s.publishQuote(ctx, pub, sym, now)
	s.buf = tr.AppendJSON(s.buf[:0])
	s.emit(ctx, pub, sym.topicTrade, now)
	for i := range sym.bars {
		s.addToBar(ctx, pub, sym, i, tr, now)
	}
}

func (s *Sim) publishQuote(ctx context.Context, pub Publisher, sym *simSymbol, now time.Time) {
	q := sym.quote(now, s.session.of(sym.ex))
	s.buf = q.AppendJSON(s.buf[:0])
	s.emit(ctx, pub, sym.topicQuote, now)
}

// emit publishes the scratch buffer as a fresh exact-size payload: the
// publisher keeps payloads (snapshots, history), so they are never reused.
func (s *Sim) emit(ctx context.Context, pub Publisher, topic string, now time.Time) {
	payload := make([]byte, len(s.buf))
	copy(payload, s.buf)
	if err := pub.Publish(ctx, topic, payload, now.UnixMilli()); err != nil {
		s.dropped++
	}
}
