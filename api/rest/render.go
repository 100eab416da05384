package rest

import (
	"bufio"
	"encoding/csv"
	"math"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
)

// view says how to render an answer: which row type, and the meta fields
// that come from the request rather than the answer.
type view struct {
	kind      rowKind
	symbol    market.Symbol
	interval  market.Interval
	adjusted  bool    // meta.adjusted is written (OHLCV)
	divisor   float64 // prices are divided by it (1000 for ?price_unit=thousand)
	priceUnit string  // overrides the answer's unit ("point" for indices)
	pick      string  // keep only the frame row whose symbol column is this
	noPrice   bool    // the rows carry no prices: meta has no price_unit
	live      bool    // today's bar came from the live hub: meta.live
}

// rowKind is the shape of the data rows.
type rowKind int

const (
	rowsFrame rowKind = iota
	rowsBars
	rowsTrades
	rowsQuotes
)

// bufPool recycles response buffers; a year of daily bars is about 25 KB.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 32<<10); return &b }}

// render writes the answer as `{"data":[...],"meta":{...}}` or as CSV.
func (s *Server) render(w http.ResponseWriter, f format, a storage.Answer, v view) error {
	t, err := tableOf(a, v)
	if err != nil {
		return err
	}
	if f == formatCSV {
		return writeCSV(w, t)
	}
	bp := bufPool.Get().(*[]byte)
	b := append((*bp)[:0], `{"data":`...)
	// A live-merged series is a fresh slice per request: remembering it
	// would only evict series that do repeat.
	if bt, ok := t.(barTable); ok && !v.live {
		b = s.bars.rows(b, bt)
	} else {
		b = t.appendJSON(b)
	}
	b = append(b, `,"meta":`...)
	b = appendMeta(b, a, v, t.len())
	b = append(b, "}\n"...)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	_, err = w.Write(b)
	if cap(b) <= 1<<20 {
		*bp = b
		bufPool.Put(bp)
	}
	return err
}

// appendMeta writes meta in api.md's order.
func appendMeta(b []byte, a storage.Answer, v view, n int) []byte {
	b = append(b, '{')
	if v.symbol != "" {
		b = append(b, `"symbol":`...)
		b = market.AppendJSONString(b, string(v.symbol))
		b = append(b, ',')
	}
	if v.interval != "" {
		b = append(b, `"interval":`...)
		b = market.AppendJSONString(b, string(v.interval))
		b = append(b, ',')
	}
	b = append(b, `"source":`...)
	b = market.AppendJSONString(b, a.Source)
	if v.adjusted {
		b = append(b, `,"adjusted":true`...)
	}
	if !v.noPrice {
		b = append(b, `,"price_unit":`...)
		b = market.AppendJSONString(b, priceUnit(a, v))
	}
	b = append(b, `,"cached":`...)
	b = strconv.AppendBool(b, a.Cached)
	b = append(b, `,"stale":`...)
	b = strconv.AppendBool(b, a.Stale)
	if v.live {
		b = append(b, `,"live":true`...)
	}
	b = append(b, `,"fetched_at":`...)
	b = appendTime(b, a.FetchedAt)
	b = append(b, `,"count":`...)
	b = strconv.AppendInt(b, int64(n), 10)
	return append(b, '}')
}

func priceUnit(a storage.Answer, v view) string {
	switch {
	case v.divisor == 1000:
		return "thousand"
	case v.priceUnit != "":
		return v.priceUnit
	case a.PriceUnit != "":
		return a.PriceUnit
	}
	return "vnd"
}

// table is rendered rows.
type table interface {
	len() int
	appendJSON(b []byte) []byte
	columns() []string
	// record returns row i's CSV cells, reusing cells.
	record(i int, cells []string) []string
}

// tableOf picks the rows of the answer the view asks for.
func tableOf(a storage.Answer, v view) (table, error) {
	switch v.kind {
	case rowsBars:
		return barTable{bars: a.Bars, div: v.divisor}, nil
	case rowsTrades:
		return tradeTable{trades: a.Trades, div: v.divisor}, nil
	case rowsQuotes:
		return quoteTable(a.Quotes), nil
	}
	f := a.Frame
	if f == nil {
		f = &market.Frame{}
	}
	if v.pick != "" {
		return pickRow(f, v.pick)
	}
	return newFrameTable(f)
}

