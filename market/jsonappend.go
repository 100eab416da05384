package market

import (
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// The live path encodes every event once per publish and fans the bytes out, so
// the hot types write their JSON by hand with strconv.Append*: about ten times
// faster than encoding/json and without allocations into a reused buffer.

const hexDigits = "0123456789abcdef"

// AppendJSONString appends s to b as a JSON string: quotes, backslashes and
// control characters escaped, invalid UTF-8 replaced by U+FFFD, everything
// else copied as is. It allocates only when b must grow.
func AppendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendKey appends `"name":` preceded by a comma unless it opens the object.
func appendKey(b []byte, name string) []byte {
	if len(b) > 0 && b[len(b)-1] != '{' && b[len(b)-1] != '[' {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, name...)
	return append(b, '"', ':')
}

func appendIntField(b []byte, name string, v int64) []byte {
	return strconv.AppendInt(appendKey(b, name), v, 10)
}

func appendStringField(b []byte, name, v string) []byte {
	return AppendJSONString(appendKey(b, name), v)
}

func appendBoolField(b []byte, name string, v bool) []byte {
	return strconv.AppendBool(appendKey(b, name), v)
}

// appendFloatField writes v with the shortest representation that round-trips;
// NaN and infinities, which JSON cannot carry, are written as null.
func appendFloatField(b []byte, name string, v float64) []byte {
	b = appendKey(b, name)
	return appendFloat(b, v)
}

func appendFloat(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, v, 'f', -1, 64)
}

// appendTimeField writes t in ICT as RFC 3339; the zero time is null.
func appendTimeField(b []byte, name string, t time.Time) []byte {
	b = appendKey(b, name)
	if t.IsZero() {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = t.In(ICT).AppendFormat(b, TimeLayout)
	return append(b, '"')
}

// round2 rounds a percentage to two decimals, as boards show it.
func round2(v float64) float64 { return math.Round(v*100) / 100 }
