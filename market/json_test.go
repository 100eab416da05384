package market

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// objectKeys returns the top-level keys of a JSON object in order.
func objectKeys(t *testing.T, b []byte) []string {
	t.Helper()
	if !json.Valid(b) {
		t.Fatalf("invalid JSON: %s", b)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", b)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// levelKeys lists side_price_N, side_vol_N for N = 1..n.
func levelKeys(side string, n int) []string {
	var out []string
	for i := 1; i <= n; i++ {
		out = append(out, fmt.Sprintf("%s_price_%d", side, i), fmt.Sprintf("%s_vol_%d", side, i))
	}
	return out
}

func quoteKeys(bids, asks int, session, source bool) []string {
	keys := []string{"symbol", "exchange", "time"}
	if session {
		keys = append(keys, "session")
	}
	keys = append(keys, "ceiling_price", "floor_price", "reference_price", "open_price", "high_price",
		"low_price", "close_price", "close_volume", "average_price", "volume_accumulated", "total_value",
		"price_change", "percent_change")
	keys = append(keys, levelKeys("bid", bids)...)
	keys = append(keys, levelKeys("ask", asks)...)
	keys = append(keys, "foreign_buy_volume", "foreign_sell_volume", "foreign_room")
	if source {
		keys = append(keys, "source")
	}
	return keys
}

func TestAppendJSONKeys(t *testing.T) {
	t.Parallel()
	at := ict(2026, 3, 10, 9, 15, 0)
	twelve := make([]Level, 12)
	tests := []struct {
		name string
		b    []byte
		want []string
	}{
		{"quote full", ptr(sampleQuote()).AppendJSON(nil), quoteKeys(3, 3, true, true)},
		{"quote empty pads three levels", (&Quote{}).AppendJSON(nil), quoteKeys(3, 3, false, false)},
		{"quote five bids", (&Quote{Bids: make([]Level, 5)}).AppendJSON(nil), quoteKeys(5, 3, false, false)},
		{"quote caps at ten", (&Quote{Bids: twelve, Asks: twelve}).AppendJSON(nil), quoteKeys(10, 10, false, false)},
		{"trade", (&Trade{Symbol: "VNM", Time: at, ID: "1", Source: "s"}).AppendJSON(nil),
			[]string{"symbol", "time", "price", "volume", "side", "volume_accumulated", "id", "source"}},
		{"trade minimal", (&Trade{}).AppendJSON(nil),
			[]string{"symbol", "time", "price", "volume", "side", "volume_accumulated"}},
		{"index", (&IndexQuote{Session: PhaseATO, Source: "s"}).AppendJSON(nil),
			[]string{"code", "time", "session", "value", "reference_value", "open", "high", "low", "change",
				"percent_change", "volume", "total_value", "advances", "declines", "unchanged",
				"ceiling_count", "floor_count", "source"}},
		{"bar time first", (&Bar{Interval: Interval1m, Source: "s"}).AppendJSON(nil),
			[]string{"time", "symbol", "interval", "open", "high", "low", "close", "volume", "closed", "source"}},
		{"bar minimal", (&Bar{}).AppendJSON(nil),
			[]string{"time", "symbol", "open", "high", "low", "close", "volume", "closed"}},
		{"session with next", (&SessionState{Next: PhaseATO}).AppendJSON(nil),
			[]string{"exchange", "phase", "time", "next_phase", "next_at"}},
		{"session without next", (&SessionState{}).AppendJSON(nil), []string{"exchange", "phase", "time"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, objectKeys(t, tt.b)); diff != "" {
				t.Errorf("keys (-want +got):\n%s\n%s", diff, tt.b)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestAppendJSONValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		got  []byte
		want string
	}{
		{"trade exact bytes",
			(&Trade{Symbol: "VNM", Time: time.Date(2026, 3, 10, 2, 15, 0, 0, time.UTC), Price: 61500, Volume: 300,
				Side: SideBuy, TotalVolume: 900}).AppendJSON(nil),
			`{"symbol":"VNM","time":"2026-03-10T09:15:00+07:00","price":61500,"volume":300,"side":"buy","volume_accumulated":900}`},
		{"session exact bytes",
			(&SessionState{Exchange: HNX, Phase: PhaseLunchBreak, Time: ict(2026, 3, 10, 12, 0, 0),
				Next: PhaseContinuous, NextAt: ict(2026, 3, 10, 13, 0, 0)}).AppendJSON(nil),
			`{"exchange":"HNX","phase":"lunch_break","time":"2026-03-10T12:00:00+07:00","next_phase":"continuous","next_at":"2026-03-10T13:00:00+07:00"}`},
		{"bar floats and zero time",
			(&Bar{Symbol: "VN30", Open: 1301.25, High: math.NaN(), Low: math.Inf(-1), Close: 1e21}).AppendJSON(nil),
			`{"time":null,"symbol":"VN30","open":1301.25,"high":null,"low":null,"close":1000000000000000000000,"volume":0,"closed":false}`},
		{"escaping",
			(&Trade{Symbol: "A", ID: "\"\\\n\r\t\x01\x1f<>&\u2028é\xff"}).AppendJSON(nil),
			`{"symbol":"A","time":null,"price":0,"volume":0,"side":"unknown","volume_accumulated":0,"id":"\"\\\n\r\t\u0001\u001f<>&` + "\u2028é" + `\ufffd"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if !json.Valid(tt.got) {
				t.Fatalf("invalid JSON: %s", tt.got)
			}
			if diff := cmp.Diff(tt.want, string(tt.got)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestAppendJSONAppends checks that the writers append after existing bytes
// (the hub builds envelopes around them) and that MarshalJSON agrees.
func TestAppendJSONAppends(t *testing.T) {
	t.Parallel()
	q := sampleQuote()
	prefix := []byte(`{"type":"quote","data":`)
	b := append(q.AppendJSON(prefix), '}')
	if !json.Valid(b) {
		t.Fatalf("invalid envelope: %s", b)
	}
	m, err := json.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b[len(prefix):len(b)-1], m) {
		t.Errorf("AppendJSON after a prefix differs from MarshalJSON:\n%s\n%s", b, m)
	}
	arr := []byte{'['}
	arr = (&Trade{Symbol: "A"}).AppendJSON(arr)
	arr = append(arr, ',')
	arr = (&Trade{Symbol: "B"}).AppendJSON(arr)
	arr = append(arr, ']')
	if !json.Valid(arr) {
		t.Errorf("invalid array: %s", arr)
	}
}

func TestMarshalJSONMatchesAppend(t *testing.T) {
	t.Parallel()
	at := ict(2026, 3, 10, 10, 0, 0)
	tests := []struct {
		name string
		v    any
		want []byte
	}{
		{"quote", sampleQuote(), ptr(sampleQuote()).AppendJSON(nil)},
		{"trade", Trade{Symbol: "VNM", Time: at}, (&Trade{Symbol: "VNM", Time: at}).AppendJSON(nil)},
		{"index", IndexQuote{Code: "VN30", Value: 1300.5}, (&IndexQuote{Code: "VN30", Value: 1300.5}).AppendJSON(nil)},
		{"bar", Bar{Symbol: "VNM", Time: at}, (&Bar{Symbol: "VNM", Time: at}).AppendJSON(nil)},
		{"session", SessionState{Exchange: HOSE, Time: at}, (&SessionState{Exchange: HOSE, Time: at}).AppendJSON(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := json.Marshal(tt.v)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("json.Marshal = %s\nAppendJSON   = %s", got, tt.want)
			}
		})
	}
}

func TestFeedStatusJSON(t *testing.T) {
	t.Parallel()
	s := FeedStatus{
		Time: time.Date(2026, 3, 10, 3, 0, 0, 0, time.UTC),
		Sources: []SourceStatus{
			{Source: "ssi", State: HealthOK, LastUpdate: time.Date(2026, 3, 10, 2, 59, 58, 0, time.UTC)},
			{Source: "vci", State: HealthDown, Stale: true, Message: "dial: refused"},
		},
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"time":"2026-03-10T10:00:00+07:00","sources":[` +
		`{"source":"ssi","state":"ok","last_update":"2026-03-10T09:59:58+07:00","stale":false},` +
		`{"source":"vci","state":"down","last_update":"0001-01-01T07:00:00+07:00","stale":true,"message":"dial: refused"}]}`
	if diff := cmp.Diff(want, string(b)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if s.Sources[0].LastUpdate.Location() != time.UTC {
		t.Error("MarshalJSON changed the caller's slice")
	}
}

// BenchmarkQuoteAppendJSON encodes a three-level quote into a reused buffer,
// the hub's publish path; it must not allocate.
func BenchmarkQuoteAppendJSON(b *testing.B) {
	q := sampleQuote()
	buf := q.AppendJSON(nil)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		buf = q.AppendJSON(buf[:0])
	}
	b.ReportMetric(float64(len(buf)), "bytes/quote")
}

// BenchmarkQuoteMarshalJSON is encoding/json's way for comparison: it
// allocates the result and re-validates it.
func BenchmarkQuoteMarshalJSON(b *testing.B) {
	q := sampleQuote()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(q); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkQuoteUnmarshalJSON(b *testing.B) {
	data := ptr(sampleQuote()).AppendJSON(nil)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var q Quote
		if err := q.UnmarshalJSON(data); err != nil {
			b.Fatal(err)
		}
	}
}
