package graph

import (
	"bytes"
	"errors"
	"testing"

	"github.com/vnstock-api/vnstock-api/api/graph/model"
	"github.com/vnstock-api/vnstock-api/hub"
	"github.com/vnstock-api/vnstock-api/market"
)

// The scalar parsers never panic; a refusal is a FieldError (so the client
// gets BAD_USER_INPUT naming the argument), and what they accept writes
// back to an equal value.
func FuzzScalars(f *testing.F) {
	for _, s := range []string{"2025-03-21", "2025-03-21T09:15:00+07:00", "2025-03-21T02:15:00Z", "21/03/2025", "", "2025-02-30", "9999-12-31T23:59:59-23:59"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var fe *market.FieldError
		if d, err := model.UnmarshalDate(s); err != nil {
			if !errors.As(err, &fe) {
				t.Fatalf("UnmarshalDate(%q): %v is not a FieldError", s, err)
			}
		} else {
			var buf bytes.Buffer
			model.MarshalDate(d).MarshalGQL(&buf)
			if buf.String() != `"`+s+`"` {
				t.Fatalf("date %q wrote back as %s", s, buf.String())
			}
		}
		if tm, err := model.UnmarshalTime(s); err != nil {
			if !errors.As(err, &fe) {
				t.Fatalf("UnmarshalTime(%q): %v is not a FieldError", s, err)
			}
		} else {
			var buf bytes.Buffer
			model.MarshalTime(tm).MarshalGQL(&buf)
			back, err := model.UnmarshalTime(buf.String()[1 : buf.Len()-1])
			if err != nil || !back.Equal(tm.Truncate(1e9)) {
				t.Fatalf("time %q wrote back as %s (%v)", s, buf.String(), err)
			}
		}
		if _, err := model.UnmarshalJSON(s); err != nil {
			t.Fatalf("UnmarshalJSON(%q): %v", s, err)
		}
	})
}

// A malformed live payload is an error, never a panic or a half value.
func FuzzDecodeEvent(f *testing.F) {
	q := market.Quote{Symbol: "VNM", Last: 68200, Bids: []market.Level{{Price: 68100, Volume: 100}}}
	f.Add("quote:VNM", string(q.AppendJSON(nil)))
	f.Add("trade:VNM", `{"symbol":"VNM","time":"2025-03-21T14:45:07+07:00","price":61300,"volume":100,"side":"buy"}`)
	f.Add("index:VNINDEX", `{"code":"VNINDEX","value":1318.6,"advances":"many"}`)
	f.Add("bar:VNM:1m", `{"time":"not a time"}`)
	f.Add("session:HOSE", `{"exchange":"HOSE","phase":"ato"}`)
	f.Add("status", `{"sources":[{"source":"ssi","state":"ok"}]}`)
	f.Add("weird", `null`)
	f.Fuzz(func(t *testing.T, topic, data string) {
		v, err := decodeEvent(hub.NewEvent(topic, 1, 2, []byte(data)))
		if err == nil && v == nil {
			t.Fatalf("decodeEvent(%q, %q): no value and no error", topic, data)
		}
	})
}
