package vci

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// boardItem is one symbol of POST /api/price/symbols/getList.
type boardItem struct {
	ListingInfo *boardListing `json:"listingInfo"`
	BidAsk      *boardBidAsk  `json:"bidAsk"`
	MatchPrice  *boardMatch   `json:"matchPrice"`
}

// boardListing is the static part: symbol, venue and the day's limits.
type boardListing struct {
	Symbol      string `json:"symbol"`
	Board       string `json:"board"`
	Ceiling     num    `json:"ceiling"`
	Floor       num    `json:"floor"`
	RefPrice    num    `json:"refPrice"`
	TradingDate string `json:"tradingDate"`
}

// boardBidAsk is the order book (three levels on HOSE).
type boardBidAsk struct {
	Time      json.RawMessage `json:"time"`
	Session   string          `json:"session"`
	BidPrices []boardLevel    `json:"bidPrices"`
	AskPrices []boardLevel    `json:"askPrices"`
}

// boardLevel is one book level; price may be "ATO"/"ATC" in auctions.
type boardLevel struct {
	Price  bookPrice `json:"price"`
	Volume num       `json:"volume"`
}

// bookPrice is a level price: a number, a numeric string, or an auction
// marker (ATO, ATC, MP...), which has no price.
type bookPrice struct {
	num
	marker bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (b *bookPrice) UnmarshalJSON(data []byte) error {
	_ = b.num.UnmarshalJSON(data)
	b.marker = false
	if b.bad && len(data) > 2 && data[0] == '"' {
		switch strings.ToUpper(strings.TrimSpace(string(data[1 : len(data)-1]))) {
		case "ATO", "ATC", "MP", "MAK", "MOK", "MTL", "PLO":
			b.num, b.marker = num{}, true
		}
	}
	return nil
}

// boardMatch is the trading part. accumulatedValue and
// totalAccumulatedValue are in millions of VND.
type boardMatch struct {
	Time                  json.RawMessage `json:"time"`
	Session               string          `json:"session"`
	MatchPrice            num             `json:"matchPrice"`
	MatchVol              num             `json:"matchVol"`
	OpenPrice             num             `json:"openPrice"`
	Highest               num             `json:"highest"`
	Lowest                num             `json:"lowest"`
	AvgMatchPrice         num             `json:"avgMatchPrice"`
	AccumulatedVolume     num             `json:"accumulatedVolume"`
	AccumulatedValue      num             `json:"accumulatedValue"`
	TotalAccumulatedValue num             `json:"totalAccumulatedValue"`
	ForeignBuyVolume      num             `json:"foreignBuyVolume"`
	ForeignSellVolume     num             `json:"foreignSellVolume"`
	CurrentRoom           num             `json:"currentRoom"`
}

// ParseBoard parses the answer of POST /api/price/symbols/getList into
// quotes in the order VCI sent them. Prices are whole VND (VCI does not
// scale the board), the average is rounded, the matched value is converted
// from millions of VND to VND, HSX becomes HOSE. Quotes without an upstream
// time are stamped now. Futures rows (prices in index points) are left out.
func ParseBoard(body []byte, now time.Time) ([]market.Quote, error) {
	var raw []boardItem
	if err := decodeJSON(unwrapData(body), &raw, "board"); err != nil {
		return nil, err
	}
	out := make([]market.Quote, 0, len(raw))
	for i := range raw {
		q, err := raw[i].quote("["+strconv.Itoa(i)+"]", now)
		if err != nil {
			return nil, err
		}
		if q.Exchange != market.DER {
			out = append(out, q)
		}
	}
	return out, nil
}

// quote converts one item; idx is "[i]" for error fields.
func (it *boardItem) quote(idx string, now time.Time) (market.Quote, error) {
	li := it.ListingInfo
	if li == nil || li.Symbol == "" {
		return market.Quote{}, schemaErr(idx+".listingInfo.symbol", "missing")
	}
	sym, err := market.ParseSymbol(li.Symbol)
	if err != nil {
		return market.Quote{}, schemaErr(idx+".listingInfo.symbol", err.Error())
	}
	ex, err := market.ParseExchange(li.Board)
	if err != nil {
		return market.Quote{}, schemaErr(idx+".listingInfo.board", fmt.Sprintf("unknown venue %q", li.Board))
	}
	q := market.Quote{Symbol: sym, Exchange: ex, Source: sourceName}
	if ex == market.DER {
		return q, nil
	}
	p := prices{idx: idx}
	p.read(".listingInfo.ceiling", li.Ceiling, &q.Ceiling)
	p.read(".listingInfo.floor", li.Floor, &q.Floor)
	p.read(".listingInfo.refPrice", li.RefPrice, &q.Ref)
	if m := it.MatchPrice; m != nil {
		p.match(m, &q)
	}
	if ba := it.BidAsk; ba != nil {
		q.Bids = p.levels(".bidAsk.bidPrices", ba.BidPrices)
		q.Asks = p.levels(".bidAsk.askPrices", ba.AskPrices)
	}
	if p.err != nil {
		return market.Quote{}, p.err
	}
	if q.Last > 0 && q.Ref > 0 {
		q.Change = q.Last - q.Ref
		q.ChangePct = math.Round(float64(q.Change)/float64(q.Ref)*10000) / 100
	}
	q.Session, q.Time, err = it.when(idx, li.TradingDate, now)
	return q, err
}

// prices reads the numeric fields of one item, keeping the first error.
// Field names are idx + a constant suffix, joined only on error.
type prices struct {
	idx string
	err error
}

// read reads a whole-VND field.
func (p *prices) read(name string, n num, dst *int64) {
	if p.err != nil {
		return
	}
	if n.bad {
		p.err = n.check(p.idx+name, false)
		return
	}
	v, ok := n.integer()
	if !ok || math.Abs(n.f-float64(v)) > 1e-6 {
		_, p.err = n.whole(p.idx + name)
		return
	}
	*dst = v
}

// rounded reads a field that may have decimals (averages, values), times scale.
func (p *prices) rounded(name string, n num, scale float64) int64 {
	if p.err != nil {
		return 0
	}
	if n.bad {
		p.err = n.check(p.idx+name, false)
		return 0
	}
	v := math.Round(n.f * scale)
	if math.Abs(v) > 1<<62 {
		p.err = schemaErr(p.idx+name, "out of range")
		return 0
	}
	return int64(v)
}

// match reads the trading part.
func (p *prices) match(m *boardMatch, q *market.Quote) {
	p.read(".matchPrice.matchPrice", m.MatchPrice, &q.Last)
	p.read(".matchPrice.openPrice", m.OpenPrice, &q.Open)
	p.read(".matchPrice.highest", m.Highest, &q.High)
	p.read(".matchPrice.lowest", m.Lowest, &q.Low)
	q.LastVolume = p.rounded(".matchPrice.matchVol", m.MatchVol, 1)
	q.Avg = p.rounded(".matchPrice.avgMatchPrice", m.AvgMatchPrice, 1)
	q.TotalVolume = p.rounded(".matchPrice.accumulatedVolume", m.AccumulatedVolume, 1)
	if m.TotalAccumulatedValue.set {
		q.TotalValue = p.rounded(".matchPrice.totalAccumulatedValue", m.TotalAccumulatedValue, 1e6)
	} else {
		q.TotalValue = p.rounded(".matchPrice.accumulatedValue", m.AccumulatedValue, 1e6)
	}
	q.ForeignBuy = p.rounded(".matchPrice.foreignBuyVolume", m.ForeignBuyVolume, 1)
	q.ForeignSell = p.rounded(".matchPrice.foreignSellVolume", m.ForeignSellVolume, 1)
	q.ForeignRoom = p.rounded(".matchPrice.currentRoom", m.CurrentRoom, 1)
}

// levels reads a book side, best first, dropping empty levels.
func (p *prices) levels(name string, raw []boardLevel) []market.Level {
	out := make([]market.Level, 0, min(len(raw), market.MaxLevels))
	for i, lv := range raw {
		if p.err != nil || len(out) == market.MaxLevels {
			break
		}
		field := func(s string) string { return p.idx + name + "[" + strconv.Itoa(i) + "]" + s }
		var l market.Level
		var ok bool
		if l.Price, ok = levelPrice(lv.Price); !ok {
			p.err = schemaErr(field(".price"), "not a price")
			break
		}
		if lv.Volume.bad {
			p.err = lv.Volume.check(field(".volume"), false)
			break
		}
		l.Volume, ok = lv.Volume.integer()
		if !ok || l.Volume < 0 {
			p.err = schemaErr(field(".volume"), "not a volume")
			break
		}
		if l.Price != 0 || l.Volume != 0 {
			out = append(out, l)
		}
	}
	return out
}

// levelPrice returns a level's whole-VND price (0 for auction markers).
func levelPrice(p bookPrice) (int64, bool) {
	if p.bad {
		return 0, false
	}
	v, ok := p.integer()
	if !ok || v < 0 || math.Abs(p.f-float64(v)) > 1e-6 {
		return 0, false
	}
	return v, true
}

// when returns the session and the time of the last change.
func (it *boardItem) when(idx, tradingDate string, now time.Time) (market.Phase, time.Time, error) {
	var sess string
	var t time.Time
	if m := it.MatchPrice; m != nil {
		sess = m.Session
		tm, err := boardTime(idx+".matchPrice.time", m.Time, tradingDate)
		if err != nil {
			return "", time.Time{}, err
		}
		t = tm
	}
	if ba := it.BidAsk; ba != nil {
		if sess == "" {
			sess = ba.Session
		}
		tb, err := boardTime(idx+".bidAsk.time", ba.Time, tradingDate)
		if err != nil {
			return "", time.Time{}, err
		}
		if tb.After(t) {
			t = tb
		}
	}
	if t.IsZero() {
		t = now.In(market.ICT)
	}
	return phase(sess), t, nil
}

// boardTime reads a board time: epoch seconds or milliseconds (number or
// string), an ISO date-time (no zone: ICT), or HH:MM:SS on tradingDate.
// Absent or empty is the zero time.
func boardTime(field string, raw json.RawMessage, tradingDate string) (time.Time, error) {
	var n num
	_ = n.UnmarshalJSON(raw)
	switch {
	case n.set:
		v, ok := n.integer()
		switch {
		case !ok || v <= 0:
			return time.Time{}, schemaErr(field, "not a time")
		case v > 1e11:
			return time.UnixMilli(v).In(market.ICT), nil
		}
		return epoch(v), nil
	case !n.bad:
		return time.Time{}, nil
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return time.Time{}, schemaErr(field, "not a time")
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.In(market.ICT), nil
	}
	for _, layout := range [...]string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, market.ICT); err == nil {
			return t, nil
		}
	}
	if t, err := time.ParseInLocation(time.DateOnly+" 15:04:05", tradingDate+" "+s, market.ICT); err == nil {
		return t, nil
	}
	return time.Time{}, schemaErr(field, fmt.Sprintf("not a time: %.40q", s))
}

