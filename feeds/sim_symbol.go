package feeds

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// simLevels is the depth of the simulated book (HOSE boards show three).
const simLevels = 3

// simSymbol is the state of one simulated stock for the day.
type simSymbol struct {
	sym                    market.Symbol
	ex                     market.Exchange
	topicQuote, topicTrade string
	topicBar               [2]string
	shares                 int64 // shares outstanding, for cap-weighted indices

	ref, ceiling, floor int64
	// mid is the best bid price; one tick below the floor when the bid side
	// is empty. The best ask is one tick above it.
	mid int64

	open, high, low, last, lastVol, totalVol, totalVal int64
	foreignBuy, foreignSell, foreignRoom               int64

	bids, asks [simLevels]market.Level
	nBids      int
	nAsks      int
	bars       [2]market.Bar // forming 1m and 5m bars; zero Volume when none
}

// simBarIntervals are the bar topics the simulator publishes.
func simBarInterval(i int) market.Interval {
	if i == 0 {
		return market.Interval1m
	}
	return market.Interval5m
}

// simRefPrice is a plausible reference price in VND for the built-in
// symbols (late-2025 levels); 0 for others, which get a seeded draw.
func simRefPrice(s market.Symbol) int64 {
	switch s {
	case "ACB", "TCB":
		return 25_000
	case "BCM":
		return 65_000
	case "BID", "VHM", "VIC":
		return 45_000
	case "BVH", "SAB", "IDC", "PVI":
		return 50_000
	case "CTG", "VEA":
		return 40_000
	case "FPT", "MCH":
		return 120_000
	case "GAS":
		return 70_000
	case "GVR":
		return 30_000
	case "HDB", "HPG":
		return 27_000
	case "LPB", "PVS":
		return 32_000
	case "MBB":
		return 24_000
	case "MSN":
		return 75_000
	case "MWG", "VCB", "VCS", "FOX":
		return 60_000
	case "PLX", "STB":
		return 38_000
	case "SHB", "OIL":
		return 12_000
	case "SSB", "VIB", "VPB", "HUT":
		return 18_000
	case "SSI", "MBS":
		return 26_000
	case "TPB", "CEO":
		return 16_000
	case "VJC":
		return 100_000
	case "VNM":
		return 62_000
	case "VRE", "TNG", "BSR":
		return 21_000
	case "SHS":
		return 14_000
	case "NVB":
		return 10_000
	case "ACV":
		return 110_000
	case "QNS":
		return 48_000
	case "VGI":
		return 90_000
	}
	return 0
}

// buildSymbols draws every simulated symbol's day: VN30 members first (or
// all of HOSE when the directory has no VN30 group), then the rest, each
// list in the directory's sorted order so that a seed fixes the market.
func (s *Sim) buildSymbols(dir *market.Directory) {
	primary, ok := dir.Members("VN30")
	if !ok {
		primary, _ = dir.Members(string(market.HOSE))
	}
	in := make(map[market.Symbol]bool, len(primary))
	for _, sym := range primary {
		if ex, ok := dir.Exchange(sym); ok && ex != market.DER {
			in[sym] = true
			s.primary = append(s.primary, newSimSymbol(s.rng, sym, ex))
		}
	}
	for _, sym := range dir.Symbols() {
		if ex, _ := dir.Exchange(sym); ex != market.DER && !in[sym] {
			s.others = append(s.others, newSimSymbol(s.rng, sym, ex))
		}
	}
}

func newSimSymbol(rng *rand.Rand, sym market.Symbol, ex market.Exchange) *simSymbol {
	st := &simSymbol{
		sym:        sym,
		ex:         ex,
		topicQuote: "quote:" + string(sym),
		topicTrade: "trade:" + string(sym),
		topicBar:   [2]string{"bar:" + string(sym) + ":1m", "bar:" + string(sym) + ":5m"},
	}
	base := simRefPrice(sym)
	if base == 0 {
		base = 5_000 + rng.Int64N(95_000)
	}
	jitter := 1 + (rng.Float64()-0.5)*0.06 // ±3 %
	st.ref = max(market.RoundDown(ex, market.Stock, int64(float64(base)*jitter)), 1_000)
	st.shares = 100_000_000 + rng.Int64N(5_000_000_000)
	st.foreignRoom = st.shares / 100 * (5 + rng.Int64N(25)) / 100 * 100
	st.newDay(rng)
	return st
}

// newDay resets the day's statistics around the current reference price.
func (st *simSymbol) newDay(rng *rand.Rand) {
	st.ceiling, st.floor = market.Limits(st.ex, market.Stock, st.ref)
	st.mid = st.ref
	st.open, st.high, st.low, st.last, st.lastVol, st.totalVol, st.totalVal = 0, 0, 0, 0, 0, 0, 0
	st.foreignBuy, st.foreignSell = 0, 0
	st.bars = [2]market.Bar{}
	st.fillBook(rng)
}

