package market

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseTopic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		in        string
		want      Topic
		canonical string // String() of the result; "" means in
	}{
		{"quote", "quote:VNM", Topic{Kind: KindQuote, Symbol: "VNM"}, ""},
		{"quote lower case", "quote:vnm", Topic{Kind: KindQuote, Symbol: "VNM"}, "quote:VNM"},
		{"quote group", "quote:@VN30", Topic{Kind: KindQuote, Group: "VN30"}, ""},
		{"quote group lower", "quote:@vn30", Topic{Kind: KindQuote, Group: "VN30"}, "quote:@VN30"},
		{"quote all", "quote:*", Topic{Kind: KindQuote, All: true}, ""},
		{"trade", "trade:FPT", Topic{Kind: KindTrade, Symbol: "FPT"}, ""},
		{"trade all", "trade:*", Topic{Kind: KindTrade, All: true}, ""},
		{"index", "index:VNINDEX", Topic{Kind: KindIndex, Symbol: "VNINDEX"}, ""},
		{"bar 1m", "bar:VNM:1m", Topic{Kind: KindBar, Symbol: "VNM", Interval: Interval1m}, ""},
		{"bar 1H", "bar:VNM:1H", Topic{Kind: KindBar, Symbol: "VNM", Interval: Interval1H}, ""},
		{"bar 1D", "bar:VNM:1D", Topic{Kind: KindBar, Symbol: "VNM", Interval: Interval1D}, ""},
		{"bar group", "bar:@VN30:5m", Topic{Kind: KindBar, Group: "VN30", Interval: Interval5m}, ""},
		{"bar all", "bar:*:15m", Topic{Kind: KindBar, All: true, Interval: Interval15m}, ""},
		{"session lower case", "session:hose", Topic{Kind: KindSession, Exchange: HOSE}, "session:HOSE"},
		{"session alias", "session:HSX", Topic{Kind: KindSession, Exchange: HOSE}, "session:HOSE"},
		{"session DER", "session:DER", Topic{Kind: KindSession, Exchange: DER}, ""},
		{"status", "status", Topic{Kind: KindStatus}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseTopic(tt.in)
			if err != nil {
				t.Fatalf("ParseTopic(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseTopic(%q) (-want +got):\n%s", tt.in, diff)
			}
			canonical := tt.canonical
			if canonical == "" {
				canonical = tt.in
			}
			if s := got.String(); s != canonical {
				t.Errorf("String() = %q, want %q", s, canonical)
			}
		})
	}
}

func TestParseTopicErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
	}{
		{"empty", ""},
		{"64 bytes fails on the symbol", "quote:" + strings.Repeat("A", 58)},
		{"65 bytes fails on the length", "quote:" + strings.Repeat("A", 59)},
		{"long session padding", "session:" + strings.Repeat(" ", 60) + "HOSE"},
		{"unknown kind", "quotes:VNM"},
		{"kind upper case", "QUOTE:VNM"},
		{"no colon", "quote"},
		{"no symbol", "quote:"},
		{"symbol too long", "quote:" + strings.Repeat("A", MaxSymbolLen+1)},
		{"bad symbol", "quote:VN-M"},
		{"unicode symbol", "quote:VNМ"},
		{"unicode group fold", "quote:@vnſ0"},
		{"emoji", "quote:😀"},
		{"invalid UTF-8", "quote:\xff"},
		{"empty group", "quote:@"},
		{"double @", "quote:@@VN30"},
		{"star in group", "quote:@*"},
		{"star with symbol", "quote:VNM*"},
		{"extra part", "quote:VNM:1m"},
		{"bar without interval", "bar:VNM"},
		{"bar empty interval", "bar:VNM:"},
		{"bar weekly", "bar:VNM:1W"},
		{"bar monthly", "bar:VNM:1M"},
		{"bar lower hour", "bar:VNM:1h"},
		{"bar extra part", "bar:VNM:1m:x"},
		{"bar no symbol", "bar::1m"},
		{"session no exchange", "session"},
		{"session empty", "session:"},
		{"session unknown", "session:NYSE"},
		{"session padded", "session: HOSE"},
		{"session unicode fold", "session:hoſe"},
		{"status argument", "status:x"},
		{"status empty argument", "status:"},
		{"leading space", " quote:VNM"},
		{"NUL", "quote:VNM\x00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseTopic(tt.in)
			if err == nil {
				t.Fatalf("ParseTopic(%q) = %+v, want an error", tt.in, got)
			}
			var fe *FieldError
			if !errors.Is(err, ErrInvalid) || !errors.As(err, &fe) || fe.Field != "topic" {
				t.Errorf("error %v is not a topic FieldError", err)
			}
			if got != (Topic{}) {
				t.Errorf("failed parse returned %+v, want the zero Topic", got)
			}
		})
	}
}

func TestTopicHelpers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		in        string
		pattern   bool
		single    string // WithSymbol("FPT").String()
		conflated bool
	}{
		{"quote", "quote:VNM", false, "quote:FPT", true},
		{"group", "quote:@VN30", true, "quote:FPT", true},
		{"all trades", "trade:*", true, "trade:FPT", false},
		{"bar group keeps interval", "bar:@VN30:5m", true, "bar:FPT:5m", true},
		{"index", "index:VN30", false, "index:FPT", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tp, err := ParseTopic(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := tp.IsPattern(); got != tt.pattern {
				t.Errorf("IsPattern() = %v, want %v", got, tt.pattern)
			}
			single := tp.WithSymbol("FPT")
			if got := single.String(); got != tt.single || single.IsPattern() {
				t.Errorf("WithSymbol = %q (pattern %v), want %q", got, single.IsPattern(), tt.single)
			}
			if got := tp.Kind.Conflated(); got != tt.conflated {
				t.Errorf("Conflated() = %v, want %v", got, tt.conflated)
			}
		})
	}
	for _, k := range []TopicKind{KindSession, KindStatus} {
		if !k.Conflated() {
			t.Errorf("%s should be conflated", k)
		}
	}
}
