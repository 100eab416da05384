package market

import "testing"

func TestPriceLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ex   Exchange
		want float64
	}{
		{HOSE, 0.07}, {HNX, 0.10}, {UPCOM, 0.15}, {DER, 0.07},
	}
	for _, tt := range tests {
		t.Run(string(tt.ex), func(t *testing.T) {
			t.Parallel()
			if got := PriceLimit(tt.ex); got != tt.want {
				t.Errorf("PriceLimit(%s) = %v, want %v", tt.ex, got, tt.want)
			}
		})
	}
}

func TestTickSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		ex    Exchange
		kind  Instrument
		price int64
		want  int64
	}{
		{"HOSE stock below 10k", HOSE, Stock, 9_990, 10},
		{"HOSE stock at 10k", HOSE, Stock, 10_000, 50},
		{"HOSE stock top of middle band", HOSE, Stock, 49_950, 50},
		{"HOSE stock at 50k", HOSE, Stock, 50_000, 100},
		{"HOSE stock high", HOSE, Stock, 120_500, 100},
		{"HOSE fund ticks as stock", HOSE, Fund, 12_000, 50},
		{"HOSE ETF always 10", HOSE, ETF, 60_000, 10},
		{"HOSE CW always 10", HOSE, CW, 1_230, 10},
		{"HNX 100", HNX, Stock, 5_000, 100},
		{"HNX high", HNX, Stock, 80_000, 100},
		{"UPCOM 100", UPCOM, Stock, 1_000, 100},
		{"DER has no VND tick", DER, Futures, 1_300, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := TickSize(tt.ex, tt.kind, tt.price); got != tt.want {
				t.Errorf("TickSize(%s, %s, %d) = %d, want %d", tt.ex, tt.kind, tt.price, got, tt.want)
			}
		})
	}
}

func TestRound(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		ex             Exchange
		p              int64
		wantDown, want int64
	}{
		{"on grid", HOSE, 59_200, 59_200, 59_200},
		{"HOSE high band", HOSE, 63_344, 63_300, 63_400},
		{"HOSE low band", HOSE, 9_995, 9_990, 10_000},
		{"HOSE up across 10k", HOSE, 9_991, 9_990, 10_000},
		{"HOSE up across 50k", HOSE, 49_951, 49_950, 50_000},
		{"HOSE middle band", HOSE, 10_720, 10_700, 10_750},
		{"HNX", HNX, 16_830, 16_800, 16_900},
		{"UPCOM", UPCOM, 8_501, 8_500, 8_600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := RoundDown(tt.ex, Stock, tt.p); got != tt.wantDown {
				t.Errorf("RoundDown(%d) = %d, want %d", tt.p, got, tt.wantDown)
			}
			if got := RoundUp(tt.ex, Stock, tt.p); got != tt.want {
				t.Errorf("RoundUp(%d) = %d, want %d", tt.p, got, tt.want)
			}
		})
	}
}

func TestLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                   string
		ex                     Exchange
		kind                   Instrument
		ref                    int64
		wantCeiling, wantFloor int64
	}{
		{"VCB on HOSE", HOSE, Stock, 59_200, 63_300, 55_100},
		{"HOSE round ref", HOSE, Stock, 10_000, 10_700, 9_300},
		{"HOSE floor crosses into 10-VND band", HOSE, Stock, 10_700, 11_400, 9_960},
		{"HOSE floor crosses into 50-VND band", HOSE, Stock, 53_700, 57_400, 49_950},
		{"HOSE ceiling crosses into 100-VND band", HOSE, Stock, 47_000, 50_200, 43_750},
		{"HOSE ETF 10-VND grid", HOSE, ETF, 21_350, 22_840, 19_860},
		{"HNX", HNX, Stock, 20_000, 22_000, 18_000},
		{"HNX rounding inwards", HNX, Stock, 15_300, 16_800, 13_800},
		{"UPCOM", UPCOM, Stock, 10_000, 11_500, 8_500},
		{"UPCOM rounding inwards", UPCOM, Stock, 12_300, 14_100, 10_500},
		// One-tick rule: when the rounded band collapses onto the reference,
		// the limit is one tick away instead.
		{"HNX tiny price", HNX, Stock, 500, 600, 400},
		{"HNX 200", HNX, Stock, 200, 300, 100},
		{"UPCOM tiny price", UPCOM, Stock, 300, 400, 200},
		{"HOSE tiny price", HOSE, Stock, 100, 110, 90},
		// The floor never drops below one tick, even if it then equals ref.
		{"HNX minimum price", HNX, Stock, 100, 200, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f := Limits(tt.ex, tt.kind, tt.ref)
			if c != tt.wantCeiling || f != tt.wantFloor {
				t.Errorf("Limits(%s, %d) = %d/%d, want %d/%d", tt.ex, tt.ref, c, f, tt.wantCeiling, tt.wantFloor)
			}
		})
	}
}

// TestLimitsMatchIntegerArithmetic checks the float band against exact
// integer percentages for every on-grid reference up to 300,000 VND.
func TestLimitsMatchIntegerArithmetic(t *testing.T) {
	t.Parallel()
	pct := map[Exchange]int64{HOSE: 7, HNX: 10, UPCOM: 15}
	for _, ex := range []Exchange{HOSE, HNX, UPCOM} {
		for ref := int64(1_000); ref <= 300_000; ref += TickSize(ex, Stock, ref) {
			hi := ref * (100 + pct[ex]) / 100                                // floor of the exact product
			lo := (ref*(100-pct[ex]) + 99) / 100                             // ceiling of the exact product
			wantC, wantF := RoundDown(ex, Stock, hi), RoundUp(ex, Stock, lo) // no one-tick case at these prices
			c, f := Limits(ex, Stock, ref)
			if c != wantC || f != wantF {
				t.Fatalf("Limits(%s, %d) = %d/%d, want %d/%d", ex, ref, c, f, wantC, wantF)
			}
			if !ValidPrice(ex, Stock, c, f, c) || !ValidPrice(ex, Stock, f, f, c) || !ValidPrice(ex, Stock, ref, f, c) {
				t.Fatalf("Limits(%s, %d) = %d/%d: a limit or the reference is off the grid", ex, ref, c, f)
			}
		}
	}
}

func TestValidPrice(t *testing.T) {
	t.Parallel()
	const floor, ceiling = 55_100, 63_300
	tests := []struct {
		name string
		ex   Exchange
		kind Instrument
		p    int64
		want bool
	}{
		{"reference", HOSE, Stock, 59_200, true},
		{"ceiling", HOSE, Stock, ceiling, true},
		{"floor", HOSE, Stock, floor, true},
		{"above ceiling", HOSE, Stock, ceiling + 100, false},
		{"below floor", HOSE, Stock, floor - 100, false},
		{"off the 100 grid", HOSE, Stock, 59_250, false},
		{"ETF on 10 grid", HOSE, ETF, 59_210, true},
		{"HNX off grid", HNX, Stock, 59_250, false},
		{"zero", HOSE, Stock, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := ValidPrice(tt.ex, tt.kind, tt.p, floor, ceiling); got != tt.want {
				t.Errorf("ValidPrice(%d) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
	// Band edges: 9,990 ticks 10 and 10,050 ticks 50 on HOSE.
	if !ValidPrice(HOSE, Stock, 9_990, 9_000, 11_000) || ValidPrice(HOSE, Stock, 10_010, 9_000, 11_000) {
		t.Error("HOSE band edge grid is wrong")
	}
}

func TestLotSize(t *testing.T) {
	t.Parallel()
	if LotSize != 100 {
		t.Errorf("LotSize = %d, want 100", LotSize)
	}
}
