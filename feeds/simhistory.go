package feeds

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// Bounds of the simulated history.
const (
	// simHistMaxDays bounds how far back a request may reach, in calendar
	// days before today.
	simHistMaxDays = 20 * 366
	// simHistMaxIntradayDays bounds the span of one intraday request.
	simHistMaxIntradayDays = 366
	// simHistDailySigma is the spread of a day's close-to-close log return;
	// simHistDailyClamp its bound, well inside HOSE's ±7 % even after the
	// rounding to the tick grid at the lowest prices the walk reaches.
	simHistDailySigma = 0.018
	simHistDailyClamp = 0.045
	// simHistIndexSigma is an index's daily spread: a basket moves less.
	simHistIndexSigma = 0.01
	// simHistBand bounds the walk: prices stay within [ref/2, 2·ref].
	simHistBand = math.Ln2
	// simHistMinuteSigma is the spread of one minute's log return around
	// the bridge from the day's open to its close.
	simHistMinuteSigma = 0.0011
)

// SimHistoryConfig configures the simulated history source.
type SimHistoryConfig struct {
	// Seed must be the live simulator's seed: the history then ends at the
	// reference prices the simulator opens with (the previous trading day's
	// close is each symbol's reference price).
	Seed int64
	// Directory lists the symbols; nil means market.DefaultDirectory().
	Directory *market.Directory
	// Calendar decides the trading days and session minutes; nil means
	// market.DefaultCalendar().
	Calendar *market.Calendar
	// Now is the clock; nil means time.Now. History ends on the last
	// trading day before today: today belongs to the live simulator.
	Now func() time.Time
}

// simHistInstrument is what the history needs of one symbol or index.
type simHistInstrument struct {
	sym    market.Symbol
	ex     market.Exchange
	index  bool
	anchor float64 // close of the last trading day before today
	shares int64   // shares outstanding (equities)
	key    uint64  // hash of the symbol
}

// SimHistory is a Source ("sim") answering OHLCV history, company overviews
// and ratios with synthetic but deterministic data: the same seed, symbol,
// interval and day always give the same bars, whatever range was asked,
// and every interval aggregates the same minute path. It is safe for
// concurrent use.
type SimHistory struct {
	seed    uint64
	cal     *market.Calendar
	now     func() time.Time
	inst    map[market.Symbol]*simHistInstrument
	indices map[market.Symbol]*simHistInstrument
	minutes map[market.Exchange][]time.Duration // session minutes of a trading day
}

// NewSimHistory builds the history source from the simulator's symbols.
func NewSimHistory(cfg SimHistoryConfig) (*SimHistory, error) {
	if cfg.Calendar == nil {
		cfg.Calendar = market.DefaultCalendar()
	}
	sim, err := NewSim(SimConfig{Seed: cfg.Seed, Rate: 1, Directory: cfg.Directory})
	if err != nil {
		return nil, fmt.Errorf("sim history: %w", err)
	}
	h := &SimHistory{
		seed:    uint64(cfg.Seed),
		cal:     cfg.Calendar,
		now:     cfg.Now,
		inst:    map[market.Symbol]*simHistInstrument{},
		indices: map[market.Symbol]*simHistInstrument{},
		minutes: map[market.Exchange][]time.Duration{},
	}
	if h.now == nil {
		h.now = time.Now
	}
	for _, group := range [2][]*simSymbol{sim.primary, sim.others} {
		for _, st := range group {
			h.inst[st.sym] = &simHistInstrument{sym: st.sym, ex: st.ex, anchor: float64(st.ref), shares: st.shares, key: simHashString(string(st.sym))}
		}
	}
	for _, x := range sim.indices {
		h.indices[x.code] = &simHistInstrument{sym: x.code, ex: x.ex, index: true, anchor: x.base, key: simHashString("index:" + string(x.code))}
	}
	for _, ex := range []market.Exchange{market.HOSE, market.HNX, market.UPCOM} {
		h.minutes[ex] = sessionMinutes(cfg.Calendar, ex)
	}
	return h, nil
}

// Name returns "sim".
func (h *SimHistory) Name() string { return "sim" }

// Fetch answers market.CapOHLCV (equity and index assets), CapCompany and
// CapRatios; other capabilities are ErrUnsupported and unknown symbols
// market.ErrNotFound.
func (h *SimHistory) Fetch(ctx context.Context, q market.Query) (market.Result, error) {
	if err := ctx.Err(); err != nil {
		return market.Result{}, err
	}
	res := market.Result{Source: "sim", PriceUnit: "vnd", FetchedAt: h.now()}
	var err error
	switch q.Capability {
	case market.CapOHLCV:
		res.Bars, err = h.ohlcv(q)
	case market.CapCompany:
		res.Frame, err = h.company(q.Symbol)
	case market.CapRatios:
		res.Frame, err = h.ratios(q)
	default:
		return market.Result{}, fmt.Errorf("sim history: %s: %w", q.Capability, ErrUnsupported)
	}
	if err != nil {
		return market.Result{}, err
	}
	return res, nil
}

// lookup finds the instrument of a query by asset class.
func (h *SimHistory) lookup(sym market.Symbol, asset string) (*simHistInstrument, error) {
	var in *simHistInstrument
	switch asset {
	case "", market.AssetEquity:
		in = h.inst[sym]
	case market.AssetIndex:
		in = h.indices[sym]
	default:
		return nil, fmt.Errorf("sim history: asset %s: %w", asset, ErrUnsupported)
	}
	if in == nil {
		return nil, fmt.Errorf("sim history: %s %q: %w", assetName(asset), sym, market.ErrNotFound)
	}
	return in, nil
}

