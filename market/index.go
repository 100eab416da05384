package market

import "time"

// IndexQuote is the live level of a market index with its breadth.
type IndexQuote struct {
	Code      Symbol // VNINDEX, VN30, HNXINDEX, UPCOMINDEX, ...
	Time      time.Time
	Session   Phase
	Value     float64 // points
	Ref       float64 // previous close, points
	Open      float64
	High      float64
	Low       float64
	Change    float64 // points
	ChangePct float64 // percent
	Volume    int64   // shares matched by the members
	Turnover  int64   // traded value, VND
	Advances  int
	Declines  int
	Unchanged int
	Ceilings  int
	Floors    int
	Source    string
}

// AppendJSON appends the index row's JSON object to b.
func (x *IndexQuote) AppendJSON(b []byte) []byte {
	b = append(b, '{')
	b = appendStringField(b, "code", string(x.Code))
	b = appendTimeField(b, "time", x.Time)
	if x.Session != "" {
		b = appendStringField(b, "session", string(x.Session))
	}
	b = appendFloatField(b, "value", x.Value)
	b = appendFloatField(b, "reference_value", x.Ref)
	b = appendFloatField(b, "open", x.Open)
	b = appendFloatField(b, "high", x.High)
	b = appendFloatField(b, "low", x.Low)
	b = appendFloatField(b, "change", x.Change)
	b = appendFloatField(b, "percent_change", x.ChangePct)
	b = appendIntField(b, "volume", x.Volume)
	b = appendIntField(b, "total_value", x.Turnover)
	b = appendIntField(b, "advances", int64(x.Advances))
	b = appendIntField(b, "declines", int64(x.Declines))
	b = appendIntField(b, "unchanged", int64(x.Unchanged))
	b = appendIntField(b, "ceiling_count", int64(x.Ceilings))
	b = appendIntField(b, "floor_count", int64(x.Floors))
	if x.Source != "" {
		b = appendStringField(b, "source", x.Source)
	}
	return append(b, '}')
}

// MarshalJSON implements json.Marshaler with AppendJSON.
func (x IndexQuote) MarshalJSON() ([]byte, error) { return x.AppendJSON(nil), nil }
