package rest

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vnstock-api/vnstock-api/market"
)

// format is the response encoding.
type format int

const (
	formatJSON format = iota
	formatCSV
)

// checkParams refuses query parameters the route does not declare and
// repeated ones, and picks the format: ?format= wins over Accept.
func checkParams(q url.Values, allowed map[string]bool, accept string) (format, error) {
	var bad []string
	for k, vs := range q {
		if !allowed[k] || len(vs) > 1 {
			bad = append(bad, k)
		}
	}
	if len(bad) > 0 {
		slices.Sort(bad)
		k := bad[0]
		if allowed[k] {
			return 0, market.Invalid(k, "given more than once")
		}
		return 0, market.Invalid(k, "unknown parameter for this resource")
	}
	switch q.Get("format") {
	case "":
		if strings.Contains(accept, "text/csv") {
			return formatCSV, nil
		}
		return formatJSON, nil
	case "json":
		return formatJSON, nil
	case "csv":
		return formatCSV, nil
	}
	return 0, market.Invalid("format", "%.20q is not one of json, csv", q.Get("format"))
}

// symbol reads the {symbol} path variable.
func (r *request) symbol() (market.Symbol, error) { return market.ParseSymbol(r.vars["symbol"]) }

// oneOf reads a path variable or query parameter that must be one of
// allowed; def is used when a query parameter is absent.
func (r *request) oneOf(name string, path bool, allowed []string, def string) (string, error) {
	v, ok := r.vars[name]
	if !path {
		v, ok = r.query.Get(name), r.query.Has(name)
	}
	if !ok && !path {
		return def, nil
	}
	if slices.Contains(allowed, v) {
		return v, nil
	}
	return "", market.Invalid(name, "%.20q is not one of %s", v, strings.Join(allowed, ", "))
}

// date reads an optional YYYY-MM-DD query parameter as midnight ICT.
func (r *request) date(name string) (time.Time, error) {
	v := r.query.Get(name)
	if v == "" {
		if r.query.Has(name) {
			return time.Time{}, market.Invalid(name, "is empty; give a date as YYYY-MM-DD")
		}
		return time.Time{}, nil
	}
	d, err := time.ParseInLocation(time.DateOnly, v, market.ICT)
	if err != nil {
		return time.Time{}, market.Invalid(name, "%.20q is not a date as YYYY-MM-DD", v)
	}
	if y := d.Year(); y < minYear || y > maxYear {
		return time.Time{}, market.Invalid(name, "year %d is outside %d..%d", y, minYear, maxYear)
	}
	return d, nil
}

// instant reads an optional date-time query parameter: RFC 3339 with an
// offset, or a wall-clock YYYY-MM-DDTHH:MM[:SS] in ICT. An offset's "+"
// left unescaped arrives as a space and is read as "+".
func (r *request) instant(name string) (time.Time, error) {
	v := r.query.Get(name)
	if v == "" {
		if r.query.Has(name) {
			return time.Time{}, market.Invalid(name, "is empty; give a time as RFC 3339 or YYYY-MM-DDTHH:MM:SS in ICT")
		}
		return time.Time{}, nil
	}
	if len(v) > maxInstantLen {
		return time.Time{}, market.Invalid(name, "is longer than %d characters", maxInstantLen)
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if n := len(v); err != nil && n > 6 && v[n-6] == ' ' && v[n-3] == ':' {
		t, err = time.Parse(time.RFC3339Nano, v[:n-6]+"+"+v[n-5:])
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04"} {
		if err == nil {
			break
		}
		t, err = time.ParseInLocation(layout, v, market.ICT)
	}
	if err != nil {
		return time.Time{}, market.Invalid(name, "%.40q is not a time as RFC 3339 or YYYY-MM-DDTHH:MM:SS in ICT", v)
	}
	if y := t.In(market.ICT).Year(); y < minYear || y > maxYear {
		return time.Time{}, market.Invalid(name, "year %d is outside %d..%d", y, minYear, maxYear)
	}
	return t.In(market.ICT), nil
}

// maxInstantLen is the longest instant parameter: RFC 3339 with nanoseconds.
const maxInstantLen = len("2006-01-02T15:04:05.000000000+07:00")

// The years a date parameter may name.
const (
	minYear = 1990
	maxYear = 2100
)

// limit reads an optional positive integer no larger than max.
func (r *request) limit(name string, def, max int) (int, error) {
	v := r.query.Get(name)
	if v == "" && !r.query.Has(name) {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		return 0, market.Invalid(name, "%.20q is not an integer from 1 to %d", v, max)
	}
	return n, nil
}

// code reads a path variable or query parameter of 1 to max ASCII letters,
// digits and the bytes of extra, upper-cased; required says whether an
// absent query parameter is an error.
func (r *request) code(name string, path bool, max int, extra string, required bool) (string, error) {
	v, ok := r.vars[name]
	if !path {
		v, ok = r.query.Get(name), r.query.Has(name)
	}
	if !ok && !required {
		return "", nil
	}
	if v == "" || len(v) > max {
		return "", market.Invalid(name, "must be 1 to %d characters", max)
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || strings.IndexByte(extra, c) >= 0) {
			return "", market.Invalid(name, "%.20q has a character other than letters, digits or %q", v, extra)
		}
	}
	return strings.ToUpper(v), nil
}

// digits reads the path variable name, 1 to max decimal digits.
func (r *request) digits(name string, max int) (string, error) {
	v := r.vars[name]
	if v == "" || len(v) > max || strings.Trim(v, "0123456789") != "" {
		return "", market.Invalid(name, "%.20q is not a code of 1 to %d digits", v, max)
	}
	return v, nil
}

// text reads a required free-text query parameter of 1 to max characters
// without control characters.
func (r *request) text(name string, max int) (string, error) {
	v := strings.TrimSpace(r.query.Get(name))
	if v == "" {
		return "", market.Invalid(name, "is required")
	}
	if !utf8.ValidString(v) || utf8.RuneCountInString(v) > max {
		return "", market.Invalid(name, "must be at most %d characters of valid UTF-8", max)
	}
	for _, c := range v {
		if c < 0x20 || c == 0x7f {
			return "", market.Invalid(name, "has a control character")
		}
	}
	return v, nil
}

// symbols reads a comma-separated list of 1 to max symbols.
func (r *request) symbols(name string, max int) ([]market.Symbol, error) {
	raw := r.query.Get(name)
	if strings.Count(raw, ",") >= max {
		return nil, market.Invalid(name, "give at most %d symbols", max)
	}
	var out []market.Symbol
	for part := range strings.SplitSeq(raw, ",") {
		sym, err := market.ParseSymbol(strings.TrimSpace(part))
		if err != nil {
			return nil, market.Invalid(name, "%.20q: %v", part, err)
		}
		out = append(out, sym)
	}
	return out, nil
}

// priceUnit reads ?price_unit= for a route whose asset is asset: thousand
// applies to stock-like prices (vnstock divides those by 1,000).
func (r *request) priceUnit(asset string) (divisor float64, err error) {
	u, err := r.oneOf("price_unit", false, []string{"vnd", "thousand"}, "vnd")
	if err != nil || u == "vnd" {
		return 1, err
	}
	switch asset {
	case market.AssetEquity, market.AssetETF, market.AssetWarrant:
		return 1000, nil
	}
	return 0, market.Invalid("price_unit", "thousand applies to equity, etf and warrant prices, not %s", asset)
}
