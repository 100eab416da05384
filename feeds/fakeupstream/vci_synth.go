package fakeupstream

import (
	"math"
	"strconv"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// vciSeries is one symbol of a gap-chart answer, in VCI's shape.
type vciSeries struct {
	Symbol string    `json:"symbol"`
	T      []string  `json:"t"`
	O      []float64 `json:"o"`
	H      []float64 `json:"h"`
	L      []float64 `json:"l"`
	C      []float64 `json:"c"`
	V      []int64   `json:"v"`
}

// add appends one bar.
func (s *vciSeries) add(t int64, o, h, l, c float64, v int64) {
	s.T = append(s.T, strconv.FormatInt(t, 10))
	s.O, s.H, s.L, s.C, s.V = append(s.O, o), append(s.H, h), append(s.L, l), append(s.C, c), append(s.V, v)
}

// window keeps the bars with from ≤ t < to (from 0: no bound), the last
// countBack of them (0: no limit).
func (s vciSeries) window(from, to int64, countBack int) vciSeries {
	out := vciSeries{Symbol: s.Symbol}
	for i, ts := range s.T {
		t, _ := strconv.ParseInt(ts, 10, 64)
		if t < to && t >= from {
			out.add(t, s.O[i], s.H[i], s.L[i], s.C[i], s.V[i])
		}
	}
	if n := len(out.T); countBack > 0 && n > countBack {
		k := n - countBack
		out.T, out.O, out.H, out.L, out.C, out.V = out.T[k:], out.O[k:], out.H[k:], out.L[k:], out.C[k:], out.V[k:]
	}
	return out
}

// vciRef is the reference level of an upstream code: index points, futures
// points, or the catalogue's VND price.
func vciRef(code string) (ref float64, points bool) {
	if r := vciIndexRef(code); r > 0 {
		return r, true
	}
	l := vciLookup(code)
	return l.ref, l.typ == "FU"
}

// vciModel is the synthetic price of code at epoch second t: slow and fast
// waves around ref with a per-symbol phase, so that any range of any symbol
// is reproducible and neighbouring bars join up.
func vciModel(code string, ref float64, t int64) float64 {
	d := float64(t) / 86400
	p1, p2, p3 := vciUnit(code, "p1")*6.28, vciUnit(code, "p2")*6.28, vciUnit(code, "p3")*6.28
	return ref * (1 + 0.10*math.Sin(d/45+p1) + 0.04*math.Sin(d/11+p2) + 0.004*math.Sin(float64(t)/1800+p3))
}

// vciStep is the price step of a board: HOSE's 10/50/100 VND by price
// band, 100 VND on HNX and UPCOM.
func vciStep(p float64, board string) float64 {
	switch {
	case board == "HNX" || board == "UPCOM":
		return 100
	case p < 10000:
		return 10
	case p < 50000:
		return 50
	}
	return 100
}

// vciTick rounds a synthetic price: points to 2 decimals, VND to the HOSE step.
func vciTick(p float64, points bool) float64 {
	if points {
		return math.Round(p*100) / 100
	}
	step := vciStep(p, "HSX")
	return math.Round(p/step) * step
}

// vciDayStamps are the bar times of one trading day (midnight ICT) for a
// time frame: the 255 minutes of 09:00-11:30 and 13:00-14:45, the hours
// 9, 10, 11, 13, 14, or one daily bar stamped 00:00 UTC as VCI does.
func vciDayStamps(day time.Time, frame string) []int64 {
	switch frame {
	case "ONE_MINUTE":
		out := make([]int64, 0, 255)
		for m := 9 * 60; m < 14*60+45; m++ {
			if m >= 11*60+30 && m < 13*60 {
				continue
			}
			out = append(out, day.Add(time.Duration(m)*time.Minute).Unix())
		}
		return out
	case "ONE_HOUR":
		out := make([]int64, 0, 5)
		for _, h := range [...]int{9, 10, 11, 13, 14} {
			out = append(out, day.Add(time.Duration(h)*time.Hour).Unix())
		}
		return out
	}
	y, m, d := day.Date()
	return []int64{time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()}
}

// vciFrameLen is the length of a bar of a time frame.
func vciFrameLen(frame string) int64 {
	switch frame {
	case "ONE_MINUTE":
		return 60
	case "ONE_HOUR":
		return 3600
	}
	return 86400
}

// vciMaxBack bounds how far back the generator walks (20 years).
const vciMaxBack = 20 * 366

// vciSynthSeries builds the bars of code for a chart request: bars before
// `to` and at or after `from`, the last countBack of them, on the trading
// days of the default calendar.
func vciSynthSeries(code, frame string, from, to int64, countBack int) vciSeries {
	cal := market.DefaultCalendar()
	ref, points := vciRef(code)
	step := vciFrameLen(frame)
	var times []int64
	day := market.Date(time.Unix(to-1, 0))
	for back := 0; back < vciMaxBack && (countBack <= 0 || len(times) < countBack); back++ {
		if from > 0 && day.AddDate(0, 0, 1).Unix() <= from {
			break
		}
		if cal.IsTradingDay(day) {
			st := vciDayStamps(day, frame)
			for i := len(st) - 1; i >= 0 && (countBack <= 0 || len(times) < countBack); i-- {
				if st[i] < to && st[i] >= from {
					times = append(times, st[i])
				}
			}
		}
		day = day.AddDate(0, 0, -1)
	}
	s := vciSeries{Symbol: code}
	for i := len(times) - 1; i >= 0; i-- {
		t := times[i]
		o, c := vciModel(code, ref, t), vciModel(code, ref, t+step)
		u1, u2 := vciUnit(code, "hi", strconv.FormatInt(t, 10)), vciUnit(code, "lo", strconv.FormatInt(t, 10))
		h, l := math.Max(o, c)*(1+0.004*u1), math.Min(o, c)*(1-0.004*u2)
		s.add(t, vciTick(o, points), vciTick(h, points), vciTick(l, points), vciTick(c, points), vciVolume(code, frame, t))
	}
	return s
}

// vciVolume is a synthetic bar volume in round lots.
func vciVolume(code, frame string, t int64) int64 {
	daily := 2_000_000.0
	if l := vciLookup(code); l.shares > 0 {
		daily = float64(l.shares) / 800
	}
	switch frame {
	case "ONE_MINUTE":
		daily /= 255
	case "ONE_HOUR":
		daily /= 5
	}
	v := daily * (0.4 + 1.2*vciUnit(code, "v", strconv.FormatInt(t, 10)))
	return int64(math.Round(v/100)) * 100
}

// vciSession is the latest trading day up to now (midnight ICT).
func vciSession(now time.Time) time.Time {
	cal := market.DefaultCalendar()
	day := market.Date(now)
	for i := 0; i < 30 && !cal.IsTradingDay(day); i++ {
		day = day.AddDate(0, 0, -1)
	}
	return day
}

// vciSynthTrades builds `limit` trades of sym, latest first, from the
// 14:45 close of the latest session backwards at 7-second steps, keeping
// those before the truncTime cursor when one is given.
func vciSynthTrades(sym string, limit int, cursor int64, now time.Time) []map[string]any {
	ref, _ := vciRef(sym)
	day := vciSession(now)
	end := day.Add(14*time.Hour + 45*time.Minute).Unix()
	if cursor > 0 && cursor <= end {
		end = cursor - 1
	}
	acc := int64(vciUnit(sym, "acc", day.Format(time.DateOnly))*5e6) + int64(limit)*1000
	out := make([]map[string]any, 0, limit)
	for i := 0; i < limit; i++ {
		t := end - int64(i)*7
		if t < day.Add(9*time.Hour).Unix() {
			break
		}
		ts := strconv.FormatInt(t, 10)
		vol := int64(1+vciUnit(sym, "tv", ts)*50) * 100
		side := "b"
		if vciUnit(sym, "side", ts) < 0.45 {
			side = "s"
		}
		out = append(out, map[string]any{"id": strconv.FormatInt(3e8+t%1e8, 10), "symbol": sym, "truncTime": ts,
			"matchPrice": vciTick(vciModel(sym, ref, t), false), "matchVol": vol, "matchType": side,
			"accumulatedVolume": acc, "accumulatedValue": float64(acc) * ref / 1e6})
		acc -= vol
	}
	return out
}

// vciSynthDepth builds ten price steps around the reference, as strings.
func vciSynthDepth(sym string) []map[string]string {
	ref, _ := vciRef(sym)
	out := make([]map[string]string, 0, 10)
	for i := 5; i >= -4; i-- {
		p := vciTick(ref*(1+float64(i)*0.003), false)
		ps := strconv.FormatFloat(p, 'f', -1, 64)
		buy := int64(vciUnit(sym, "db", ps)*5000) * 100
		sell := int64(vciUnit(sym, "ds", ps)*5000) * 100
		out = append(out, map[string]string{"priceStep": ps, "accumulatedVolume": strconv.FormatInt(buy+sell, 10),
			"accumulatedBuyVolume": strconv.FormatInt(buy, 10), "accumulatedSellVolume": strconv.FormatInt(sell, 10),
			"accumulatedUndefinedVolume": "0"})
	}
	return out
}

// vciBand is the daily price band of a venue.
func vciBand(board string) float64 {
	switch board {
	case "HNX":
		return 0.10
	case "UPCOM":
		return 0.15
	}
	return 0.07
}

// vciRound rounds p on a board with round (math.Round, math.Floor for a
// ceiling, math.Ceil for a floor); points to one decimal.
func vciRound(p float64, points bool, board string, round func(float64) float64) float64 {
	if points {
		return round(p*10) / 10
	}
	step := vciStep(p, board)
	return round(p/step) * step
}

// vciSynthBoardItem builds one getList item for sym from the catalogue.
func vciSynthBoardItem(sym string, now time.Time) map[string]any {
	l := vciLookup(sym)
	points := l.typ == "FU"
	ref := vciRound(l.ref, points, l.board, math.Round)
	band := vciBand(l.board)
	ceil, floor := vciRound(ref*(1+band), points, l.board, math.Floor), vciRound(ref*(1-band), points, l.board, math.Ceil)
	last := vciRound(ref*(1+(vciUnit(sym, "last")-0.5)*band), points, l.board, math.Round)
	tick := 0.1
	if !points {
		tick = vciStep(last, l.board)
	}
	vol := int64(l.shares/1000/100+1) * 100
	var bids, asks []map[string]any
	for i := 0; i < 3; i++ {
		bids = append(bids, map[string]any{"price": last - float64(i)*tick, "volume": int64(1+vciUnit(sym, "bv", strconv.Itoa(i))*999) * 100})
		asks = append(asks, map[string]any{"price": last + float64(i+1)*tick, "volume": int64(1+vciUnit(sym, "av", strconv.Itoa(i))*999) * 100})
	}
	return map[string]any{
		"listingInfo": map[string]any{"symbol": sym, "ceiling": ceil, "floor": floor, "refPrice": ref, "stockType": l.typ,
			"board": l.board, "listedShare": l.shares, "type": l.typ, "organName": l.name, "enOrganName": l.enName,
			"organShortName": l.short, "priorClosePrice": ref, "tradingDate": vciSession(now).Format(time.DateOnly)},
		"bidAsk": map[string]any{"symbol": sym, "bidPrices": bids, "askPrices": asks},
		"matchPrice": map[string]any{"symbol": sym, "matchPrice": last, "matchVol": int64(100 * (1 + int(vciUnit(sym, "mv")*50))),
			"openPrice": ref, "highest": math.Max(last, ref) + tick, "lowest": math.Min(last, ref) - tick,
			"avgMatchPrice": (last + ref) / 2, "accumulatedVolume": vol, "accumulatedValue": math.Round(float64(vol) * (last + ref) / 2 / 1e6),
			"matchType": "unknown", "foreignBuyVolume": vol / 10, "foreignSellVolume": vol / 12,
			"currentRoom": l.shares / 4, "totalRoom": l.shares / 2, "totalAccumulatedVolume": vol / 100, "referencePrice": ref},
	}
}
