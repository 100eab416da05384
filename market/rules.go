package market

// Instrument is the kind of a listed security, which decides its tick size.
type Instrument string

// Instruments.
const (
	Stock   Instrument = "stock"
	ETF     Instrument = "etf"
	CW      Instrument = "cw"
	Fund    Instrument = "fund" // closed-end fund: ticks as a stock
	Bond    Instrument = "bond"
	Futures Instrument = "futures"
)

// LotSize is the round lot on HOSE, HNX and UPCOM; 1 to 99 shares is an odd lot.
const LotSize = 100

// PriceLimit returns the daily band around the reference price as a fraction
// (HOSE ±7 %, HNX ±10 %, UPCOM ±15 %, VN30/VN100 futures ±7 %).
func PriceLimit(ex Exchange) float64 {
	switch ex {
	case HNX:
		return 0.10
	case UPCOM:
		return 0.15
	default:
		return 0.07
	}
}

// TickSize returns the price step in VND for a price on an exchange. HOSE
// stocks and funds: 10 below 10,000, 50 below 50,000, 100 above; HOSE ETFs and
// CWs: 10; HNX and UPCOM: 100. Futures tick 0.1 point, which callers handle
// in points; here they return 1 (no VND step).
func TickSize(ex Exchange, kind Instrument, price int64) int64 {
	switch ex {
	case HNX, UPCOM:
		return 100
	case DER:
		return 1
	}
	if kind == ETF || kind == CW {
		return 10
	}
	switch {
	case price < 10_000:
		return 10
	case price < 50_000:
		return 50
	default:
		return 100
	}
}

// RoundDown returns the largest valid price ≤ p; RoundUp the smallest ≥ p.
func RoundDown(ex Exchange, kind Instrument, p int64) int64 {
	t := TickSize(ex, kind, p)
	return p - p%t
}

// RoundUp returns the smallest valid price on the tick grid that is ≥ p.
func RoundUp(ex Exchange, kind Instrument, p int64) int64 {
	d := RoundDown(ex, kind, p)
	if d == p {
		return p
	}
	// The step above d is the tick size at d's band (a band edge is itself on
	// both grids).
	return d + TickSize(ex, kind, d)
}

// Limits returns the ceiling and floor for a reference price: the band edges
// rounded inwards to the tick grid, and at least one tick away from the
// reference when rounding would make them equal (the exchanges' rule).
func Limits(ex Exchange, kind Instrument, ref int64) (ceiling, floor int64) {
	lim := PriceLimit(ex)
	ceiling = RoundDown(ex, kind, int64(float64(ref)*(1+lim)+1e-6))
	floor = RoundUp(ex, kind, int64(float64(ref)*(1-lim)+0.999999))
	if ceiling <= ref {
		ceiling = ref + TickSize(ex, kind, ref)
	}
	if floor >= ref {
		floor = ref - TickSize(ex, kind, ref-1)
	}
	return ceiling, max(floor, TickSize(ex, kind, 1))
}

// ValidPrice reports whether p lies on the tick grid within [floor, ceiling].
func ValidPrice(ex Exchange, kind Instrument, p, floor, ceiling int64) bool {
	return p >= floor && p <= ceiling && p%TickSize(ex, kind, p) == 0
}
