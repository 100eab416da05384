package fakeupstream

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// kbsBoardRow is one synthetic stock/iss row with the keys of upstream.md
// §4.4; B1/S1 are strings as KBS writes them, the deeper levels numbers.
type kbsBoardRow struct {
	SB  string  `json:"SB"`
	EX  string  `json:"EX"`
	CL  int64   `json:"CL"`
	FL  int64   `json:"FL"`
	RE  int64   `json:"RE"`
	OP  int64   `json:"OP"`
	HI  int64   `json:"HI"`
	LO  int64   `json:"LO"`
	CP  int64   `json:"CP"`
	CV  int64   `json:"CV"`
	AP  int64   `json:"AP"`
	TT  int64   `json:"TT"`
	TV  int64   `json:"TV"`
	CH  int64   `json:"CH"`
	CHP float64 `json:"CHP"`
	B1  string  `json:"B1"`
	V1  int64   `json:"V1"`
	B2  int64   `json:"B2"`
	V2  int64   `json:"V2"`
	B3  int64   `json:"B3"`
	V3  int64   `json:"V3"`
	S1  string  `json:"S1"`
	U1  int64   `json:"U1"`
	S2  int64   `json:"S2"`
	U2  int64   `json:"U2"`
	S3  int64   `json:"S3"`
	U3  int64   `json:"U3"`
	FB  int64   `json:"FB"`
	FS  int64   `json:"FS"`
	FR  int64   `json:"FR"`
	MS  string  `json:"MS"`
	T   int64   `json:"t"`
}

// session is sym's synthetic trading day as of now: reference price, limits,
// and the number of 2-second steps matched so far. Before the day's first
// match it is the previous trading day, complete, so that boards and tapes
// are never empty.
type kbsSession struct {
	sym           string
	ex            market.Exchange
	day           time.Time
	ref, ceil, fl int64
	steps         int64
	perStep       int64
}

func (m kbsModel) session(sym string, now time.Time) kbsSession {
	day := m.lastTradingDay(now)
	steps := tradedSeconds(day.Add(15*time.Hour)) / 2
	if market.Date(now).Equal(day) {
		steps = tradedSeconds(now) / 2
	}
	if steps == 0 {
		day = m.lastTradingDay(day.AddDate(0, 0, -1))
		steps = tradedSeconds(day.Add(15*time.Hour)) / 2
	}
	prev := m.lastTradingDay(day.AddDate(0, 0, -1))
	ex := m.exchange(sym)
	_, _, _, c, _ := m.dayBar(sym, prev)
	ref := market.RoundDown(ex, market.Stock, int64(c))
	ceil, fl := market.Limits(ex, market.Stock, ref)
	return kbsSession{sym: sym, ex: ex, day: day, ref: ref, ceil: ceil, fl: fl, steps: steps,
		perStep: 100 * int64(1+19*hash01(sym, "step"))}
}

// price is the matched price after step k (k ≥ 1).
func (s kbsSession) price(k int64) int64 {
	p := float64(s.ref) * (1 + 0.04*math.Sin(float64(k)/60+6.28*hash01(s.sym, "walk")))
	v := market.RoundDown(s.ex, market.Stock, int64(p))
	return min(max(v, s.fl), s.ceil)
}

// stepTime is when step k (k ≥ 1) matched.
func (s kbsSession) stepTime(k int64) time.Time {
	off := time.Duration(2*k) * time.Second
	morning := 2*time.Hour + 15*time.Minute
	if off <= morning {
		return s.day.Add(9*time.Hour + 15*time.Minute + off)
	}
	return s.day.Add(13*time.Hour + off - morning)
}

func (m kbsModel) boardRow(sym string, now time.Time) kbsBoardRow {
	s := m.session(sym, now)
	r := kbsBoardRow{SB: sym, EX: string(s.ex), CL: s.ceil, FL: s.fl, RE: s.ref, MS: "O",
		FR: int64(1e8 * (1 + 9*hash01(sym, "room"))), T: now.UnixMilli() / 2000 * 2000}
	r.OP, r.HI, r.LO = s.price(1), s.price(1), s.price(1)
	var value int64
	for k := int64(1); k <= s.steps; k++ {
		p := s.price(k)
		r.HI, r.LO = max(r.HI, p), min(r.LO, p)
		value += p * s.perStep
	}
	r.CP, r.CV, r.TT, r.TV = s.price(s.steps), s.perStep, s.steps*s.perStep, value
	r.AP = market.RoundDown(s.ex, market.Stock, value/r.TT)
	r.CH = r.CP - s.ref
	r.CHP = math.Round(float64(r.CH)/float64(s.ref)*1e7) / 1e5
	tick := market.TickSize(s.ex, market.Stock, r.CP)
	vol := func(tag string) int64 { return 100 * int64(1+200*hash01(sym, tag, strconv.FormatInt(s.steps, 10))) }
	r.B1, r.V1, r.B2, r.V2, r.B3, r.V3 = fmt.Sprintf("%d.0", r.CP), vol("v1"), r.CP-tick, vol("v2"), r.CP-2*tick, vol("v3")
	r.S1, r.U1, r.S2, r.U2, r.S3, r.U3 = fmt.Sprintf("%d.0", r.CP+tick), vol("u1"), r.CP+2*tick, vol("u2"), r.CP+3*tick, vol("u3")
	r.FB, r.FS = r.TT/10, r.TT/12
	if !market.Date(now).Equal(s.day) || now.After(s.stepTime(s.steps).Add(time.Minute)) {
		r.T = s.stepTime(s.steps).UnixMilli()
	}
	return r
}

