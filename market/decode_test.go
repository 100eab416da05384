package market

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// jsonCodec is what every live payload type implements.
type jsonCodec[T any] interface {
	*T
	AppendJSON([]byte) []byte
	json.Unmarshaler
}

// roundTrip encodes in with AppendJSON and decodes the bytes into a fresh T.
func roundTrip[T any, P jsonCodec[T]](t *testing.T, in T) T {
	t.Helper()
	b := P(&in).AppendJSON(nil)
	if !json.Valid(b) {
		t.Fatalf("AppendJSON wrote invalid JSON: %s", b)
	}
	var out T
	if err := P(&out).UnmarshalJSON(b); err != nil {
		t.Fatalf("UnmarshalJSON(%s): %v", b, err)
	}
	return out
}

// oddStrings must survive AppendJSON and UnmarshalJSON unchanged.
var oddStrings = []string{
	"",
	`say "hi"`,
	`back\slash\`,
	"tab\tnew\nline\rcr",
	"\x00\x01\x1f control",
	"Sài Gòn ✓ 😀",
	"</script>&amp;<",
	"\u2028\u2029 separators",
	"\x7f del",
}

func sampleQuote() Quote {
	return Quote{
		Symbol: "VCB", Exchange: HOSE, Time: ict(2026, 3, 10, 10, 15, 30), Session: PhaseContinuous,
		Ref: 59200, Ceiling: 63300, Floor: 55100, Open: 59500, High: 60100, Low: 59000,
		Last: 59800, LastVolume: 1200, Avg: 59640, TotalVolume: 1_234_500, TotalValue: 73_625_580_000,
		Change: 600, ChangePct: 1.01,
		Bids:       []Level{{59700, 5000}, {59600, 12000}, {59500, 30100}},
		Asks:       []Level{{59800, 800}, {59900, 4100}, {60000, 25000}},
		ForeignBuy: 120_000, ForeignSell: 95_500, ForeignRoom: 1_000_000, Source: "ssi",
	}
}

func TestQuoteRoundTrip(t *testing.T) {
	t.Parallel()
	tenLevels := make([]Level, MaxLevels)
	for i := range tenLevels {
		tenLevels[i] = Level{Price: 1000 + int64(i)*10, Volume: int64(i+1) * 100}
	}
	tests := []struct {
		name string
		edit func(*Quote)
	}{
		{"three levels", func(*Quote) {}},
		{"two levels stay two", func(q *Quote) { q.Bids, q.Asks = q.Bids[:2], q.Asks[:1] }},
		{"empty book is nil", func(q *Quote) { q.Bids, q.Asks = nil, nil }},
		{"ten levels", func(q *Quote) { q.Bids, q.Asks = tenLevels, tenLevels[:7] }},
		{"inner empty level kept", func(q *Quote) { q.Bids = []Level{{0, 0}, {59600, 100}} }},
		{"price without volume kept", func(q *Quote) { q.Asks = []Level{{59800, 0}} }},
		{"no session no source", func(q *Quote) { q.Session, q.Source = "", "" }},
		{"zero time", func(q *Quote) { q.Time = time.Time{} }},
		{"UTC time", func(q *Quote) { q.Time = time.Date(2026, 3, 10, 3, 15, 30, 0, time.UTC) }},
		{"negative change", func(q *Quote) { q.Change, q.ChangePct = -4100, -6.93 }},
		{"extreme integers", func(q *Quote) { q.TotalValue, q.Change = math.MaxInt64, math.MinInt64 }},
		{"tiny percent", func(q *Quote) { q.ChangePct = 1e-9 }},
		{"zero value", func(q *Quote) { *q = Quote{} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := sampleQuote()
			tt.edit(&in)
			got := roundTrip(t, in)
			if diff := cmp.Diff(in, got); diff != "" {
				t.Errorf("round trip (-in +out):\n%s", diff)
			}
		})
	}
}

func TestOddStringsRoundTrip(t *testing.T) {
	t.Parallel()
	for _, s := range oddStrings {
		t.Run(s, func(t *testing.T) {
			t.Parallel()
			q := sampleQuote()
			q.Symbol, q.Source = Symbol(s), s
			if diff := cmp.Diff(q, roundTrip(t, q)); diff != "" {
				t.Errorf("quote (-in +out):\n%s", diff)
			}
			tr := Trade{Symbol: Symbol(s), Side: SideBuy, ID: s, Source: s}
			if diff := cmp.Diff(tr, roundTrip(t, tr)); diff != "" {
				t.Errorf("trade (-in +out):\n%s", diff)
			}
			x := IndexQuote{Code: Symbol(s), Source: s}
			if diff := cmp.Diff(x, roundTrip(t, x)); diff != "" {
				t.Errorf("index (-in +out):\n%s", diff)
			}
			bar := Bar{Symbol: Symbol(s), Interval: Interval1m, Source: s}
			if diff := cmp.Diff(bar, roundTrip(t, bar)); diff != "" {
				t.Errorf("bar (-in +out):\n%s", diff)
			}
			ss := SessionState{Exchange: Exchange(s), Phase: Phase(s)}
			if diff := cmp.Diff(ss, roundTrip(t, ss)); diff != "" {
				t.Errorf("session (-in +out):\n%s", diff)
			}
		})
	}
}

func TestOtherTypesRoundTrip(t *testing.T) {
	t.Parallel()
	at := ict(2026, 3, 10, 14, 29, 59)
	tests := []struct {
		name string
		run  func(t *testing.T) (in, out any)
	}{
		{"trade", func(t *testing.T) (any, any) {
			in := Trade{Symbol: "VNM", Time: at, Price: 61500, Volume: 300, Side: SideSell, TotalVolume: 2_000_300, ID: "t-1", Source: "vci"}
			return in, roundTrip(t, in)
		}},
		{"trade minimal", func(t *testing.T) (any, any) {
			in := Trade{Symbol: "VNM", Side: SideUnknown}
			return in, roundTrip(t, in)
		}},
		{"index", func(t *testing.T) (any, any) {
			in := IndexQuote{
				Code: "VNINDEX", Time: at, Session: PhaseATC, Value: 1284.57, Ref: 1279.1, Open: 1280.02,
				High: 1290.5, Low: 1275, Change: 5.47, ChangePct: 0.43, Volume: 812_000_000,
				Turnover: 19_500_000_000_000, Advances: 201, Declines: 150, Unchanged: 60, Ceilings: 7, Floors: 2,
				Source: "ssi",
			}
			return in, roundTrip(t, in)
		}},
		{"bar", func(t *testing.T) (any, any) {
			in := Bar{Symbol: "FPT", Interval: Interval5m, Time: at, Open: 120500, High: 121000, Low: 120100,
				Close: 120900, Volume: 45_600, Closed: true, Source: "sim"}
			return in, roundTrip(t, in)
		}},
		{"bar of an index", func(t *testing.T) (any, any) {
			in := Bar{Symbol: "VN30", Time: at, Open: 1301.25, High: 1302.5, Low: 1299.75, Close: 1300.5}
			return in, roundTrip(t, in)
		}},
		{"session with next", func(t *testing.T) (any, any) {
			in := SessionState{Exchange: HOSE, Phase: PhaseATC, Time: at, Next: PhasePutThrough, NextAt: ict(2026, 3, 10, 14, 45, 0)}
			return in, roundTrip(t, in)
		}},
		{"session without next", func(t *testing.T) (any, any) {
			in := SessionState{Exchange: DER, Phase: PhaseClosed, Time: at}
			return in, roundTrip(t, in)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in, out := tt.run(t)
			if diff := cmp.Diff(in, out); diff != "" {
				t.Errorf("round trip (-in +out):\n%s", diff)
			}
		})
	}
}

// TestLossyRoundTrip pins what deliberately does not survive a round trip.
func TestLossyRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		run  func(t *testing.T) (want, got any)
	}{
		{"trailing empty levels dropped", func(t *testing.T) (any, any) {
			in := Quote{Bids: []Level{{100, 10}, {0, 0}, {0, 0}}}
			return []Level{{100, 10}}, roundTrip(t, in).Bids
		}},
		{"more than ten levels cut", func(t *testing.T) (any, any) {
			in := Quote{Asks: make([]Level, MaxLevels+2)}
			for i := range in.Asks {
				in.Asks[i] = Level{int64(i + 1), 1}
			}
			return in.Asks[:MaxLevels], roundTrip(t, in).Asks
		}},
		{"sub-second time truncated", func(t *testing.T) (any, any) {
			in := Trade{Time: ict(2026, 3, 10, 9, 15, 0).Add(987 * time.Millisecond)}
			return ict(2026, 3, 10, 9, 15, 0), roundTrip(t, in).Time
		}},
		{"NaN becomes zero", func(t *testing.T) (any, any) {
			in := Quote{ChangePct: math.NaN()}
			return 0.0, roundTrip(t, in).ChangePct
		}},
		{"infinite index value becomes zero", func(t *testing.T) (any, any) {
			in := IndexQuote{Value: math.Inf(1)}
			return 0.0, roundTrip(t, in).Value
		}},
		{"empty side becomes unknown", func(t *testing.T) (any, any) {
			return SideUnknown, roundTrip(t, Trade{}).Side
		}},
		{"invalid UTF-8 becomes U+FFFD", func(t *testing.T) (any, any) {
			return "a\uFFFDb", roundTrip(t, Trade{Source: "a\xffb"}).Source
		}},
		{"NextAt without Next dropped", func(t *testing.T) (any, any) {
			return time.Time{}, roundTrip(t, SessionState{NextAt: ict(2026, 1, 2, 9, 0, 0)}).NextAt
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want, got := tt.run(t)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeTimesAreICT(t *testing.T) {
	t.Parallel()
	var tr Trade
	if err := json.Unmarshal([]byte(`{"time":"2026-03-10T02:15:30.5Z"}`), &tr); err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 3, 10, 9, 15, 30, 5e8, ICT)
	if !tr.Time.Equal(want) || tr.Time.Location() != ICT {
		t.Errorf("time = %v (%v), want %v in ICT", tr.Time, tr.Time.Location(), want)
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		data  string
		field string // the FieldError's field
	}{
		{"not JSON", `{"symbol":`, "quote"},
		{"array", `[1,2]`, "quote"},
		{"string", `"VCB"`, "quote"},
		{"empty input", ``, "quote"},
		{"price as string", `{"close_price":"59800"}`, "close_price"},
		{"price as float", `{"close_price":59800.5}`, "close_price"},
		{"integer overflow", `{"total_value":9223372036854775808}`, "total_value"},
		{"symbol as number", `{"symbol":5}`, "symbol"},
		{"level as string", `{"bid_vol_2":"x"}`, "bid_vol_2"},
		{"percent as string", `{"percent_change":"1.5"}`, "percent_change"},
		{"time not RFC 3339", `{"time":"10/03/2026 09:15:00"}`, "time"},
		{"time as number", `{"time":1741572930000}`, "time"},
		{"year 0 in ICT", `{"time":"0001-01-01T00:00:00+08:00"}`, "time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := sampleQuote()
			err := q.UnmarshalJSON([]byte(tt.data))
			var fe *FieldError
			if !errors.As(err, &fe) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("UnmarshalJSON(%s) = %v, want a FieldError", tt.data, err)
			}
			if fe.Field != tt.field {
				t.Errorf("field = %q, want %q (%v)", fe.Field, tt.field, err)
			}
			if diff := cmp.Diff(sampleQuote(), q); diff != "" {
				t.Errorf("a failed decode changed the quote (-before +after):\n%s", diff)
			}
		})
	}
}

func TestDecodeErrorsOtherTypes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		dst  json.Unmarshaler
		data string
	}{
		{"trade volume", new(Trade), `{"volume":true}`},
		{"index advances", new(IndexQuote), `{"advances":1.5}`},
		{"index value", new(IndexQuote), `{"value":"1284"}`},
		{"bar closed", new(Bar), `{"closed":"yes"}`},
		{"bar time", new(Bar), `{"time":"yesterday"}`},
		{"session next_at", new(SessionState), `{"next_phase":"ato","next_at":"soon"}`},
		{"session array", new(SessionState), `[]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := tt.dst.UnmarshalJSON([]byte(tt.data)); !errors.Is(err, ErrInvalid) {
				t.Errorf("UnmarshalJSON(%s) = %v, want ErrInvalid", tt.data, err)
			}
		})
	}
}

