package storage

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// Two encodings of a Result:
//   - encodeResult/decodeResult: JSON, the Body of a stored Doc, readable
//     in a SQL console.
//   - encodeAnswer/decodeAnswer: the cache entry, an Answer in a compact
//     binary form whose bars decode without parsing text, because a cached
//     year of daily bars is the hottest read of the server.

// resultJSON is the JSON form of a market.Result.
type resultJSON struct {
	Source    string         `json:"source,omitempty"`
	PriceUnit string         `json:"price_unit,omitempty"`
	FetchedAt *time.Time     `json:"fetched_at,omitempty"`
	Bars      []market.Bar   `json:"bars,omitempty"`
	Trades    []market.Trade `json:"trades,omitempty"`
	Quotes    []market.Quote `json:"quotes,omitempty"`
	Frame     *frameJSON     `json:"frame,omitempty"`
}

// frameJSON keeps a frame's columns beside its records, so that an empty
// frame and the column order survive.
type frameJSON struct {
	Columns []string     `json:"columns"`
	Rows    market.Frame `json:"rows"`
}

// encodeResult returns r as JSON.
func encodeResult(r market.Result) ([]byte, error) {
	v := resultJSON{Source: r.Source, PriceUnit: r.PriceUnit, Bars: r.Bars, Trades: r.Trades, Quotes: r.Quotes}
	if !r.FetchedAt.IsZero() {
		t := r.FetchedAt.In(market.ICT)
		v.FetchedAt = &t
	}
	if r.Frame != nil {
		v.Frame = &frameJSON{Columns: r.Frame.Columns, Rows: *r.Frame}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode result: %w", err)
	}
	return b, nil
}

// decodeResult reads what encodeResult wrote.
func decodeResult(b []byte) (market.Result, error) {
	var v resultJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return market.Result{}, fmt.Errorf("decode result: %w", err)
	}
	r := market.Result{Source: v.Source, PriceUnit: v.PriceUnit, Bars: v.Bars, Trades: v.Trades, Quotes: v.Quotes}
	if v.FetchedAt != nil {
		r.FetchedAt = v.FetchedAt.In(market.ICT)
	}
	if v.Frame != nil {
		r.Frame = reorder(&v.Frame.Rows, v.Frame.Columns)
	}
	return r, nil
}

// reorder returns f with exactly the given columns in that order (a decoded
// frame takes its columns from the first record's keys, and an empty one
// has none).
func reorder(f *market.Frame, columns []string) *market.Frame {
	out := &market.Frame{Columns: columns}
	if len(f.Rows) > 0 {
		out.Rows = make([][]any, len(f.Rows))
	}
	idx := make([]int, len(columns))
	for i, c := range columns {
		idx[i] = f.Col(c)
	}
	for r, row := range f.Rows {
		cells := make([]any, len(columns))
		for i, j := range idx {
			if j >= 0 && j < len(row) {
				cells[i] = row[j]
			}
		}
		out.Rows[r] = cells
	}
	return out
}

// Cache entry layout: version, flags, kind, then source, price unit and
// fetched_at; then, for kindSeries, the bar count, the symbol, interval and
// source every bar shares and a fixed-width record per bar; for kindBars
// (bars that differ in those strings) the count, then each bar's strings
// and record; for kindJSON the encodeResult bytes.
const (
	answerVersion = 2
	flagStale     = 1
	kindSeries    = 'S'
	kindBars      = 'B'
	kindJSON      = 'J'
	// barRecord is a bar's fixed part: time (Unix ns), open, high, low,
	// close, volume, closed.
	barRecord = 8 + 4*8 + 8 + 1
)

var errCorrupt = errors.New("cached answer is corrupt")

// encodeAnswer appends a's cache entry to b.
func encodeAnswer(b []byte, a Answer) ([]byte, error) {
	var flags byte
	if a.Stale {
		flags |= flagStale
	}
	kind := byte(kindJSON)
	if a.Bars != nil && a.Trades == nil && a.Quotes == nil && a.Frame == nil {
		kind = kindBars
		if uniform(a.Bars) {
			kind = kindSeries
		}
	}
	b = append(b, answerVersion, flags, kind)
	b = appendStr(b, a.Source)
	b = appendStr(b, a.PriceUnit)
	b = appendTime(b, a.FetchedAt)
	switch kind {
	case kindJSON:
		body, err := encodeResult(market.Result{Trades: a.Trades, Quotes: a.Quotes, Frame: a.Frame, Bars: a.Bars})
		if err != nil {
			return nil, err
		}
		return append(b, body...), nil
	case kindSeries:
		b = binary.AppendUvarint(b, uint64(len(a.Bars)))
		if len(a.Bars) > 0 {
			b = appendStrings(b, &a.Bars[0])
		}
		for i := range a.Bars {
			b = appendRecord(b, &a.Bars[i])
		}
		return b, nil
	}
	b = binary.AppendUvarint(b, uint64(len(a.Bars)))
	for i := range a.Bars {
		b = appendRecord(appendStrings(b, &a.Bars[i]), &a.Bars[i])
	}
	return b, nil
}

