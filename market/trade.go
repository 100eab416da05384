package market

import "time"

// Side is the aggressor side of a matched trade.
type Side string

// Sides. Sources that do not say (SSI iBoard snapshots) give SideUnknown.
const (
	SideBuy     Side = "buy"
	SideSell    Side = "sell"
	SideUnknown Side = "unknown"
)

// Trade is one matched trade of the intraday tape.
type Trade struct {
	Symbol      Symbol
	Time        time.Time
	Price       int64 // VND
	Volume      int64 // shares
	Side        Side
	TotalVolume int64  // cumulative matched volume after this trade
	ID          string // upstream trade id when the source has one
	Source      string
}

// AppendJSON appends the trade's JSON object (vnstock intraday columns plus
// side and cumulative volume) to b.
func (t *Trade) AppendJSON(b []byte) []byte {
	b = append(b, '{')
	b = appendStringField(b, "symbol", string(t.Symbol))
	b = appendTimeField(b, "time", t.Time)
	b = appendIntField(b, "price", t.Price)
	b = appendIntField(b, "volume", t.Volume)
	side := t.Side
	if side == "" {
		side = SideUnknown
	}
	b = appendStringField(b, "side", string(side))
	b = appendIntField(b, "volume_accumulated", t.TotalVolume)
	if t.ID != "" {
		b = appendStringField(b, "id", t.ID)
	}
	if t.Source != "" {
		b = appendStringField(b, "source", t.Source)
	}
	return append(b, '}')
}

// MarshalJSON implements json.Marshaler with AppendJSON.
func (t Trade) MarshalJSON() ([]byte, error) { return t.AppendJSON(nil), nil }
