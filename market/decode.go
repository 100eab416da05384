package market

import (
	"encoding/json"
	"strconv"
	"time"
)

// The decoders below read back exactly the JSON that the AppendJSON methods
// write, for clients, replay files and tests; they are not on the hot path, so
// they go through encoding/json. Rules shared by all of them:
//   - A JSON null for the whole value leaves the receiver unchanged, as
//     encoding/json expects of an Unmarshaler.
//   - Unknown keys are ignored and missing keys leave the zero value; a key
//     whose value has the wrong type is an ErrInvalid FieldError naming it.
//   - Strings are taken verbatim: a decoded Symbol is not re-validated (use
//     ParseSymbol on input from outside).
//   - Times are RFC 3339 (fractions accepted) or null for the zero time, and
//     come back in ICT. The writers drop sub-second digits, so times
//     round-trip to the second. Years outside 1..9999 in ICT are refused,
//     because RFC 3339 could not write them back.
//   - A null float (the writers' form of NaN and infinities) decodes as 0.

// UnmarshalJSON reads the object Quote.AppendJSON writes. The writer pads the
// book to three levels with zeros; the decoder reads bid/ask levels 1 to
// MaxLevels and drops trailing levels whose price and volume are both zero,
// so a quote with two levels (or none) round-trips exactly, while explicit
// all-zero levels at the end of a book do not survive. All-zero levels in the
// middle of a book are kept.
func (q *Quote) UnmarshalJSON(data []byte) error {
	f, err := decodeObject("quote", data)
	if f == nil || err != nil {
		return err
	}
	var v Quote
	f.str("symbol", (*string)(&v.Symbol))
	f.str("exchange", (*string)(&v.Exchange))
	f.time("time", &v.Time)
	f.str("session", (*string)(&v.Session))
	f.int("ceiling_price", &v.Ceiling)
	f.int("floor_price", &v.Floor)
	f.int("reference_price", &v.Ref)
	f.int("open_price", &v.Open)
	f.int("high_price", &v.High)
	f.int("low_price", &v.Low)
	f.int("close_price", &v.Last)
	f.int("close_volume", &v.LastVolume)
	f.int("average_price", &v.Avg)
	f.int("volume_accumulated", &v.TotalVolume)
	f.int("total_value", &v.TotalValue)
	f.int("price_change", &v.Change)
	f.float("percent_change", &v.ChangePct)
	v.Bids = f.levels("bid")
	v.Asks = f.levels("ask")
	f.int("foreign_buy_volume", &v.ForeignBuy)
	f.int("foreign_sell_volume", &v.ForeignSell)
	f.int("foreign_room", &v.ForeignRoom)
	f.str("source", &v.Source)
	if f.err != nil {
		return f.err
	}
	*q = v
	return nil
}

// UnmarshalJSON reads the object Trade.AppendJSON writes. The writer turns an
// empty Side into "unknown", so that is what comes back.
func (t *Trade) UnmarshalJSON(data []byte) error {
	f, err := decodeObject("trade", data)
	if f == nil || err != nil {
		return err
	}
	var v Trade
	f.str("symbol", (*string)(&v.Symbol))
	f.time("time", &v.Time)
	f.int("price", &v.Price)
	f.int("volume", &v.Volume)
	f.str("side", (*string)(&v.Side))
	f.int("volume_accumulated", &v.TotalVolume)
	f.str("id", &v.ID)
	f.str("source", &v.Source)
	if f.err != nil {
		return f.err
	}
	*t = v
	return nil
}

// UnmarshalJSON reads the object IndexQuote.AppendJSON writes.
func (x *IndexQuote) UnmarshalJSON(data []byte) error {
	f, err := decodeObject("index", data)
	if f == nil || err != nil {
		return err
	}
	var v IndexQuote
	f.str("code", (*string)(&v.Code))
	f.time("time", &v.Time)
	f.str("session", (*string)(&v.Session))
	f.float("value", &v.Value)
	f.float("reference_value", &v.Ref)
	f.float("open", &v.Open)
	f.float("high", &v.High)
	f.float("low", &v.Low)
	f.float("change", &v.Change)
	f.float("percent_change", &v.ChangePct)
	f.int("volume", &v.Volume)
	f.int("total_value", &v.Turnover)
	f.count("advances", &v.Advances)
	f.count("declines", &v.Declines)
	f.count("unchanged", &v.Unchanged)
	f.count("ceiling_count", &v.Ceilings)
	f.count("floor_count", &v.Floors)
	f.str("source", &v.Source)
	if f.err != nil {
		return f.err
	}
	*x = v
	return nil
}

