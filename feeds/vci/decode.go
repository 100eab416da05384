package vci

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// sourceName is the provenance of every result and the Source of every
// SchemaError this package returns.
const sourceName = "vci"

// schemaErr returns a *market.SchemaError for field.
func schemaErr(field, msg string) error {
	return &market.SchemaError{Source: sourceName, Field: field, Msg: msg}
}

// decodeJSON unmarshals body into v. Syntax errors name the field "body";
// type mismatches name the JSON path encoding/json reports, prefixed by what.
func decodeJSON(body []byte, v any, what string) error {
	err := json.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := what
		if te.Field != "" {
			field = what + "." + te.Field
		}
		return schemaErr(field, "got JSON "+te.Value+", want "+te.Type.String())
	}
	var se *market.SchemaError
	if errors.As(err, &se) {
		return se
	}
	return schemaErr("body", "not JSON: "+err.Error())
}

// unwrapData returns the array inside a `{"data": [...]}` envelope, which
// vnstock accepts for every trading endpoint, or body itself.
func unwrapData(body []byte) []byte {
	b := bytes.TrimSpace(body)
	if len(b) == 0 || b[0] != '{' {
		return b
	}
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if json.Unmarshal(b, &env) != nil || len(env.Data) == 0 {
		return b
	}
	return env.Data
}

// num is a JSON number that VCI may also send as a numeric string
// ("39550"), an empty string or null. Decoding never fails: a value that is
// present but not a number sets bad, so that the caller can name the field
// (with its index) in a SchemaError.
type num struct {
	f   float64
	set bool // a number was present
	bad bool // a value was present but is not a number
}

// UnmarshalJSON implements json.Unmarshaler.
func (n *num) UnmarshalJSON(b []byte) error {
	*n = num{}
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	if b[0] == '"' {
		if len(b) < 2 || b[len(b)-1] != '"' {
			n.bad = true
			return nil
		}
		b = b[1 : len(b)-1]
		if bytes.IndexByte(b, '\\') >= 0 || bytes.IndexByte(b, ',') >= 0 || bytes.IndexByte(b, ' ') >= 0 {
			s, err := strconv.Unquote(`"` + string(b) + `"`)
			if err != nil {
				n.bad = true
				return nil
			}
			b = []byte(strings.TrimSpace(strings.ReplaceAll(s, ",", "")))
		}
		if len(b) == 0 {
			return nil
		}
	}
	f, ok := parseNumber(b)
	if !ok {
		n.bad = true
		return nil
	}
	n.f, n.set = f, true
	return nil
}

// parseNumber parses a decimal number. Plain decimals of up to 15 digits
// ("39550", "-86886.24") take an exact fast path without allocating: the
// digits and the power of ten are both exact doubles, so one division is
// correctly rounded, as strconv.ParseFloat's own fast path.
func parseNumber(b []byte) (float64, bool) {
	if f, ok := parseSimple(b); ok {
		return f, true
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// maxSimpleDigits bounds the fast path: 15 decimal digits are exact in a double.
const maxSimpleDigits = 15

// parseSimple parses [-]digits[.digits] with at most 15 digits.
func parseSimple(b []byte) (float64, bool) {
	neg := false
	if len(b) > 0 && b[0] == '-' {
		neg, b = true, b[1:]
	}
	if len(b) == 0 || b[0] == '.' {
		return 0, false
	}
	var mant int64
	digits, frac := 0, -1
	for i, c := range b {
		switch {
		case c >= '0' && c <= '9':
			mant = mant*10 + int64(c-'0')
			digits++
			if frac >= 0 {
				frac++
			}
		case c == '.' && frac < 0 && i < len(b)-1:
			frac = 0
		default:
			return 0, false
		}
	}
	if digits > maxSimpleDigits {
		return 0, false
	}
	f := float64(mant)
	if frac > 0 {
		f /= math.Pow10(frac)
	}
	if neg {
		f = -f
	}
	return f, true
}

// check returns a SchemaError for field when n is present but malformed,
// or when required and absent.
func (n num) check(field string, required bool) error {
	switch {
	case n.bad:
		return schemaErr(field, "not a number")
	case required && !n.set:
		return schemaErr(field, "missing")
	}
	return nil
}

// integer returns n rounded to an int64 and whether it fits.
func (n num) integer() (int64, bool) {
	if math.Abs(n.f) > 1<<53 {
		return 0, false
	}
	return int64(math.Round(n.f)), true
}

// whole returns n as an int64 when it is a whole number (within 1e-6).
func (n num) whole(field string) (int64, error) {
	v, ok := n.integer()
	if !ok {
		return 0, schemaErr(field, "out of range")
	}
	if math.Abs(n.f-float64(v)) > 1e-6 {
		return 0, schemaErr(field, "not a whole number: "+strconv.FormatFloat(n.f, 'f', -1, 64))
	}
	return v, nil
}

// epoch is the time of epoch seconds t in ICT.
func epoch(sec int64) time.Time { return time.Unix(sec, 0).In(market.ICT) }

// msDate formats epoch milliseconds as the ICT calendar date YYYY-MM-DD.
// vnstock formats these in UTC, which moves a date stamped at ICT midnight
// back one day; the API keeps the Vietnamese calendar date.
func msDate(ms float64) string {
	return time.UnixMilli(int64(ms)).In(market.ICT).Format(time.DateOnly)
}

// numCell returns f as an int64 cell when whole, else float64.
func numCell(f float64) any {
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return int64(f)
	}
	return f
}

// camelToSnake converts an upstream key to vnstock's snake_case column name
// (vnstock's camel_to_snake: separators become "_", "aB" and "1B" split,
// "ABc" splits before "Bc", lower-cased, runs of "_" collapsed).
func camelToSnake(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 4)
	r := []rune(s)
	for i, c := range r {
		switch {
		case c == ' ' || c == '.' || c == '-' || c == '\t':
			b.WriteByte('_')
			continue
		case isUpper(c) && i > 0:
			prev := r[i-1]
			if isLower(prev) || isDigit(prev) ||
				(isUpper(prev) && i+1 < len(r) && isLower(r[i+1])) {
				b.WriteByte('_')
			}
		}
		b.WriteString(strings.ToLower(string(c)))
	}
	out := b.String()
	for strings.Contains(out, "__") {
		out = strings.ReplaceAll(out, "__", "_")
	}
	return strings.Trim(out, "_")
}

func isUpper(c rune) bool { return c >= 'A' && c <= 'Z' }
func isLower(c rune) bool { return c >= 'a' && c <= 'z' }
func isDigit(c rune) bool { return c >= '0' && c <= '9' }
