package feeds

import (
	"bytes"
	"math"
	"strconv"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// ParseSSIStock parses an S# snapshot record, board-prefixed (`MAIN|S#VCB|...`)
// or in the ListV2 form (`S#VCB|...`), into a quote. Prices are VND, volumes
// shares, Time is field 101 (a true UTC epoch) in ICT; only book levels with a
// non-zero price are kept. Futures records give an *SSIUnsupportedError.
func ParseSSIStock(line []byte) (market.Quote, error) {
	var p ssiFields
	var n int
	if bytes.HasPrefix(line, []byte("S#")) {
		p.shift = 1
		n = splitPipe(line, p.f[1:]) + 1
	} else {
		n = splitPipe(line, p.f[:])
	}
	if n != ssiStockFields {
		return market.Quote{}, &market.SchemaError{Source: ssiSource, Field: "record",
			Msg: "S# record has " + strconv.Itoa(n-p.shift) + " fields, want " + strconv.Itoa(ssiStockFields-p.shift)}
	}
	var q market.Quote
	if err := p.head(&q); err != nil {
		return market.Quote{}, err
	}
	if err := p.numbers(&q); err != nil {
		return market.Quote{}, err
	}
	if err := p.levels(&q); err != nil {
		return market.Quote{}, err
	}
	q.Source = ssiSource
	return q, nil
}

// head reads the symbol, market and update time, and refuses futures.
func (p *ssiFields) head(q *market.Quote) error {
	tok := p.f[ssiFSymbol]
	if !bytes.HasPrefix(tok, []byte("S#")) {
		return p.errorf(ssiFSymbol, "symbol", "%.24q does not start with S#", tok)
	}
	sym, err := market.ParseSymbol(string(tok[2:]))
	if err != nil {
		return p.errorf(ssiFSymbol, "symbol", "%v", err)
	}
	ex, err := ssiExchange(p.f[ssiFMarket])
	if err != nil {
		return p.errorf(ssiFMarket, "market code", "%.24q is not a known market", p.f[ssiFMarket])
	}
	if ex == market.DER || string(p.f[ssiFType]) == "f" {
		return &SSIUnsupportedError{Symbol: sym, Market: string(p.f[ssiFMarket]),
			Reason: "futures prices are index points; not mapped to VND quotes yet"}
	}
	ms, err := p.required(ssiFTime, "update time")
	if err != nil {
		return err
	}
	if ms <= 0 {
		return p.errorf(ssiFTime, "update time", "%d is not an epoch time", ms)
	}
	q.Symbol, q.Exchange, q.Time = sym, ex, time.UnixMilli(ms).In(market.ICT)
	return nil
}

// numbers reads the price, volume and flow fields.
func (p *ssiFields) numbers(q *market.Quote) error {
	fields := [...]struct {
		i    int
		name string
		dst  *int64
		req  bool
	}{
		{ssiFRef, "reference price", &q.Ref, true},
		{ssiFCeiling, "ceiling price", &q.Ceiling, true},
		{ssiFFloor, "floor price", &q.Floor, true},
		{ssiFLast, "last price", &q.Last, false},
		{ssiFLastVol, "last volume", &q.LastVolume, false},
		{ssiFHigh, "high price", &q.High, false},
		{ssiFLow, "low price", &q.Low, false},
		{ssiFOpen, "open price", &q.Open, false},
		{ssiFForeignBuy, "foreign buy volume", &q.ForeignBuy, false},
		{ssiFForeignSell, "foreign sell volume", &q.ForeignSell, false},
		{ssiFChange, "change", &q.Change, false},
		{ssiFTotalVol, "total volume", &q.TotalVolume, false},
		{ssiFTotalValue, "total value", &q.TotalValue, false},
		{ssiFRoom, "foreign room", &q.ForeignRoom, false},
	}
	for _, fd := range fields {
		var err error
		if fd.req {
			*fd.dst, err = p.required(fd.i, fd.name)
		} else {
			*fd.dst, err = p.int(fd.i, fd.name)
		}
		if err != nil {
			return err
		}
	}
	avg, err := p.float(ssiFAvg, "average price")
	if err != nil {
		return err
	}
	q.Avg = int64(math.Round(avg))
	q.ChangePct, err = p.float(ssiFChangePct, "change percent")
	return err
}

// levels reads up to ten bid and ask levels, keeping those with a non-zero
// price. Both sides share one allocation.
func (p *ssiFields) levels(q *market.Quote) error {
	var buf [2 * market.MaxLevels]market.Level
	nb, na := 0, 0
	for side := range 2 {
		base := ssiFBid1
		if side == 1 {
			base = ssiFAsk1
		}
		for k := range market.MaxLevels {
			pi := base + 2*k
			price, err := p.int(pi, "book price")
			if err != nil {
				return err
			}
			vol, err := p.int(pi+1, "book volume")
			if err != nil {
				return err
			}
			if price == 0 {
				continue
			}
			buf[nb+na] = market.Level{Price: price, Volume: vol}
			if side == 0 {
				nb++
			} else {
				na++
			}
		}
	}
	if nb+na == 0 {
		return nil
	}
	lv := make([]market.Level, nb+na)
	copy(lv, buf[:nb+na])
	if nb > 0 {
		q.Bids = lv[:nb:nb]
	}
	if na > 0 {
		q.Asks = lv[nb:]
	}
	return nil
}

// ParseSSIIndex parses an `I#CODE|...` record (notifyIndexRealtimeByListV2).
// The code is mapped to this project's index codes (SSIIndexCanonical); the
// time field, ICT wall time encoded as UTC, is shifted back by 7 h. Volume
// and Turnover are those of order matching (fields 2, 3), as a stock quote's
// totals are; Ref is Value - Change.
func ParseSSIIndex(line []byte) (market.IndexQuote, error) {
	var p ssiFields
	if n := splitPipe(line, p.f[:ssiIndexFields]); n != ssiIndexFields {
		return market.IndexQuote{}, &market.SchemaError{Source: ssiSource, Field: "record",
			Msg: "I# record has " + strconv.Itoa(n) + " fields, want " + strconv.Itoa(ssiIndexFields)}
	}
	tok := p.f[0]
	if !bytes.HasPrefix(tok, []byte("I#")) || len(tok) == 2 {
		return market.IndexQuote{}, p.errorf(0, "index code", "%.24q is not I#CODE", tok)
	}
	code, err := market.ParseSymbol(SSIIndexCanonical(string(tok[2:])))
	if err != nil {
		return market.IndexQuote{}, p.errorf(0, "index code", "%v", err)
	}
	x := market.IndexQuote{Code: code, Source: ssiSource}
	if err := p.indexNumbers(&x); err != nil {
		return market.IndexQuote{}, err
	}
	ms, err := p.required(13, "time")
	if err != nil {
		return market.IndexQuote{}, err
	}
	if ms <= 0 {
		return market.IndexQuote{}, p.errorf(13, "time", "%d is not an epoch time", ms)
	}
	x.Time = time.UnixMilli(ms).Add(-ssiIndexClockShift).In(market.ICT)
	x.Ref = math.Round((x.Value-x.Change)*100) / 100
	return x, nil
}

// indexNumbers reads the value, totals, breadth and OHLC of an I# record.
func (p *ssiFields) indexNumbers(x *market.IndexQuote) error {
	if len(p.f[1]) == 0 {
		return p.errorf(1, "index value", "is empty")
	}
	floats := [...]struct {
		i    int
		name string
		dst  *float64
	}{
		{1, "index value", &x.Value}, {15, "open", &x.Open}, {16, "high", &x.High},
		{17, "low", &x.Low}, {18, "change", &x.Change}, {19, "change percent", &x.ChangePct},
	}
	for _, fd := range floats {
		v, err := p.float(fd.i, fd.name)
		if err != nil {
			return err
		}
		*fd.dst = v
	}
	var err error
	if x.Volume, err = p.int(2, "volume"); err != nil {
		return err
	}
	if x.Turnover, err = p.int(3, "value"); err != nil {
		return err
	}
	counts := [...]struct {
		i    int
		name string
		dst  *int
	}{
		{4, "advances", &x.Advances}, {5, "declines", &x.Declines}, {6, "unchanged", &x.Unchanged},
		{7, "ceiling count", &x.Ceilings}, {8, "floor count", &x.Floors},
	}
	for _, fd := range counts {
		v, err := p.int(fd.i, fd.name)
		if err != nil {
			return err
		}
		if v < 0 || v > math.MaxInt32 {
			return p.errorf(fd.i, fd.name, "%d is not a count", v)
		}
		*fd.dst = int(v)
	}
	return nil
}

// SSIIndexCanonical maps an iBoard index code to this project's code:
// HNXIndex → HNXINDEX, HNXUpcomIndex → UPCOMINDEX, others upper-cased
// (VNINDEX, VN30, HNX30, VNFINLEAD...).
func SSIIndexCanonical(code string) string {
	switch code {
	case "HNXIndex", "HNXINDEX":
		return "HNXINDEX"
	case "HNXUpcomIndex", "HNXUPCOMINDEX", "UPCOMINDEX":
		return "UPCOMINDEX"
	}
	for i := 0; i < len(code); i++ {
		if c := code[i]; c >= 'a' && c <= 'z' {
			return string(bytes.ToUpper([]byte(code)))
		}
	}
	return code
}

// SSIIndexCode maps this project's index code (or an iBoard code) to the code
// iBoard subscribes with: HNXINDEX → HNXIndex, UPCOMINDEX → HNXUpcomIndex.
func SSIIndexCode(code string) string {
	switch c := SSIIndexCanonical(code); c {
	case "HNXINDEX":
		return "HNXIndex"
	case "UPCOMINDEX":
		return "HNXUpcomIndex"
	default:
		return c
	}
}