// up and down step one tick on the grid from p.
func (st *simSymbol) up(p int64) int64   { return p + market.TickSize(st.ex, market.Stock, p) }
func (st *simSymbol) down(p int64) int64 { return p - market.TickSize(st.ex, market.Stock, p-1) }

// move walks the book one tick up or down (or not at all), pulled back
// towards the reference price, and redraws the level volumes.
func (st *simSymbol) move(rng *rand.Rand) {
	if u := rng.Float64(); u >= 0.35 {
		dev := float64(st.mid-st.ref) / float64(st.ref)
		pUp := min(max(0.5-4*dev, 0.1), 0.9)
		if rng.Float64() < pUp {
			if st.mid < st.ceiling {
				st.mid = st.up(st.mid)
			}
		} else if st.mid >= st.floor {
			st.mid = st.down(st.mid)
		}
	}
	st.fillBook(rng)
}

// fillBook lays three bid levels from mid down and three ask levels from
// the tick above mid up, all within [floor, ceiling], with volumes in lots.
func (st *simSymbol) fillBook(rng *rand.Rand) {
	st.nBids, st.nAsks = 0, 0
	for p := st.mid; p >= st.floor && st.nBids < simLevels; p = st.down(p) {
		st.bids[st.nBids] = market.Level{Price: p, Volume: simLots(rng)}
		st.nBids++
	}
	for p := st.up(st.mid); p <= st.ceiling && st.nAsks < simLevels; p = st.up(p) {
		st.asks[st.nAsks] = market.Level{Price: p, Volume: simLots(rng)}
		st.nAsks++
	}
}

// simLots draws a level or trade volume: 1 to 500 lots, occasionally ten
// times more.
func simLots(rng *rand.Rand) int64 {
	lots := 1 + rng.Int64N(500)
	if rng.IntN(20) == 0 {
		lots *= 10
	}
	return lots * market.LotSize
}

// trade matches one trade against the best level: a buy lifts the best ask,
// a sell hits the best bid. It updates the day's statistics and the book.
func (st *simSymbol) trade(rng *rand.Rand, now time.Time) market.Trade {
	buy := rng.IntN(2) == 0
	if st.nAsks == 0 {
		buy = false
	} else if st.nBids == 0 {
		buy = true
	}
	lv, side := &st.bids[0], market.SideSell
	if buy {
		lv, side = &st.asks[0], market.SideBuy
	}
	vol := min(simLots(rng), lv.Volume)
	if lv.Volume -= vol; lv.Volume == 0 {
		lv.Volume = simLots(rng) // the level refills
	}
	p := lv.Price
	if st.totalVol == 0 {
		st.open, st.high, st.low = p, p, p
	}
	st.high, st.low = max(st.high, p), min(st.low, p)
	st.last, st.lastVol = p, vol
	st.totalVol += vol
	st.totalVal += p * vol
	st.foreign(rng, vol)
	return market.Trade{Symbol: st.sym, Time: now, Price: p, Volume: vol, Side: side, TotalVolume: st.totalVol}
}

// foreign assigns part of a trade to foreign investors: buys use up the
// foreign room, sells give it back.
func (st *simSymbol) foreign(rng *rand.Rand, vol int64) {
	switch u := rng.IntN(100); {
	case u < 15:
		fb := min(vol, st.foreignRoom)
		st.foreignBuy += fb
		st.foreignRoom -= fb
	case u < 27:
		st.foreignSell += vol
		st.foreignRoom += vol
	}
}

// quote is the board row of the symbol now.
func (st *simSymbol) quote(now time.Time, phase market.Phase) market.Quote {
	q := market.Quote{
		Symbol: st.sym, Exchange: st.ex, Time: now, Session: phase,
		Ref: st.ref, Ceiling: st.ceiling, Floor: st.floor,
		Open: st.open, High: st.high, Low: st.low, Last: st.last, LastVolume: st.lastVol,
		TotalVolume: st.totalVol, TotalValue: st.totalVal,
		Bids: st.bids[:st.nBids], Asks: st.asks[:st.nAsks],
		ForeignBuy: st.foreignBuy, ForeignSell: st.foreignSell, ForeignRoom: st.foreignRoom,
	}
	if st.totalVol > 0 {
		q.Avg = (st.totalVal + st.totalVol/2) / st.totalVol
		q.Change = st.last - st.ref
		q.ChangePct = simRound2(float64(q.Change) * 100 / float64(st.ref))
	}
	return q
}

// price is the last price, or the reference before the first trade.
func (st *simSymbol) price() int64 {
	if st.totalVol == 0 {
		return st.ref
	}
	return st.last
}

// simRound2 rounds to two decimals, as boards show percentages.
func simRound2(v float64) float64 { return math.Round(v*100) / 100 }