// writeCSV writes the header line and every row.
func writeCSV(w http.ResponseWriter, t table) error {
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	bw := bufio.NewWriterSize(w, 16<<10)
	cw := csv.NewWriter(bw)
	if err := cw.Write(t.columns()); err != nil {
		return err
	}
	var cells []string
	for i := range t.len() {
		cells = t.record(i, cells[:0])
		if err := cw.Write(cells); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// appendNumber writes a price: integers without a fraction, others in the
// shortest form that round-trips; NaN and infinities as null.
func appendNumber(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(b, "null"...)
	}
	if v >= -maxExact && v <= maxExact {
		if i := int64(v); float64(i) == v {
			return appendInt(b, i)
		}
	}
	return strconv.AppendFloat(b, v, 'f', -1, 64)
}

// appendInt writes v in decimal straight into b's spare capacity, two
// digits at a time, without strconv's intermediate buffer and copy: bars
// are five integers each.
func appendInt(b []byte, v int64) []byte {
	u := uint64(v)
	if v < 0 {
		b = append(b, '-')
		u = uint64(-v)
	}
	n := 1
	for x := u; x >= 10; x /= 10 {
		n++
	}
	b = slices.Grow(b, n)
	l := len(b)
	b = b[:l+n]
	i := l + n
	for u >= 100 {
		q := u / 100
		r := (u - q*100) * 2
		i -= 2
		b[i], b[i+1] = digitPairs[r], digitPairs[r+1]
		u = q
	}
	if u >= 10 {
		b[i-2], b[i-1] = digitPairs[u*2], digitPairs[u*2+1]
	} else {
		b[i-1] = byte('0' + u)
	}
	return b
}

// digitPairs holds "00" to "99".
const digitPairs = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

// maxExact is the largest magnitude below which int64 conversion is exact.
const maxExact = 1 << 53

// appendTime writes t in ICT as a JSON string, the zero time as null.
func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = appendICT(b, t)
	return append(b, '"')
}

// appendICT writes t as RFC 3339 in ICT (2024-01-02T09:15:00+07:00) by
// hand, the hot part of rendering bars; years outside 1..9999 go through
// time's formatter.
func appendICT(b []byte, t time.Time) []byte {
	sec := t.Unix() + ictOffset
	days := sec / 86400
	rem := sec - days*86400
	if rem < 0 {
		days, rem = days-1, rem+86400
	}
	if days < minDays || days > maxDays {
		return t.In(market.ICT).AppendFormat(b, time.RFC3339)
	}
	y, m, d := civil(days)
	b = append4(b, y)
	b = append(b, '-')
	b = append2(b, m)
	b = append(b, '-')
	b = append2(b, d)
	b = append(b, 'T')
	b = append2(b, int(rem/3600))
	b = append(b, ':')
	b = append2(b, int(rem/60%60))
	b = append(b, ':')
	b = append2(b, int(rem%60))
	return append(b, "+07:00"...)
}

// ictOffset is ICT's offset from UTC in seconds.
const ictOffset = 7 * 3600

// The days since 1970-01-01 of 0001-01-01 and 9999-12-31: the range of
// civil and of four-digit years.
const (
	minDays = -719162
	maxDays = 2932896
)

// civil converts days since 1970-01-01 to a proleptic Gregorian date with
// Neri and Schneider's Euclidean affine functions (2021): a few multiplies
// and shifts on uint32, no division by a variable. Valid for years 1..9999,
// which appendICT checks before and after.
func civil(days int64) (y, m, d int) {
	const (
		shift = 82 // 400-year cycles that keep every supported date positive
		k     = 719468 + 146097*shift
		l     = 400 * shift
	)
	n := uint32(days + k)
	n1 := 4*n + 3
	c := n1 / 146097
	nc := n1 % 146097 / 4
	n2 := 4*nc + 3
	p2 := uint64(2939745) * uint64(n2)
	z := uint32(p2 >> 32)
	ny := uint32(p2) / 2939745 / 4
	year := 100*c + z
	n3 := 2141*ny + 197913
	month := n3 >> 16
	day := (n3 & 0xffff) / 2141
	if ny >= 306 {
		year++
		month -= 12
	}
	return int(year) - l, int(month), int(day) + 1
}

func append2(b []byte, v int) []byte { return append(b, byte('0'+v/10), byte('0'+v%10)) }

func append4(b []byte, v int) []byte {
	return append(b, byte('0'+v/1000), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
}

// csvNumber formats a CSV number cell like appendNumber (empty for null).
func csvNumber(v float64) string {
	b := appendNumber(make([]byte, 0, 24), v)
	if string(b) == "null" {
		return ""
	}
	return string(b)
}

func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return string(appendICT(make([]byte, 0, 25), t))
}
