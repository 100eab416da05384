package market

import (
	"strconv"
	"time"
)

// MaxLevels is the deepest order book a quote carries (futures and HNX fill
// ten levels; HOSE fills three).
const MaxLevels = 10

// Level is one price level of the order book.
type Level struct {
	Price  int64 `json:"price"`  // VND
	Volume int64 `json:"volume"` // shares (contracts for futures)
}

// Quote is one row of the price board. Its JSON form uses vnstock's column
// names (Market().quote(): ceiling_price, bid_price_1, bid_vol_1, ...) so that
// a DataFrame built from it has vnstock's columns; prices are VND, volumes
// shares, times +07:00. The JSON is written by AppendJSON.
type Quote struct {
	Symbol   Symbol
	Exchange Exchange
	Time     time.Time // time of the last change upstream
	Session  Phase

	Ref, Ceiling, Floor int64 // reference price and the day's limits
	Open, High, Low     int64
	Last                int64 // last matched price (vnstock's close_price)
	LastVolume          int64 // volume of the last match
	Avg                 int64 // volume-weighted average price
	TotalVolume         int64 // cumulative matched volume of the day
	TotalValue          int64 // cumulative matched value of the day, VND
	Change              int64 // Last - Ref
	ChangePct           float64

	Bids, Asks []Level // best first; at most MaxLevels

	ForeignBuy, ForeignSell int64 // cumulative foreign volumes of the day
	ForeignRoom             int64 // shares foreigners may still buy

	Source string // upstream that produced this row ("" in the simulator)
}

// AppendJSON appends the quote's JSON object to b.
func (q *Quote) AppendJSON(b []byte) []byte {
	b = append(b, '{')
	b = appendStringField(b, "symbol", string(q.Symbol))
	b = appendStringField(b, "exchange", string(q.Exchange))
	b = appendTimeField(b, "time", q.Time)
	if q.Session != "" {
		b = appendStringField(b, "session", string(q.Session))
	}
	b = appendIntField(b, "ceiling_price", q.Ceiling)
	b = appendIntField(b, "floor_price", q.Floor)
	b = appendIntField(b, "reference_price", q.Ref)
	b = appendIntField(b, "open_price", q.Open)
	b = appendIntField(b, "high_price", q.High)
	b = appendIntField(b, "low_price", q.Low)
	b = appendIntField(b, "close_price", q.Last)
	b = appendIntField(b, "close_volume", q.LastVolume)
	b = appendIntField(b, "average_price", q.Avg)
	b = appendIntField(b, "volume_accumulated", q.TotalVolume)
	b = appendIntField(b, "total_value", q.TotalValue)
	b = appendIntField(b, "price_change", q.Change)
	b = appendFloatField(b, "percent_change", q.ChangePct)
	b = appendLevels(b, "bid", q.Bids)
	b = appendLevels(b, "ask", q.Asks)
	b = appendIntField(b, "foreign_buy_volume", q.ForeignBuy)
	b = appendIntField(b, "foreign_sell_volume", q.ForeignSell)
	b = appendIntField(b, "foreign_room", q.ForeignRoom)
	if q.Source != "" {
		b = appendStringField(b, "source", q.Source)
	}
	return append(b, '}')
}

// appendLevels writes side_price_N and side_vol_N for every level, at least
// three levels (zeros where the book is thinner) as boards show them.
func appendLevels(b []byte, side string, levels []Level) []byte {
	n := max(len(levels), 3)
	n = min(n, MaxLevels)
	var name [16]byte
	for i := range n {
		var lv Level
		if i < len(levels) {
			lv = levels[i]
		}
		k := strconv.AppendInt(append(append(name[:0], side...), "_price_"...), int64(i+1), 10)
		b = appendIntField(b, string(k), lv.Price)
		k = strconv.AppendInt(append(append(name[:0], side...), "_vol_"...), int64(i+1), 10)
		b = appendIntField(b, string(k), lv.Volume)
	}
	return b
}

// MarshalJSON implements json.Marshaler with AppendJSON.
func (q Quote) MarshalJSON() ([]byte, error) { return q.AppendJSON(nil), nil }
