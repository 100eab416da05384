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
// fetched_at; then, for kindBars, the bar count and each bar; for kindJSON
// the encodeResult bytes.
const (
	answerVersion = 1
	flagStale     = 1
	kindBars      = 'B'
	kindJSON      = 'J'
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
	}
	b = append(b, answerVersion, flags, kind)
	b = appendStr(b, a.Source)
	b = appendStr(b, a.PriceUnit)
	b = appendTime(b, a.FetchedAt)
	if kind == kindJSON {
		body, err := encodeResult(market.Result{Trades: a.Trades, Quotes: a.Quotes, Frame: a.Frame, Bars: a.Bars})
		if err != nil {
			return nil, err
		}
		return append(b, body...), nil
	}
	b = binary.AppendUvarint(b, uint64(len(a.Bars)))
	for i := range a.Bars {
		r := &a.Bars[i]
		b = appendTime(b, r.Time)
		b = appendStr(b, string(r.Symbol))
		b = appendStr(b, string(r.Interval))
		b = appendStr(b, r.Source)
		for _, v := range [4]float64{r.Open, r.High, r.Low, r.Close} {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		}
		b = binary.AppendVarint(b, r.Volume)
		if r.Closed {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	}
	return b, nil
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
	if len(b) < 3 || b[0] != answerVersion || (b[2] != kindBars && b[2] != kindJSON) {
		return Answer{}, errCorrupt
	}
	a := Answer{Stale: b[1]&flagStale != 0}
	d := decoder{b: b[3:]}
	a.Source = d.str("")
	a.PriceUnit = d.str("")
	a.FetchedAt = d.time()
	if d.err != nil {
		return Answer{}, d.err
	}
	if b[2] == kindJSON {
		r, err := decodeResult(d.b)
		if err != nil {
			return Answer{}, err
		}
		a.Bars, a.Trades, a.Quotes, a.Frame = r.Bars, r.Trades, r.Quotes, r.Frame
		return a, nil
	}
	n := d.uvarint()
	const minBar = 1 + 3 + 32 + 1 + 1 // zero time, three empty strings, floats, volume, closed
	if d.err != nil || n > uint64(len(d.b)/minBar) {
		return Answer{}, errCorrupt
	}
	a.Bars = make([]market.Bar, n)
	var sym, iv, src string
	for i := range a.Bars {
		r := &a.Bars[i]
		r.Time = d.time()
		sym, iv, src = d.str(sym), d.str(iv), d.str(src)
		r.Symbol, r.Interval, r.Source = market.Symbol(sym), market.Interval(iv), src
		r.Open, r.High, r.Low, r.Close = d.float(), d.float(), d.float(), d.float()
		r.Volume = d.varint()
		r.Closed = d.byte() == 1
	}
	if d.err != nil || len(d.b) != 0 {
		return Answer{}, errCorrupt
	}
	return a, nil
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

func (d *decoder) float() float64 {
	if len(d.b) < 8 {
		d.fail()
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
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