// UnmarshalJSON reads the object Bar.AppendJSON writes.
func (r *Bar) UnmarshalJSON(data []byte) error {
	f, err := decodeObject("bar", data)
	if f == nil || err != nil {
		return err
	}
	var v Bar
	f.time("time", &v.Time)
	f.str("symbol", (*string)(&v.Symbol))
	f.str("interval", (*string)(&v.Interval))
	f.float("open", &v.Open)
	f.float("high", &v.High)
	f.float("low", &v.Low)
	f.float("close", &v.Close)
	f.int("volume", &v.Volume)
	f.bool("closed", &v.Closed)
	f.str("source", &v.Source)
	if f.err != nil {
		return f.err
	}
	*r = v
	return nil
}

// UnmarshalJSON reads the object SessionState.AppendJSON writes.
func (s *SessionState) UnmarshalJSON(data []byte) error {
	f, err := decodeObject("session", data)
	if f == nil || err != nil {
		return err
	}
	var v SessionState
	f.str("exchange", (*string)(&v.Exchange))
	f.str("phase", (*string)(&v.Phase))
	f.time("time", &v.Time)
	f.str("next_phase", (*string)(&v.Next))
	f.time("next_at", &v.NextAt)
	if f.err != nil {
		return f.err
	}
	*s = v
	return nil
}

// fields is a decoded JSON object whose values are read one key at a time;
// the first error sticks and later reads do nothing.
type fields struct {
	m   map[string]json.RawMessage
	err error
}

// decodeObject splits data into its keys. It returns (nil, nil) for null.
func decodeObject(what string, data []byte) (*fields, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, Invalid(what, "not a JSON object: %v", err)
	}
	if m == nil {
		return nil, nil
	}
	return &fields{m: m}, nil
}

// get unmarshals key into dst when present and no error happened yet.
func (f *fields) get(key, want string, dst any) {
	raw, ok := f.m[key]
	if !ok || f.err != nil {
		return
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		f.err = Invalid(key, "want %s, got %.40s", want, raw)
	}
}

func (f *fields) str(key string, dst *string)    { f.get(key, "a string", dst) }
func (f *fields) int(key string, dst *int64)     { f.get(key, "an integer", dst) }
func (f *fields) count(key string, dst *int)     { f.get(key, "an integer", dst) }
func (f *fields) float(key string, dst *float64) { f.get(key, "a number", dst) }
func (f *fields) bool(key string, dst *bool)     { f.get(key, "a boolean", dst) }

// time reads an RFC 3339 string (or null) into dst, in ICT.
func (f *fields) time(key string, dst *time.Time) {
	var s *string
	if f.get(key, "an RFC 3339 string", &s); s == nil || f.err != nil {
		return
	}
	t, err := time.Parse(time.RFC3339, *s)
	if err != nil {
		f.err = Invalid(key, "want an RFC 3339 time, got %.40q", *s)
		return
	}
	t = t.In(ICT)
	if y := t.Year(); y < 1 || y > 9999 {
		f.err = Invalid(key, "year %d is out of range", y)
		return
	}
	*dst = t
}

// levels reads side_price_N and side_vol_N for N = 1..MaxLevels and drops
// trailing all-zero levels; it returns nil for an empty book.
func (f *fields) levels(side string) []Level {
	var book [MaxLevels]Level
	n := 0
	for i := range book {
		num := strconv.Itoa(i + 1)
		f.int(side+"_price_"+num, &book[i].Price)
		f.int(side+"_vol_"+num, &book[i].Volume)
		if book[i] != (Level{}) {
			n = i + 1
		}
	}
	if n == 0 || f.err != nil {
		return nil
	}
	out := make([]Level, n)
	copy(out, book[:n])
	return out
}
