package market

import "strings"

// Symbol is an upper-case ticker such as VNM, a futures code such as VN30F1M or
// 41I1F8000, or an index code such as VNINDEX. The zero value is not valid.
type Symbol string

// MaxSymbolLen bounds a symbol's length; the longest codes in use (covered
// warrants, KRX futures codes) have 9 to 10 characters.
const MaxSymbolLen = 16

// ParseSymbol validates s and returns it upper-cased. A symbol is 1 to
// MaxSymbolLen ASCII letters and digits; lower case is accepted and folded.
func ParseSymbol(s string) (Symbol, error) {
	if s == "" {
		return "", Invalid("symbol", "must not be empty")
	}
	if len(s) > MaxSymbolLen {
		return "", Invalid("symbol", "%.20q is longer than %d characters", s, MaxSymbolLen)
	}
	upper := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c >= 'a' && c <= 'z':
			upper = false
		default:
			return "", Invalid("symbol", "%q has a character other than A-Z and 0-9", s)
		}
	}
	if upper {
		return Symbol(s), nil
	}
	return Symbol(strings.ToUpper(s)), nil
}

// String returns the ticker.
func (s Symbol) String() string { return string(s) }