func TestDecodeNullAndUnknownKeys(t *testing.T) {
	t.Parallel()
	q := sampleQuote()
	if err := json.Unmarshal([]byte(`null`), &q); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sampleQuote(), q); diff != "" {
		t.Errorf("null changed the quote:\n%s", diff)
	}
	var tr Trade
	data := `{"symbol":"VNM","price":100,"future_field":{"a":[1]},"bid_price_11":5,"time":null,"side":null}`
	if err := json.Unmarshal([]byte(data), &tr); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Trade{Symbol: "VNM", Price: 100}, tr); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestDecodeThroughEncodingJSON checks the decoders compose with
// encoding/json (slices, struct fields) the way clients use them.
func TestDecodeThroughEncodingJSON(t *testing.T) {
	t.Parallel()
	type page struct {
		Quotes []Quote       `json:"quotes"`
		Bars   []Bar         `json:"bars"`
		State  *SessionState `json:"state"`
	}
	in := page{
		Quotes: []Quote{sampleQuote(), {Symbol: "FPT", Exchange: HOSE}},
		Bars:   []Bar{{Symbol: "FPT", Interval: Interval1D, Time: ict(2026, 3, 10, 0, 0, 0), Close: 1}},
		State:  &SessionState{Exchange: HNX, Phase: PhaseLunchBreak, Time: ict(2026, 3, 10, 12, 0, 0)},
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out page
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("Unmarshal(%s): %v", b, err)
	}
	if diff := cmp.Diff(in, out); diff != "" {
		t.Errorf("(-in +out):\n%s", diff)
	}
}
