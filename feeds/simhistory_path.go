package feeds

import (
	"hash/fnv"
	"math"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// Streams of the history hash: each draw of a day has its own stream so
// that adding a draw never shifts another.
const (
	simStreamGap    = 2
	simStreamVolume = 3
	simStreamHigh   = 1 << 20
	simStreamLow    = 2 << 20
	simStreamMinute = 3 << 20
	simStreamMinVol = 4 << 20
)

// dayPath generates the minute bars of trading day d for an instrument
// whose previous close is prev and whose close is c, and passes each to
// emit: the open gaps a little from prev, a Brownian bridge joins it to c
// over the exchange's session minutes, and for equities every price lies
// on the tick grid within the day's price limits.
func (h *SimHistory) dayPath(in *simHistInstrument, d time.Time, prev, c float64, emit func(market.Bar)) {
	mins := h.minutes[in.ex]
	n := len(mins)
	if n == 0 {
		return
	}
	day := uint64(dayNumber(d))
	draw := func(stream uint64) float64 { return simNormal(simHash4(h.seed, in.key, day, stream)) }
	lo, hi := math.Inf(-1), math.Inf(1)
	if !in.index {
		ceil, floor := market.Limits(in.ex, market.Stock, int64(prev))
		lo, hi = float64(floor), float64(ceil)
	}
	clamp := func(p float64) float64 { return min(max(p, lo), hi) }
	gap := min(max(draw(simStreamGap)*0.004, -0.01), 0.01)
	open := clamp(h.priceAt(in, math.Log(prev)+gap))

	// The bridge: a random walk W with W(0) = 0, tilted so that it ends at 0,
	// added to the straight line from log open to log close.
	a, b := math.Log(open), math.Log(c)
	walk := make([]float64, n+1)
	for i := 1; i <= n; i++ {
		walk[i] = walk[i-1] + draw(simStreamMinute+uint64(i))*simHistMinuteSigma
	}
	vols := h.minuteVolumes(in, day, mins)
	o := open
	for i := 1; i <= n; i++ {
		f := float64(i) / float64(n)
		cl := c
		if i < n {
			cl = clamp(h.priceAt(in, a+(b-a)*f+walk[i]-f*walk[n]))
		}
		up := math.Abs(draw(simStreamHigh+uint64(i))) * simHistMinuteSigma * 0.6
		down := math.Abs(draw(simStreamLow+uint64(i))) * simHistMinuteSigma * 0.6
		top, bottom := max(o, cl), min(o, cl)
		emit(market.Bar{
			Symbol: in.sym,
			Time:   d.Add(mins[i-1]),
			Open:   o,
			High:   max(clamp(h.priceAt(in, math.Log(top)+up)), top),
			Low:    min(clamp(h.priceAt(in, math.Log(bottom)-down)), bottom),
			Close:  cl,
			Volume: vols[i-1],
		})
		o = cl
	}
}

// minuteVolumes spreads a drawn day volume over the session minutes: more at
// the open and the close (the U shape of every market), most in the
// closing auction, in round lots.
func (h *SimHistory) minuteVolumes(in *simHistInstrument, day uint64, mins []time.Duration) []int64 {
	base := 2e8 // index: shares matched by the members
	if !in.index {
		base = min(max(float64(in.shares)*0.003, 50_000), 30_000_000)
	}
	dayVol := base * math.Exp(0.35*simNormal(simHash4(h.seed, in.key, day, simStreamVolume)))
	n := len(mins)
	w := make([]float64, n)
	total := 0.0
	for i, m := range mins {
		x := 0.0
		if n > 1 {
			x = 2*float64(i)/float64(n-1) - 1
		}
		w[i] = (1 + 2*x*x) * math.Exp(0.5*simNormal(simHash4(h.seed, in.key, day, simStreamMinVol+uint64(i))))
		if m >= 14*time.Hour+45*time.Minute {
			w[i] *= 6 // the closing auction's single print
		}
		total += w[i]
	}
	out := make([]int64, n)
	for i := range w {
		out[i] = max(int64(math.Round(dayVol*w[i]/total/market.LotSize))*market.LotSize, market.LotSize)
	}
	return out
}

// sessionMinutes lists the minutes of a trading day in which ex prints
// trades: every minute of continuous matching, plus the closing auction's
// match at the end of the ATC phase.
func sessionMinutes(cal *market.Calendar, ex market.Exchange) []time.Duration {
	day := time.Date(2026, 3, 4, 0, 0, 0, 0, market.ICT)
	for i := 0; i < 30 && !cal.IsTradingDay(day); i++ {
		day = day.AddDate(0, 0, 1)
	}
	var out []time.Duration
	prev := market.PhaseClosed
	for m := time.Duration(0); m < 24*time.Hour; m += time.Minute {
		ph := cal.Phase(ex, day.Add(m))
		if ph == market.PhaseContinuous || prev == market.PhaseATC && ph != market.PhaseATC {
			out = append(out, m)
		}
		prev = ph
	}
	return out
}

// simAggregator folds minute bars into bars of an interval.
type simAggregator struct {
	sym  market.Symbol
	iv   market.Interval
	out  []market.Bar
	cur  market.Bar
	open bool
}

func newSimAggregator(sym market.Symbol, iv market.Interval) *simAggregator {
	return &simAggregator{sym: sym, iv: iv}
}

// add folds one minute bar; minute bars arrive in time order.
func (g *simAggregator) add(b market.Bar) {
	start := g.iv.Start(b.Time)
	if g.open && g.cur.Time.Equal(start) {
		g.cur.High = max(g.cur.High, b.High)
		g.cur.Low = min(g.cur.Low, b.Low)
		g.cur.Close = b.Close
		g.cur.Volume += b.Volume
		return
	}
	g.flush()
	b.Time, b.Interval, b.Symbol, b.Closed, b.Source = start, g.iv, g.sym, true, "sim"
	g.cur, g.open = b, true
}

func (g *simAggregator) flush() {
	if g.open {
		g.out = append(g.out, g.cur)
		g.open = false
	}
}

// finish returns the bars, oldest first.
func (g *simAggregator) finish() []market.Bar {
	g.flush()
	if g.out == nil {
		return []market.Bar{}
	}
	return g.out
}

// simHashString hashes a name (FNV-1a).
func simHashString(s string) uint64 {
	f := fnv.New64a()
	_, _ = f.Write([]byte(s)) // never fails
	return f.Sum64()
}

// simMix is the SplitMix64 finaliser: a bijection that spreads every input
// bit over the output.
func simMix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// simHash4 hashes four words into one.
func simHash4(a, b, c, d uint64) uint64 {
	return simMix(a ^ simMix(b^simMix(c^simMix(d))))
}

// simUnit maps a hash to (0, 1).
func simUnit(x uint64) float64 { return (float64(x>>11) + 0.5) / (1 << 53) }

// simNormal maps a hash to a standard normal draw (Box-Muller).
func simNormal(x uint64) float64 {
	u1, u2 := simUnit(x), simUnit(simMix(x))
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
}