// phase maps VCI's session codes to market phases ("" when unknown).
func phase(s string) market.Phase {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "ATO":
		return market.PhaseATO
	case "ATC":
		return market.PhaseATC
	case "LO", "CONTINUOUS", "O":
		return market.PhaseContinuous
	case "BREAK", "LB", "INTERMISSION":
		return market.PhaseLunchBreak
	case "PT", "PUT_THROUGH", "PLO":
		return market.PhasePutThrough
	case "C", "CLOSED", "CLOSE", "END":
		return market.PhaseClosed
	}
	return ""
}

// boardRequest is the body of POST /api/price/symbols/getList.
type boardRequest struct {
	Symbols []string `json:"symbols"`
}

// board answers CapBoard. Futures and indices are refused (their prices are
// points, which market.Quote's VND integers cannot carry).
func (s *Source) board(ctx context.Context, q market.Query) (market.Result, error) {
	if len(q.Symbols) == 0 {
		return market.Result{}, market.Invalid("symbols", "must not be empty")
	}
	syms := make([]string, len(q.Symbols))
	for i, sym := range q.Symbols {
		if a := detectAsset(sym); a == market.AssetFutures || a == market.AssetIndex {
			return market.Result{}, unsupported("board row of %s (%s)", sym, a)
		}
		syms[i] = string(sym)
	}
	body, err := s.post(ctx, string(market.CapBoard), "price/symbols/getList", boardRequest{Symbols: syms})
	if err != nil {
		return market.Result{}, err
	}
	quotes, err := ParseBoard(body, s.cfg.Now())
	if err != nil {
		return market.Result{}, err
	}
	if len(quotes) == 0 {
		return market.Result{}, fmt.Errorf("no board row: %w", market.ErrNotFound)
	}
	return market.Result{Quotes: quotes}, nil
}
