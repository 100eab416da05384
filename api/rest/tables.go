package rest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// barTable renders OHLCV bars with vnstock's ohlcv columns.
type barTable struct {
	bars []market.Bar
	div  float64
}

func (t barTable) len() int { return len(t.bars) }
func (t barTable) columns() []string {
	return []string{"time", "open", "high", "low", "close", "volume"}
}

func (t barTable) appendJSON(b []byte) []byte {
	b = slices.Grow(b, 112*len(t.bars)+2) // a daily bar's object is about 105 bytes
	b = append(b, '[')
	div := max(t.div, 1)
	for i := range t.bars {
		r := &t.bars[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"time":`...)
		b = appendTime(b, r.Time)
		b = append(b, `,"open":`...)
		b = appendNumber(b, r.Open/div)
		b = append(b, `,"high":`...)
		b = appendNumber(b, r.High/div)
		b = append(b, `,"low":`...)
		b = appendNumber(b, r.Low/div)
		b = append(b, `,"close":`...)
		b = appendNumber(b, r.Close/div)
		b = append(b, `,"volume":`...)
		b = appendInt(b, r.Volume)
		b = append(b, '}')
	}
	return append(b, ']')
}

func (t barTable) record(i int, cells []string) []string {
	r, div := &t.bars[i], max(t.div, 1)
	return append(cells, csvTime(r.Time), csvNumber(r.Open/div), csvNumber(r.High/div),
		csvNumber(r.Low/div), csvNumber(r.Close/div), strconv.FormatInt(r.Volume, 10))
}

// tradeTable renders intraday trades with vnstock's intraday columns
// (time, price, volume, match_type, id) plus the cumulative volume.
type tradeTable struct {
	trades []market.Trade
	div    float64
}

func (t tradeTable) len() int { return len(t.trades) }
func (t tradeTable) columns() []string {
	return []string{"time", "price", "volume", "match_type", "id", "volume_accumulated"}
}

func side(s market.Side) string {
	if s == "" {
		return string(market.SideUnknown)
	}
	return string(s)
}

func (t tradeTable) appendJSON(b []byte) []byte {
	b = append(b, '[')
	div := max(t.div, 1)
	for i := range t.trades {
		r := &t.trades[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"time":`...)
		b = appendTime(b, r.Time)
		b = append(b, `,"price":`...)
		b = appendNumber(b, float64(r.Price)/div)
		b = append(b, `,"volume":`...)
		b = strconv.AppendInt(b, r.Volume, 10)
		b = append(b, `,"match_type":`...)
		b = market.AppendJSONString(b, side(r.Side))
		b = append(b, `,"id":`...)
		b = market.AppendJSONString(b, r.ID)
		b = append(b, `,"volume_accumulated":`...)
		b = strconv.AppendInt(b, r.TotalVolume, 10)
		b = append(b, '}')
	}
	return append(b, ']')
}

func (t tradeTable) record(i int, cells []string) []string {
	r := &t.trades[i]
	return append(cells, csvTime(r.Time), csvNumber(float64(r.Price)/max(t.div, 1)), strconv.FormatInt(r.Volume, 10),
		side(r.Side), r.ID, strconv.FormatInt(r.TotalVolume, 10))
}

// quoteTable renders price-board rows with vnstock's board columns
// (market.Quote's JSON).
type quoteTable []market.Quote

func (t quoteTable) len() int { return len(t) }

func (t quoteTable) appendJSON(b []byte) []byte {
	b = append(b, '[')
	for i := range t {
		if i > 0 {
			b = append(b, ',')
		}
		b = t[i].AppendJSON(b)
	}
	return append(b, ']')
}

// levels is the book depth of the CSV: the deepest quote's, at least three.
func (t quoteTable) levels() int {
	n := 3
	for i := range t {
		n = max(n, len(t[i].Bids), len(t[i].Asks))
	}
	return min(n, market.MaxLevels)
}

func (t quoteTable) columns() []string {
	cols := []string{"symbol", "exchange", "time", "session", "ceiling_price", "floor_price", "reference_price",
		"open_price", "high_price", "low_price", "close_price", "close_volume", "average_price",
		"volume_accumulated", "total_value", "price_change", "percent_change"}
	for _, s := range []string{"bid", "ask"} {
		for i := 1; i <= t.levels(); i++ {
			n := strconv.Itoa(i)
			cols = append(cols, s+"_price_"+n, s+"_vol_"+n)
		}
	}
	return append(cols, "foreign_buy_volume", "foreign_sell_volume", "foreign_room", "source")
}

func (t quoteTable) record(i int, cells []string) []string {
	q := &t[i]
	itoa := func(v int64) string { return strconv.FormatInt(v, 10) }
	cells = append(cells, string(q.Symbol), string(q.Exchange), csvTime(q.Time), string(q.Session),
		itoa(q.Ceiling), itoa(q.Floor), itoa(q.Ref), itoa(q.Open), itoa(q.High), itoa(q.Low), itoa(q.Last),
		itoa(q.LastVolume), itoa(q.Avg), itoa(q.TotalVolume), itoa(q.TotalValue), itoa(q.Change), csvNumber(q.ChangePct))
	n := t.levels()
	for _, book := range [][]market.Level{q.Bids, q.Asks} {
		for l := range n {
			var lv market.Level
			if l < len(book) {
				lv = book[l]
			}
			cells = append(cells, itoa(lv.Price), itoa(lv.Volume))
		}
	}
	return append(cells, itoa(q.ForeignBuy), itoa(q.ForeignSell), itoa(q.ForeignRoom), q.Source)
}

// frameTable renders a Frame: its columns, records in column order.
type frameTable struct {
	f    *market.Frame
	body []byte // the JSON records, encoded by newFrameTable
}

func newFrameTable(f *market.Frame) (frameTable, error) {
	body, err := f.MarshalJSON()
	if err != nil {
		return frameTable{}, fmt.Errorf("render frame: %w", err)
	}
	return frameTable{f: f, body: body}, nil
}

func (t frameTable) len() int                   { return t.f.Len() }
func (t frameTable) columns() []string          { return t.f.Columns }
func (t frameTable) appendJSON(b []byte) []byte { return append(b, t.body...) }

func (t frameTable) record(i int, cells []string) []string {
	for _, v := range t.f.Rows[i] {
		cells = append(cells, csvCell(v))
	}
	return cells
}

// csvCell formats one frame cell.
func csvCell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return csvNumber(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return csvTime(x)
	case json.RawMessage:
		return string(x)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// pickRow returns the frame's row whose symbol column is sym, or an error
// wrapping market.ErrNotFound.
func pickRow(f *market.Frame, sym string) (table, error) {
	c := f.Col("symbol")
	for _, row := range f.Rows {
		if c >= 0 {
			if s, ok := row[c].(string); ok && strings.EqualFold(s, sym) {
				return newFrameTable(&market.Frame{Columns: f.Columns, Rows: [][]any{row}})
			}
		}
	}
	return nil, fmt.Errorf("symbol %s: %w", sym, market.ErrNotFound)
}
