package market

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// FuzzParseTopic: ParseTopic never panics, and whatever it accepts renders
// to a canonical string that parses back to the same Topic and is itself
// canonical.
func FuzzParseTopic(f *testing.F) {
	for _, s := range []string{
		"quote:VNM", "quote:@VN30", "quote:*", "trade:vnm", "index:VNINDEX", "bar:VNM:1m", "bar:@vn30:1D",
		"bar:*:5m", "bar:VNM", "bar:VNM:1W", "session:hose", "session:HSX", "session: hose", "status",
		"status:x", "", "quote:VNМ", "quote:@vnſ0", "quote:" + strings.Repeat("A", 59),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tp, err := ParseTopic(s)
		if err != nil {
			if tp != (Topic{}) {
				t.Fatalf("ParseTopic(%q) failed but returned %+v", s, tp)
			}
			return
		}
		canonical := tp.String()
		again, err := ParseTopic(canonical)
		if err != nil {
			t.Fatalf("ParseTopic(%q) = %+v, whose String %q does not parse: %v", s, tp, canonical, err)
		}
		if again != tp {
			t.Fatalf("ParseTopic(%q) = %+v, re-parse of %q = %+v", s, tp, canonical, again)
		}
		if again.String() != canonical {
			t.Fatalf("String is not stable: %q -> %q", canonical, again.String())
		}
		if len(canonical) > MaxTopicLen {
			t.Fatalf("canonical %q is longer than MaxTopicLen", canonical)
		}
	})
}

// FuzzParseSymbol: ParseSymbol never panics, accepts only 1..MaxSymbolLen of
// A-Z0-9 after folding, and is idempotent.
func FuzzParseSymbol(f *testing.F) {
	for _, s := range []string{"VNM", "vnm", "41I1F8000", "", "VN M", "ſ", "\xff", strings.Repeat("A", 17)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sym, err := ParseSymbol(s)
		if err != nil {
			if sym != "" {
				t.Fatalf("ParseSymbol(%q) failed but returned %q", s, sym)
			}
			return
		}
		if len(sym) == 0 || len(sym) > MaxSymbolLen || len(sym) != len(s) || !strings.EqualFold(string(sym), s) {
			t.Fatalf("ParseSymbol(%q) = %q", s, sym)
		}
		for i := 0; i < len(sym); i++ {
			if c := sym[i]; (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
				t.Fatalf("ParseSymbol(%q) = %q has %q", s, sym, c)
			}
		}
		if again, err := ParseSymbol(string(sym)); err != nil || again != sym {
			t.Fatalf("ParseSymbol(%q) = %q, %v; want itself", sym, again, err)
		}
	})
}

// FuzzQuoteJSON: decoding arbitrary bytes never panics; whatever decodes
// encodes to valid JSON that decodes to the same quote (times to the second,
// as the writer keeps them) and re-encodes to the same bytes.
func FuzzQuoteJSON(f *testing.F) {
	f.Add(ptr(sampleQuote()).AppendJSON(nil))
	f.Add((&Quote{}).AppendJSON(nil))
	f.Add([]byte(`{"bid_price_2":5,"ask_vol_10":1,"time":"2026-03-10T09:15:00.123Z","percent_change":null}`))
	f.Add([]byte(`{"source":"a\u0000\ud800b\"","symbol":"\u2028"}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"time":"0001-01-01T00:00:00+08:00"}`))
	f.Add([]byte(`[{}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var q Quote
		if err := q.UnmarshalJSON(data); err != nil {
			return
		}
		out := q.AppendJSON(nil)
		if !json.Valid(out) {
			t.Fatalf("AppendJSON wrote invalid JSON %q from %q", out, data)
		}
		var again Quote
		if err := again.UnmarshalJSON(out); err != nil {
			t.Fatalf("re-decode of %q: %v", out, err)
		}
		q.Time = q.Time.Truncate(time.Second)
		if diff := cmp.Diff(q, again); diff != "" {
			t.Fatalf("re-decode differs (-first +second):\n%s", diff)
		}
		if out2 := again.AppendJSON(nil); string(out2) != string(out) {
			t.Fatalf("re-encode differs:\n%s\n%s", out, out2)
		}
	})
}
