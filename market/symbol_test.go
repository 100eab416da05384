package market

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseSymbol(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    Symbol
		wantErr bool
	}{
		{"ticker", "VNM", "VNM", false},
		{"lower case folded", "vnm", "VNM", false},
		{"mixed case", "Fpt", "FPT", false},
		{"one letter", "A", "A", false},
		{"futures pre-KRX", "VN30F2104", "VN30F2104", false},
		{"futures KRX", "41i1f8000", "41I1F8000", false},
		{"covered warrant", "CVNM2406", "CVNM2406", false},
		{"index", "VNINDEX", "VNINDEX", false},
		{"max length", strings.Repeat("A", MaxSymbolLen), Symbol(strings.Repeat("A", MaxSymbolLen)), false},
		{"too long", strings.Repeat("A", MaxSymbolLen+1), "", true},
		{"empty", "", "", true},
		{"space", "VN M", "", true},
		{"leading space", " VNM", "", true},
		{"dash", "EST-VN30", "", true},
		{"colon", "VNM:1m", "", true},
		{"wildcard", "*", "", true},
		{"group marker", "@VN30", "", true},
		{"unicode letter", "VNМ", "", true}, // Cyrillic М
		{"long s folds only in unicode", "ſSI", "", true},
		{"Vietnamese", "Đ", "", true},
		{"NUL", "VN\x00", "", true},
		{"invalid UTF-8", "\xff", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseSymbol(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseSymbol(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if err != nil {
				var fe *FieldError
				if !errors.Is(err, ErrInvalid) || !errors.As(err, &fe) || fe.Field != "symbol" {
					t.Errorf("error %v is not a symbol FieldError", err)
				}
			}
			if got != tt.want {
				t.Errorf("ParseSymbol(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseExchange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Exchange
		wantErr bool
	}{
		{"HOSE", HOSE, false}, {"hose", HOSE, false}, {"HSX", HOSE, false}, {"STO", HOSE, false},
		{"10", HOSE, false}, {" HOSE ", HOSE, false},
		{"HNX", HNX, false}, {"hnx", HNX, false}, {"02", HNX, false},
		{"UPCOM", UPCOM, false}, {"UPCoM", UPCOM, false}, {"HNXUPCOM", UPCOM, false}, {"03", UPCOM, false},
		{"DER", DER, false}, {"DERIVATIVES", DER, false}, {"derivative", DER, false},
		{"VNF", DER, false}, {"FU", DER, false}, {"DVX", DER, false},
		{"", "", true}, {"NYSE", "", true}, {"HO SE", "", true}, {"HOSEX", "", true},
		{"hoſe", "", true}, // U+017F would upper-case to S
		{"ＨＯＳＥ", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseExchange(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("ParseExchange(%q) = %q, %v; want %q, err %v", tt.in, got, err, tt.want, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v is not ErrInvalid", err)
			}
			if err == nil && got.String() != string(got) {
				t.Errorf("String() = %q", got.String())
			}
		})
	}
}

func TestParseInterval(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Interval
		wantErr bool
	}{
		{"1m", Interval1m, false}, {"5m", Interval5m, false}, {"15m", Interval15m, false},
		{"30m", Interval30m, false}, {"1H", Interval1H, false}, {"1D", Interval1D, false},
		{"1W", Interval1W, false}, {"1M", Interval1M, false},
		{"", "", true}, {"1h", "", true}, {"1d", "", true}, {"1w", "", true},
		{"2m", "", true}, {"60m", "", true}, {" 1m", "", true}, {"1mm", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseInterval(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("ParseInterval(%q) = %q, %v; want %q, err %v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestIntervalDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		iv       Interval
		want     time.Duration
		intraday bool
	}{
		{Interval1m, time.Minute, true}, {Interval5m, 5 * time.Minute, true},
		{Interval15m, 15 * time.Minute, true}, {Interval30m, 30 * time.Minute, true},
		{Interval1H, time.Hour, true}, {Interval1D, 24 * time.Hour, false},
		{Interval1W, 0, false}, {Interval1M, 0, false}, {"bogus", 0, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.iv), func(t *testing.T) {
			t.Parallel()
			if got := tt.iv.Duration(); got != tt.want {
				t.Errorf("Duration() = %v, want %v", got, tt.want)
			}
			if got := tt.iv.Intraday(); got != tt.intraday {
				t.Errorf("Intraday() = %v, want %v", got, tt.intraday)
			}
		})
	}
}

func TestIntervalStart(t *testing.T) {
	t.Parallel()
	at := ict(2026, 3, 11, 10, 37, 42) // a Wednesday
	tests := []struct {
		name string
		iv   Interval
		t    time.Time
		want time.Time
	}{
		{"1m", Interval1m, at, ict(2026, 3, 11, 10, 37, 0)},
		{"5m", Interval5m, at, ict(2026, 3, 11, 10, 35, 0)},
		{"15m", Interval15m, at, ict(2026, 3, 11, 10, 30, 0)},
		{"30m", Interval30m, at, ict(2026, 3, 11, 10, 30, 0)},
		{"1H", Interval1H, at, ict(2026, 3, 11, 10, 0, 0)},
		{"1D", Interval1D, at, ict(2026, 3, 11, 0, 0, 0)},
		{"1W Wednesday to Monday", Interval1W, at, ict(2026, 3, 9, 0, 0, 0)},
		{"1W Sunday to previous Monday", Interval1W, ict(2026, 3, 15, 12, 0, 0), ict(2026, 3, 9, 0, 0, 0)},
		{"1W Monday stays", Interval1W, ict(2026, 3, 9, 0, 0, 0), ict(2026, 3, 9, 0, 0, 0)},
		{"1W across month", Interval1W, ict(2026, 3, 1, 9, 0, 0), ict(2026, 2, 23, 0, 0, 0)},
		{"1M", Interval1M, at, ict(2026, 3, 1, 0, 0, 0)},
		{"on a boundary", Interval5m, ict(2026, 3, 11, 10, 35, 0), ict(2026, 3, 11, 10, 35, 0)},
		// 17:10 UTC is 00:10 ICT of the next day: bars align to the ICT clock.
		{"UTC input 1H", Interval1H, time.Date(2026, 3, 10, 17, 10, 0, 0, time.UTC), ict(2026, 3, 11, 0, 0, 0)},
		{"UTC input 1D", Interval1D, time.Date(2026, 3, 10, 17, 10, 0, 0, time.UTC), ict(2026, 3, 11, 0, 0, 0)},
		{"UTC input 1M", Interval1M, time.Date(2026, 2, 28, 18, 0, 0, 0, time.UTC), ict(2026, 3, 1, 0, 0, 0)},
		{"unknown interval returns t", "bogus", at, at},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.iv.Start(tt.t)
			if !got.Equal(tt.want) {
				t.Errorf("%s.Start(%v) = %v, want %v", tt.iv, tt.t, got, tt.want)
			}
			if got.Location() != ICT {
				t.Errorf("Start is in %v, want ICT", got.Location())
			}
		})
	}
}

func TestDate(t *testing.T) {
	t.Parallel()
	got := Date(time.Date(2026, 3, 10, 20, 0, 0, 0, time.UTC))
	if want := ict(2026, 3, 11, 0, 0, 0); !got.Equal(want) || got.Location() != ICT {
		t.Errorf("Date = %v, want %v", got, want)
	}
	if got := InICT(time.Date(2026, 3, 10, 20, 0, 0, 0, time.UTC)); got.Hour() != 3 {
		t.Errorf("InICT hour = %d, want 3", got.Hour())
	}
}

func TestBarAdd(t *testing.T) {
	t.Parallel()
	var b Bar
	for _, tr := range []struct {
		p float64
		v int64
	}{{100, 10}, {105, 5}, {98, 20}, {101, 1}} {
		b.Add(tr.p, tr.v)
	}
	if b.Open != 100 || b.High != 105 || b.Low != 98 || b.Close != 101 || b.Volume != 36 {
		t.Errorf("bar = %+v", b)
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	err := Invalid("symbol", "%q is bad", "x")
	if got, want := err.Error(), `symbol: "x" is bad`; got != want {
		t.Errorf("FieldError = %q, want %q", got, want)
	}
	var se error = &SchemaError{Source: "ssi", Field: "price", Msg: "not a number"}
	if got, want := se.Error(), "upstream_schema: ssi: field price: not a number"; got != want {
		t.Errorf("SchemaError = %q, want %q", got, want)
	}
	if !errors.Is(se, ErrUpstreamSchema) || errors.Is(se, ErrInvalid) {
		t.Error("SchemaError must be ErrUpstreamSchema only")
	}
	if Symbol("VNM").String() != "VNM" {
		t.Error("Symbol.String")
	}
}