// uniform reports whether every bar has the first one's symbol, interval
// and source.
func uniform(bars []market.Bar) bool {
	for i := range bars {
		if bars[i].Symbol != bars[0].Symbol || bars[i].Interval != bars[0].Interval || bars[i].Source != bars[0].Source {
			return false
		}
	}
	return true
}

func appendStrings(b []byte, r *market.Bar) []byte {
	return appendStr(appendStr(appendStr(b, string(r.Symbol)), string(r.Interval)), r.Source)
}

func appendRecord(b []byte, r *market.Bar) []byte {
	var t int64
	if !r.Time.IsZero() {
		t = r.Time.UnixNano()
	}
	b = binary.LittleEndian.AppendUint64(b, uint64(t))
	for _, v := range [4]float64{r.Open, r.High, r.Low, r.Close} {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	b = binary.LittleEndian.AppendUint64(b, uint64(r.Volume))
	if r.Closed {
		return append(b, 1)
	}
	return append(b, 0)
}

func appendStr(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, 0)
	}
	return binary.AppendVarint(append(b, 1), t.UnixNano())
}

// decodeAnswer reads what encodeAnswer wrote; it never panics on other
// bytes and reports them as errCorrupt.
func decodeAnswer(b []byte) (Answer, error) {
	if len(b) < 3 || b[0] != answerVersion || (b[2] != kindSeries && b[2] != kindBars && b[2] != kindJSON) {
		return Answer{}, errCorrupt
	}
	kind := b[2]
	a := Answer{Stale: b[1]&flagStale != 0}
	d := decoder{b: b[3:]}
	a.Source = d.str("")
	a.PriceUnit = d.str("")
	a.FetchedAt = d.time()
	if d.err != nil {
		return Answer{}, d.err
	}
	if kind == kindJSON {
		r, err := decodeResult(d.b)
		if err != nil {
			return Answer{}, err
		}
		a.Bars, a.Trades, a.Quotes, a.Frame = r.Bars, r.Trades, r.Quotes, r.Frame
		return a, nil
	}
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)/barRecord) {
		return Answer{}, errCorrupt
	}
	a.Bars = make([]market.Bar, n)
	var sym, iv, src string
	if kind == kindSeries && n > 0 {
		sym, iv, src = d.str(""), d.str(""), d.str("")
		if d.err != nil || uint64(len(d.b)) != n*barRecord {
			return Answer{}, errCorrupt
		}
	}
	for i := range a.Bars {
		if kind == kindBars {
			sym, iv, src = d.str(sym), d.str(iv), d.str(src)
		}
		r := &a.Bars[i]
		r.Symbol, r.Interval, r.Source = market.Symbol(sym), market.Interval(iv), src
		if !d.record(r) {
			return Answer{}, errCorrupt
		}
	}
	if d.err != nil || len(d.b) != 0 {
		return Answer{}, errCorrupt
	}
	return a, nil
}

// record reads a bar's fixed-width part.
func (d *decoder) record(r *market.Bar) bool {
	if len(d.b) < barRecord {
		d.fail()
		return false
	}
	p := d.b[:barRecord]
	if t := int64(binary.LittleEndian.Uint64(p)); t != 0 {
		r.Time = time.Unix(0, t).In(market.ICT)
	}
	r.Open = math.Float64frombits(binary.LittleEndian.Uint64(p[8:]))
	r.High = math.Float64frombits(binary.LittleEndian.Uint64(p[16:]))
	r.Low = math.Float64frombits(binary.LittleEndian.Uint64(p[24:]))
	r.Close = math.Float64frombits(binary.LittleEndian.Uint64(p[32:]))
	r.Volume = int64(binary.LittleEndian.Uint64(p[40:]))
	r.Closed = p[48] == 1
	d.b = d.b[barRecord:]
	return true
}

// decoder reads the binary cache entry; the first error sticks.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail() { d.err, d.b = errCorrupt, nil }

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) byte() byte {
	if len(d.b) < 1 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

// str reads a string; when it equals prev it returns prev without
// allocating (the bars of a series repeat their symbol and source).
func (d *decoder) str(prev string) string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	s := d.b[:n]
	d.b = d.b[n:]
	if string(s) == prev {
		return prev
	}
	return string(s)
}

func (d *decoder) time() time.Time {
	switch d.byte() {
	case 0:
		return time.Time{}
	case 1:
		return time.Unix(0, d.varint()).In(market.ICT)
	}
	d.fail()
	return time.Time{}
}