func assetName(asset string) string {
	if asset == "" {
		return market.AssetEquity
	}
	return asset
}

// ohlcv validates the range and aggregates the minute paths of its days.
func (h *SimHistory) ohlcv(q market.Query) ([]market.Bar, error) {
	in, err := h.lookup(q.Symbol, q.Asset)
	if err != nil {
		return nil, err
	}
	iv := q.Interval
	if iv == "" {
		iv = market.Interval1D
	}
	if _, err := market.ParseInterval(string(iv)); err != nil {
		return nil, err
	}
	first, last, err := h.window(q.Start, q.End, iv)
	if err != nil {
		return nil, err
	}
	days := h.cal.TradingDays(first, last)
	if len(days) == 0 {
		return []market.Bar{}, nil
	}
	closes := h.closes(in, days[0])
	agg := newSimAggregator(in.sym, iv)
	prev := closes.before(days[0])
	for _, d := range days {
		c := closes.at(d)
		h.dayPath(in, d, prev, c, agg.add)
		prev = c
	}
	return agg.finish(), nil
}

// window turns the query's inclusive day range into the first and last day
// to generate: End defaults to today and is cut at the last trading day
// before today; Start defaults to a span that suits the interval.
func (h *SimHistory) window(start, end time.Time, iv market.Interval) (time.Time, time.Time, error) {
	today := market.Date(h.now())
	last := today.AddDate(0, 0, -1)
	if !end.IsZero() && market.Date(end).Before(last) {
		last = market.Date(end)
	}
	var first time.Time
	if start.IsZero() {
		first = last.AddDate(-1, 0, 0)
		switch {
		case iv.Intraday():
			first = last.AddDate(0, 0, -7)
		case iv == market.Interval1W:
			first = last.AddDate(-3, 0, 0)
		case iv == market.Interval1M:
			first = last.AddDate(-10, 0, 0)
		}
	} else {
		first = market.Date(start)
	}
	if !end.IsZero() && !start.IsZero() && market.Date(end).Before(first) {
		return first, last, market.Invalid("end", "%s is before start %s", market.Date(end).Format(time.DateOnly), first.Format(time.DateOnly))
	}
	if first.Before(today.AddDate(0, 0, -simHistMaxDays)) {
		return first, last, market.Invalid("start", "the simulated history reaches back %d days", simHistMaxDays)
	}
	if iv.Intraday() && last.Sub(first) > simHistMaxIntradayDays*24*time.Hour {
		return first, last, market.Invalid("start", "intraday history spans at most %d days", simHistMaxIntradayDays)
	}
	return first, last, nil
}

// simCloses holds the daily closes of one instrument from the day before a
// window's first day up to the anchor day.
type simCloses struct {
	days   []time.Time // trading days, newest first
	values []float64
}

func (c simCloses) index(d time.Time) int {
	for i, day := range c.days {
		if !day.After(d) {
			return i
		}
	}
	return len(c.days) - 1
}

// at returns the close of trading day d.
func (c simCloses) at(d time.Time) float64 { return c.values[c.index(d)] }

// before returns the close of the trading day before d.
func (c simCloses) before(d time.Time) float64 {
	return c.values[min(c.index(d)+1, len(c.values)-1)]
}

// closes walks back from the anchor (the last trading day before today,
// whose close is the simulator's reference price) to the trading day
// before first. Each day's log return is drawn from (seed, symbol, day);
// the walk's distance from the anchor is squashed into ±simHistBand, which
// never makes a day's move larger than its drawn return.
func (h *SimHistory) closes(in *simHistInstrument, first time.Time) simCloses {
	today := market.Date(h.now())
	var c simCloses
	sigma := simHistDailySigma
	if in.index {
		sigma = simHistIndexSigma
	}
	walk := 0.0
	d := today.AddDate(0, 0, -1)
	for steps := 0; steps <= simHistMaxDays+30; steps++ {
		if h.cal.IsTradingDay(d) {
			c.days = append(c.days, d)
			c.values = append(c.values, h.priceAt(in, math.Log(in.anchor)-simHistBand*math.Tanh(walk/simHistBand)))
			if d.Before(first) {
				break
			}
			r := simNormal(simHash4(h.seed, in.key, uint64(dayNumber(d)), 1)) * sigma
			walk += min(max(r, -simHistDailyClamp), simHistDailyClamp)
		}
		d = d.AddDate(0, 0, -1)
	}
	if len(c.values) > 0 {
		c.values[0] = in.anchor // exact: the reference price itself
	}
	return c
}

// priceAt turns a log price into a price on the instrument's grid: a tick
// of the exchange for equities, two decimals for indices.
func (h *SimHistory) priceAt(in *simHistInstrument, logp float64) float64 {
	p := math.Exp(logp)
	if in.index {
		return math.Round(p*100) / 100
	}
	return float64(simNearestTick(in.ex, int64(math.Round(p))))
}

// simNearestTick rounds p to the nearest price on the tick grid.
func simNearestTick(ex market.Exchange, p int64) int64 {
	lo := market.RoundDown(ex, market.Stock, p)
	hi := market.RoundUp(ex, market.Stock, p)
	if p-lo < hi-p {
		return max(lo, market.TickSize(ex, market.Stock, 1))
	}
	return hi
}

// dayNumber is the day's count since 1970-01-01 ICT.
func dayNumber(d time.Time) int64 {
	return market.Date(d).Add(7*time.Hour).Unix() / 86400
}