// kbsTradeRow is one synthetic trade/history row (upstream.md §4.3).
type kbsTradeRow struct {
	T   string `json:"t"`
	TD  string `json:"TD"`
	SB  string `json:"SB"`
	FT  string `json:"FT"`
	LC  string `json:"LC"`
	FMP int64  `json:"FMP"`
	FCV int64  `json:"FCV"`
	FV  int64  `json:"FV"`
	AVO int64  `json:"AVO"`
	AVA int64  `json:"AVA"`
}

// trades returns page (1-based) of limit trades of sym's latest session,
// newest first: one trade per 2-second step, as the board moves.
func (m kbsModel) trades(sym string, now time.Time, page, limit int) []kbsTradeRow {
	s := m.session(sym, now)
	newest := s.steps - int64((page-1)*limit)
	oldest := newest - int64(limit) + 1
	out := []kbsTradeRow{}
	var value int64
	for k := int64(1); k <= newest; k++ {
		p := s.price(k)
		value += p * s.perStep
		if k < oldest {
			continue
		}
		t := s.stepTime(k)
		side := "B"
		if hash01(sym, strconv.FormatInt(k, 10)) < 0.5 {
			side = "S"
		}
		out = append(out, kbsTradeRow{
			T: t.Format("2006-01-02 15:04:05") + fmt.Sprintf(":%02d", k%100), TD: now.In(market.ICT).Format("02/01/2006"),
			SB: sym, FT: t.Format("15:04:05"), LC: side, FMP: p, FCV: p - s.ref,
			FV: s.perStep, AVO: k * s.perStep, AVA: value,
		})
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// bars returns sym's bars of KBS period p for the ICT days [from, to],
// newest first (the order third-party clients report), as {"t","o","h",
// "l","c","v"} rows; index prices are strings as KBS writes them.
func (m kbsModel) bars(sym, p string, from, to time.Time) []map[string]any {
	var out []map[string]any
	add := func(t time.Time, layout string, o, h, l, c float64, v int64) {
		row := map[string]any{"t": t.Format(layout), "o": o, "h": h, "l": l, "c": c, "v": v}
		if isKBSIndex(sym) {
			for _, k := range []string{"o", "h", "l", "c"} {
				row[k] = strconv.FormatFloat(row[k].(float64), 'f', 2, 64)
			}
		}
		out = append(out, row)
	}
	days := m.cal.TradingDays(from, to)
	switch p {
	case "day", "week", "month":
		m.periodBars(sym, p, days, add)
	default:
		span, err := strconv.Atoi(strings.TrimSuffix(p, "P"))
		if err != nil || span <= 0 {
			return nil
		}
		for _, d := range days {
			for _, min := range sessionMinutes(span) {
				t := d.Add(time.Duration(min) * time.Minute)
				o, h, l, c, v := m.minuteBar(sym, t, span)
				add(t, "2006-01-02 15:04", o, h, l, c, v)
			}
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// periodBars emits daily bars, or week/month bars folded from them and
// stamped at the period's first day, 07:00 like KBS's daily stamp.
func (m kbsModel) periodBars(sym, p string, days []time.Time, add func(time.Time, string, float64, float64, float64, float64, int64)) {
	iv := map[string]market.Interval{"day": market.Interval1D, "week": market.Interval1W, "month": market.Interval1M}[p]
	var cur time.Time
	var o, h, l, c float64
	var v int64
	flush := func() {
		if !cur.IsZero() {
			add(cur.Add(7*time.Hour), "2006-01-02 15:04", o, h, l, c, v)
		}
	}
	for _, d := range days {
		do, dh, dl, dc, dv := m.dayBar(sym, d)
		if start := iv.Start(d); !start.Equal(cur) {
			flush()
			cur, o, h, l, v = start, do, dh, dl, 0
		}
		h, l, c, v = max(h, dh), min(l, dl), dc, v+dv
	}
	flush()
}
