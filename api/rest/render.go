package rest

import (
	"bufio"
	"encoding/csv"
	"math"
	"net/http"
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
func render(w http.ResponseWriter, f format, a storage.Answer, v view) error {
	t, err := tableOf(a, v)
	if err != nil {
		return err
	}
	if f == formatCSV {
		return writeCSV(w, t)
	}
	bp := bufPool.Get().(*[]byte)
	b := append((*bp)[:0], `{"data":`...)
	b = t.appendJSON(b)
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
		b = appendString(b, string(v.symbol))
		b = append(b, ',')
	}
	if v.interval != "" {
		b = append(b, `"interval":`...)
		b = appendString(b, string(v.interval))
		b = append(b, ',')
	}
	b = append(b, `"source":`...)
	b = appendString(b, a.Source)
	if v.adjusted {
		b = append(b, `,"adjusted":true`...)
	}
	if !v.noPrice {
		b = append(b, `,"price_unit":`...)
		b = appendString(b, priceUnit(a, v))
	}
	b = append(b, `,"cached":`...)
	b = strconv.AppendBool(b, a.Cached)
	b = append(b, `,"stale":`...)
	b = strconv.AppendBool(b, a.Stale)
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
			return strconv.AppendInt(b, i, 10)
		}
	}
	return strconv.AppendFloat(b, v, 'f', -1, 64)
}

// maxExact is the largest magnitude below which int64 conversion is exact.
const maxExact = 1 << 53

// appendTime writes t in ICT as a JSON string, the zero time as null.
func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = t.In(market.ICT).AppendFormat(b, time.RFC3339)
	return append(b, '"')
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
	return t.In(market.ICT).Format(time.RFC3339)
}
