package vci

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/vnstock-api/vnstock-api/market"
)

// gapSeries is one symbol of a gap-chart answer: parallel arrays of
// epoch-second strings (t), VND or point prices (o, h, l, c) and share
// volumes (v). accumulatedVolume, accumulatedValue and minBatchTruncTime
// are not needed.
type gapSeries struct {
	Symbol string `json:"symbol"`
	T      []num  `json:"t"`
	O      []num  `json:"o"`
	H      []num  `json:"h"`
	L      []num  `json:"l"`
	C      []num  `json:"c"`
	V      []num  `json:"v"`
}

// ParseGapChart parses the answer of POST /api/chart/OHLCChart/gap-chart
// (a JSON array with one object per symbol, or the same inside {"data":
// ...}) and returns the bars of upstream code (the only series when code is
// "") named sym, of interval base (1m, 1H or 1D), sorted by time. Prices
// stay in VND (points for indices and futures); times are ICT, daily bars at
// ICT midnight of their day (VCI stamps them 00:00 UTC = 07:00 ICT). An
// answer with no series is market.ErrNotFound; malformed bytes give a
// *market.SchemaError naming the field.
func ParseGapChart(body []byte, code string, sym market.Symbol, base market.Interval) ([]market.Bar, error) {
	var all []gapSeries
	if err := decodeJSON(unwrapData(body), &all, "chart"); err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("chart has no series: %w", market.ErrNotFound)
	}
	k := -1
	for i := range all {
		if code == "" || all[i].Symbol == code {
			k = i
			break
		}
	}
	if k < 0 {
		if len(all) > 1 {
			return nil, fmt.Errorf("chart has no series %q: %w", code, market.ErrNotFound)
		}
		k = 0 // one series: VCI may spell the code differently (HNXIndex/HNXINDEX)
	}
	return all[k].bars(sym, base)
}

// bars validates the series and converts it.
func (g *gapSeries) bars(sym market.Symbol, base market.Interval) ([]market.Bar, error) {
	n := len(g.T)
	if g.T == nil {
		return nil, schemaErr("t", "missing")
	}
	for _, a := range [...]struct {
		name string
		v    []num
	}{{"o", g.O}, {"h", g.H}, {"l", g.L}, {"c", g.C}, {"v", g.V}} {
		if len(a.v) != n {
			return nil, schemaErr(a.name, fmt.Sprintf("has %d values, t has %d", len(a.v), n))
		}
	}
	out := make([]market.Bar, n)
	for i := range n {
		b, err := g.bar(i)
		if err != nil {
			return nil, err
		}
		b.Symbol, b.Interval, b.Source = sym, base, sourceName
		if base == market.Interval1D {
			b.Time = market.Date(b.Time)
		}
		out[i] = b
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out, nil
}

// bar reads element i. Field names for errors are built only on failure:
// this runs once per bar.
func (g *gapSeries) bar(i int) (market.Bar, error) {
	name := func(f string) string { return f + "[" + strconv.Itoa(i) + "]" }
	vals := [...]*num{&g.T[i], &g.O[i], &g.H[i], &g.L[i], &g.C[i], &g.V[i]}
	for k, v := range vals {
		if !v.set || v.bad {
			return market.Bar{}, v.check(name([...]string{"t", "o", "h", "l", "c", "v"}[k]), true)
		}
	}
	t, ok := g.T[i].integer()
	if !ok || t <= 0 || t > 1<<40 || float64(t) != g.T[i].f {
		return market.Bar{}, schemaErr(name("t"), "not epoch seconds: "+strconv.FormatFloat(g.T[i].f, 'f', -1, 64))
	}
	vol, ok := g.V[i].integer()
	if !ok || vol < 0 {
		return market.Bar{}, schemaErr(name("v"), "not a share count")
	}
	return market.Bar{Time: epoch(t), Open: g.O[i].f, High: g.H[i].f, Low: g.L[i].f, Close: g.C[i].f, Volume: vol}, nil
}
