package feeds

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// SSI iBoard push-stream records (upstream-realtime.md §1.4, §1.5) are
// pipe-delimited text. Stock snapshots come as `MAIN|S#SYM|...` (102 fields,
// topic stockRealtimeBySymbolsAndBoards) or `S#SYM|...` (101 fields, topic
// stockRealtimeByListV2, every index shifted down by one); index levels come
// as `I#CODE|...` (25 fields).

// ssiSource is the provenance of everything this file produces.
const ssiSource = "ssi"

// Field counts and indices of the board-prefixed S# record.
const (
	ssiStockFields = 102
	ssiIndexFields = 25

	ssiFSymbol      = 1
	ssiFBid1        = 2  // bid level k: price 2k, volume 2k+1
	ssiFAsk1        = 22 // ask level k: price 20+2k, volume 21+2k
	ssiFLast        = 42
	ssiFLastVol     = 43
	ssiFHigh        = 44
	ssiFMarket      = 45
	ssiFLow         = 46
	ssiFAvg         = 47
	ssiFForeignBuy  = 48
	ssiFForeignSell = 50
	ssiFChange      = 52
	ssiFChangePct   = 53
	ssiFTotalVol    = 54
	ssiFTotalValue  = 55
	ssiFCeiling     = 59
	ssiFFloor       = 60
	ssiFRef         = 61
	ssiFRoom        = 65
	ssiFType        = 66
	ssiFOpen        = 75
	ssiFTime        = 101
)

// ssiIndexClockShift is the offset of the I# time field: it is ICT wall time
// encoded as if it were UTC (upstream-realtime.md §1.5).
const ssiIndexClockShift = 7 * time.Hour

// SSIKind says which kind of iBoard record an SSIRecord holds.
type SSIKind int

// The record kinds.
const (
	SSIKindQuote SSIKind = iota + 1 // S#: stock or ETF snapshot, in Quote
	SSIKindIndex                    // I#: index level, in Index
)

// SSIRecord is one parsed iBoard data record.
type SSIRecord struct {
	Kind  SSIKind
	Quote market.Quote      // set when Kind is SSIKindQuote
	Index market.IndexQuote // set when Kind is SSIKindIndex
}

// ErrSSIUnsupported marks a well-formed iBoard record this parser does not
// map yet. VN30 futures (market code `vnf`) are one: their prices are index
// points with one decimal, and market.Quote's VND integer fields have no
// agreed scale for points yet, so rather than publish a wrong number the
// parser refuses them with an *SSIUnsupportedError.
var ErrSSIUnsupported = errors.New("ssi record not supported")

// SSIUnsupportedError names the instrument of an unsupported record so that
// callers can skip it (and log once per symbol) instead of counting it as
// malformed.
type SSIUnsupportedError struct {
	Symbol market.Symbol
	Market string // the record's market code, e.g. "vnf"
	Reason string
}

func (e *SSIUnsupportedError) Error() string {
	return fmt.Sprintf("ssi: %s (market %s): %s", e.Symbol, e.Market, e.Reason)
}

// Unwrap makes errors.Is(err, ErrSSIUnsupported) true.
func (e *SSIUnsupportedError) Unwrap() error { return ErrSSIUnsupported }

// ParseSSIRecord parses one iBoard data record of any supported shape:
// `MAIN|S#...`, `S#...` or `I#...`. Malformed records give a
// *market.SchemaError naming the field; futures an *SSIUnsupportedError.
func ParseSSIRecord(line []byte) (SSIRecord, error) {
	if bytes.HasPrefix(line, []byte("I#")) {
		x, err := ParseSSIIndex(line)
		if err != nil {
			return SSIRecord{}, err
		}
		return SSIRecord{Kind: SSIKindIndex, Index: x}, nil
	}
	q, err := ParseSSIStock(line)
	if err != nil {
		return SSIRecord{}, err
	}
	return SSIRecord{Kind: SSIKindQuote, Quote: q}, nil
}

// ssiFields is a record split on '|' without copying. f is indexed as in the
// board-prefixed form; shift is 1 for the ListV2 form, whose wire index of
// field i is i-1.
type ssiFields struct {
	f     [ssiStockFields][]byte
	shift int
}

// splitPipe stores the '|'-separated fields of line in dst and returns how
// many fields line has, which may exceed len(dst). The fields are sub-slices
// of line. One pass over the bytes beats bytes.IndexByte here: most iBoard
// fields are empty or a few digits long, too short for its vector loop.
func splitPipe(line []byte, dst [][]byte) int {
	n, start := 0, 0
	for i, c := range line {
		if c != '|' {
			continue
		}
		if n < len(dst) {
			dst[n] = line[start:i:i]
		}
		n++
		start = i + 1
	}
	if n < len(dst) {
		dst[n] = line[start:]
	}
	return n + 1
}

func ssiSchemaError(wire int, name, format string, args ...any) error {
	return &market.SchemaError{
		Source: ssiSource,
		Field:  strconv.Itoa(wire) + " (" + name + ")",
		Msg:    fmt.Sprintf(format, args...),
	}
}

func (p *ssiFields) errorf(i int, name, format string, args ...any) error {
	return ssiSchemaError(i-p.shift, name, format, args...)
}

// int parses field i as a decimal integer; an empty field is 0 (iBoard leaves
// values it does not have yet empty).
func (p *ssiFields) int(i int, name string) (int64, error) {
	v, ok := parseDecimal(p.f[i])
	if !ok {
		return 0, p.errorf(i, name, "%.24q is not an integer", p.f[i])
	}
	return v, nil
}

// required parses field i as an integer that must be present.
func (p *ssiFields) required(i int, name string) (int64, error) {
	if len(p.f[i]) == 0 {
		return 0, p.errorf(i, name, "is empty")
	}
	return p.int(i, name)
}

// float parses field i as a finite decimal number; empty is 0.
func (p *ssiFields) float(i int, name string) (float64, error) {
	v, ok := parseFloatField(p.f[i])
	if !ok {
		return 0, p.errorf(i, name, "%.24q is not a number", p.f[i])
	}
	return v, nil
}

// parseDecimal parses an optionally signed decimal integer of at most 18
// digits; empty input is 0.
func parseDecimal(b []byte) (int64, bool) {
	if len(b) == 0 {
		return 0, true
	}
	neg := b[0] == '-'
	if neg || b[0] == '+' {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var v int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

// parseFloatField parses a finite decimal number; empty input is 0. Integers
// take the fast path.
func parseFloatField(b []byte) (float64, bool) {
	if v, ok := parseDecimal(b); ok {
		return float64(v), true
	}
	if len(b) > 32 {
		return 0, false
	}
	for _, c := range b {
		if (c < '0' || c > '9') && c != '.' && c != '-' && c != '+' {
			return 0, false // no exponents, hex, NaN, Inf or underscores
		}
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false
	}
	return v, true
}

// ssiExchange maps field 45's lower-case market code to an exchange without
// allocating for the codes iBoard sends.
func ssiExchange(b []byte) (market.Exchange, error) {
	switch string(b) {
	case "hose":
		return market.HOSE, nil
	case "hnx":
		return market.HNX, nil
	case "upcom":
		return market.UPCOM, nil
	case "vnf":
		return market.DER, nil
	}
	return market.ParseExchange(string(b))
}
