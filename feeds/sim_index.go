package feeds

import (
	"context"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// simIndex is a cap-weighted index over simulated members: its value is
// base × Σ(price × shares) / Σ(reference × shares), base being the
// previous close.
type simIndex struct {
	code    market.Symbol
	ex      market.Exchange
	topic   string
	members []*simSymbol
	base    float64 // previous close, points
	refCap  float64 // Σ reference × shares
	value   float64
	open    float64 // 0 until the first computation of the day
	high    float64
	low     float64
}

// simIndexBase is a plausible previous close of the headline indices.
func simIndexBase(code market.Symbol) float64 {
	switch code {
	case "VNINDEX":
		return 1650
	case "VN30":
		return 1850
	case "HNXINDEX":
		return 260
	case "HNX30":
		return 560
	case "UPCOMINDEX":
		return 110
	}
	return 1000
}

// buildSimIndices builds every index of the directory that has simulated
// members: VNINDEX, HNXINDEX and UPCOMINDEX over their exchange, the others
// (VN30, HNX30) over the group of the same name.
func buildSimIndices(dir *market.Directory, primary, others []*simSymbol) []*simIndex {
	all := make([]*simSymbol, 0, len(primary)+len(others))
	all = append(append(all, primary...), others...)
	var out []*simIndex
	for _, code := range dir.Indices() {
		x := &simIndex{code: code, topic: "index:" + string(code), base: simIndexBase(code)}
		switch code {
		case "VNINDEX":
			x.ex, x.members = market.HOSE, simOnExchange(all, market.HOSE)
		case "HNXINDEX":
			x.ex, x.members = market.HNX, simOnExchange(all, market.HNX)
		case "UPCOMINDEX":
			x.ex, x.members = market.UPCOM, simOnExchange(all, market.UPCOM)
		default:
			x.members = simGroup(dir, all, string(code))
			if len(x.members) > 0 {
				x.ex = x.members[0].ex
			}
		}
		if len(x.members) == 0 {
			continue
		}
		x.newDay()
		out = append(out, x)
	}
	return out
}

func simOnExchange(all []*simSymbol, ex market.Exchange) []*simSymbol {
	var out []*simSymbol
	for _, st := range all {
		if st.ex == ex {
			out = append(out, st)
		}
	}
	return out
}

// simGroup returns the simulated members of an explicit directory group.
func simGroup(dir *market.Directory, all []*simSymbol, group string) []*simSymbol {
	if _, err := market.ParseExchange(group); err == nil {
		return nil // an exchange name, not a group
	}
	names, ok := dir.Members(group)
	if !ok {
		return nil
	}
	want := make(map[market.Symbol]bool, len(names))
	for _, n := range names {
		want[n] = true
	}
	var out []*simSymbol
	for _, st := range all {
		if want[st.sym] {
			out = append(out, st)
		}
	}
	return out
}

// newDay starts a day: the members' references are their new prices.
func (x *simIndex) newDay() {
	if x.value > 0 {
		x.base = x.value
	}
	x.refCap = 0
	for _, st := range x.members {
		x.refCap += float64(st.ref) * float64(st.shares)
	}
	x.value = x.base
	x.open, x.high, x.low = 0, 0, 0
}

// compute returns the index row now, with breadth over the members.
func (x *simIndex) compute(now time.Time, phase market.Phase) market.IndexQuote {
	q := market.IndexQuote{Code: x.code, Time: now, Session: phase, Ref: x.base}
	var cap float64
	for _, st := range x.members {
		p := st.price()
		cap += float64(p) * float64(st.shares)
		q.Volume += st.totalVol
		q.Turnover += st.totalVal
		switch {
		case p > st.ref:
			q.Advances++
		case p < st.ref:
			q.Declines++
		default:
			q.Unchanged++
		}
		if st.totalVol > 0 && p == st.ceiling {
			q.Ceilings++
		}
		if st.totalVol > 0 && p == st.floor {
			q.Floors++
		}
	}
	x.value = simRound2(x.base * cap / x.refCap)
	if x.open == 0 {
		x.open, x.high, x.low = x.value, x.value, x.value
	}
	x.high, x.low = max(x.high, x.value), min(x.low, x.value)
	q.Value, q.Open, q.High, q.Low = x.value, x.open, x.high, x.low
	q.Change = simRound2(x.value - x.base)
	q.ChangePct = simRound2(q.Change * 100 / x.base)
	return q
}

// publishIndices publishes every index whose exchange is in session.
func (s *Sim) publishIndices(ctx context.Context, pub Publisher, now time.Time) {
	s.lastIndex = now
	for _, x := range s.indices {
		phase := s.session.of(x.ex)
		if !simActive(phase) {
			continue
		}
		q := x.compute(now, phase)
		s.buf = q.AppendJSON(s.buf[:0])
		s.emit(ctx, pub, x.topic, now)
	}
}
