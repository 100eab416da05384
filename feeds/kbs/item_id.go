package kbs

import (
	"regexp"
	"strings"
	"unicode"
)

// vietFold maps the Vietnamese letters with diacritics to their base ASCII
// letter (đ included), for item ids built from Vietnamese names.
var vietFold = func() map[rune]rune {
	groups := map[rune]string{
		'a': "àáạảãâầấậẩẫăằắặẳẵ", 'e': "èéẹẻẽêềếệểễ", 'i': "ìíịỉĩ", 'o': "òóọỏõôồốộổỗơờớợởỡ",
		'u': "ùúụủũưừứựửữ", 'y': "ỳýỵỷỹ", 'd': "đ",
	}
	m := map[rune]rune{}
	for base, letters := range groups {
		for _, r := range letters {
			m[r] = base
			m[unicode.ToUpper(r)] = unicode.ToUpper(base)
		}
	}
	return m
}()

// itemID is the snake_case id of a statement line in the style of vnstock
// v4's schema snapshot: the outline number is kept as a prefix ("A. SHORT-TERM
// ASSETS" → "a.short_term_assets", "1. Revenue" → "n_1.revenue", since an
// id may not start with a digit), the rest lower-cased ASCII words joined by
// "_", "&" read as "and".
func itemID(name string) string {
	s := strings.TrimSpace(name)
	if s == "" {
		return ""
	}
	prefix := ""
	if p, rest, ok := outline(s); ok {
		prefix, s = strings.ToLower(p)+".", rest
		if p[0] >= '0' && p[0] <= '9' {
			prefix = "n_" + prefix
		}
	}
	var b strings.Builder
	b.WriteString(prefix)
	sep := false
	for _, r := range strings.ReplaceAll(s, "&", " and ") {
		if f, ok := vietFold[r]; ok {
			r = f
		}
		switch {
		case r == '\'' || r == '"' || r == '`':
			continue
		case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if sep && b.Len() > len(prefix) {
				b.WriteByte('_')
			}
			sep = false
			b.WriteRune(unicode.ToLower(r))
		default:
			sep = true
		}
	}
	return b.String()
}

// outlineNumber matches a leading outline number: "1.", "1.2.", "IV.", "A.".
var outlineNumber = regexp.MustCompile(`^((?:[0-9]+\.)+|[IVXivx]+\.|[A-Za-z]\.)\s+`)

// outline splits a leading outline number (without its last dot) from the
// title that follows it.
func outline(s string) (num, rest string, ok bool) {
	m := outlineNumber.FindStringSubmatch(s)
	if m == nil || len(m[0]) == len(s) {
		return "", "", false
	}
	return strings.TrimSuffix(m[1], "."), s[len(m[0]):], true
}
