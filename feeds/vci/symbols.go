package vci

import (
	"fmt"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// indexCode maps the API's index symbols to the codes VCI's chart expects
// (upstream.md §2.4). The second result is false for symbols that are not
// indices. Short aliases (VNI, HNX, UPCOM) are deliberately absent: they are
// three-letter stock-like codes.
func indexCode(sym market.Symbol) (string, bool) {
	switch sym {
	case "HNXINDEX":
		return "HNXIndex", true
	case "UPCOMINDEX":
		return "HNXUpcomIndex", true
	case "VNMID":
		return "VNMIDCAP", true
	case "VNSML":
		return "VNSMALLCAP", true
	case "VNALL":
		return "VNALLSHARE", true
	case "HNXFIN":
		return "HNX Financials Index", true
	case "HNXCON":
		return "HNX Construction Index", true
	case "HNXLCAP":
		return "HNX Large Cap Index", true
	case "HNXMAN":
		return "HNX Manufacturing Index", true
	case "HNXMSCAP":
		return "HNX Mid/Small Cap Index", true
	case "UPCOMLAR":
		return "UPCOM Large Index", true
	case "UPCOMMID":
		return "UPCOM Medium Index", true
	case "UPCOMSML":
		return "UPCOM Small Index", true
	case "VNINDEX", "VN30", "VN100", "VNSI", "VNIT", "VNIND", "VNCONS", "VNCOND", "VNHEAL",
		"VNENE", "VNUTI", "VNREAL", "VNFIN", "VNMAT", "VNDIAMOND", "VNFINLEAD", "VNFINSELECT",
		"VNX50", "VNXALL", "HNX30":
		return string(sym), true
	}
	return "", false
}

// instrument is a symbol resolved for VCI: the code sent upstream and its
// asset class.
type instrument struct {
	code  string
	asset string
}

// resolve returns the upstream code and asset class of sym. asset may be
// empty (detected from the symbol's shape as vnstock does) or one of the
// market.Asset* constants; futures codes in the legacy form (VN30F2506,
// VN30F1M) are converted to KRX codes (41I1F6000) as of now.
func resolve(sym market.Symbol, asset string, now time.Time) (instrument, error) {
	if sym == "" {
		return instrument{}, market.Invalid("symbol", "must not be empty")
	}
	if asset == "" {
		asset = detectAsset(sym)
	}
	switch asset {
	case market.AssetIndex:
		if code, ok := indexCode(sym); ok {
			return instrument{code: code, asset: asset}, nil
		}
		return instrument{code: string(sym), asset: asset}, nil
	case market.AssetFutures:
		code, err := krxCode(sym, now)
		if err != nil {
			return instrument{}, err
		}
		return instrument{code: code, asset: asset}, nil
	case market.AssetEquity, market.AssetETF, market.AssetWarrant:
		return instrument{code: string(sym), asset: asset}, nil
	}
	return instrument{}, unsupported("asset class %q", asset)
}

// detectAsset classifies a symbol by shape (vnstock's get_asset_type).
func detectAsset(sym market.Symbol) string {
	if _, ok := indexCode(sym); ok {
		return market.AssetIndex
	}
	if isKRX(string(sym)) || legacyFutures(string(sym)) {
		return market.AssetFutures
	}
	if len(sym) == 8 {
		return market.AssetWarrant
	}
	return market.AssetEquity
}

// isKRX reports whether s is a KRX derivative code: 4[12], a two-character
// underlying, a year code (0-9, A-W without I, O, U), a month code (1-9,
// A-C) and three digits.
func isKRX(s string) bool {
	if len(s) != 9 || s[0] != '4' || (s[1] != '1' && s[1] != '2') {
		return false
	}
	for i := 2; i < 4; i++ {
		if !isAlnum(s[i]) {
			return false
		}
	}
	y, m := s[4], s[5]
	if !(isDigitB(y) || (y >= 'A' && y <= 'W' && y != 'I' && y != 'O' && y != 'U')) {
		return false
	}
	if !((m >= '1' && m <= '9') || (m >= 'A' && m <= 'C')) {
		return false
	}
	return isDigitB(s[6]) && isDigitB(s[7]) && isDigitB(s[8])
}

// futuresUnderlying maps legacy futures prefixes to KRX underlying codes.
func futuresUnderlying(s string) (prefix, code string) {
	for _, p := range [...][2]string{{"VN100F", "I2"}, {"VN30F", "I1"}, {"GB05F", "B5"}, {"GB10F", "BA"}} {
		if len(s) > len(p[0]) && s[:len(p[0])] == p[0] {
			return p[0], p[1]
		}
	}
	return "", ""
}

// legacyFutures reports whether s is VN30F2506, VN30F1M, VN100F1Q, GB05F2506 ...
func legacyFutures(s string) bool {
	p, _ := futuresUnderlying(s)
	if p == "" {
		return false
	}
	suffix := s[len(p):]
	if len(suffix) == 4 {
		return allDigits(suffix)
	}
	return len(suffix) == 2 && (suffix[0] == '1' || suffix[0] == '2') && (suffix[1] == 'M' || suffix[1] == 'Q')
}

// krxCode converts a futures symbol to its KRX code.
func krxCode(sym market.Symbol, now time.Time) (string, error) {
	s := string(sym)
	if isKRX(s) {
		return s, nil
	}
	prefix, under := futuresUnderlying(s)
	if prefix == "" || !legacyFutures(s) {
		return "", market.Invalid("symbol", "%q is not a futures code (41I1F8000, VN30F2508, VN30F1M)", s)
	}
	suffix := s[len(prefix):]
	var year int
	var month time.Month
	if len(suffix) == 4 {
		year = 2000 + int(suffix[0]-'0')*10 + int(suffix[1]-'0')
		month = time.Month(int(suffix[2]-'0')*10 + int(suffix[3]-'0'))
		if month < 1 || month > 12 {
			return "", market.Invalid("symbol", "%q has month %d", s, month)
		}
	} else {
		year, month = maturity(suffix, now)
	}
	const years = "0123456789ABCDEFGHJKLMNPQRSTVW"
	const months = "123456789ABC"
	return fmt.Sprintf("41%s%c%c000", under, years[((year-2010)%30+30)%30], months[month-1]), nil
}

// maturity returns the contract month of a relative code (1M, 2M, 1Q, 2Q):
// contracts expire on the third Thursday of their month; 1M is the nearest
// unexpired month, 2M the one after, 1Q and 2Q the next two quarter months
// after 2M.
func maturity(rel string, now time.Time) (int, time.Month) {
	t := now.In(market.ICT)
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, market.ICT)
	if market.Date(t).After(thirdThursday(first)) {
		first = first.AddDate(0, 1, 0)
	}
	switch rel {
	case "2M":
		first = first.AddDate(0, 1, 0)
	case "1Q", "2Q":
		first = first.AddDate(0, 2, 0)
		for first.Month()%3 != 0 {
			first = first.AddDate(0, 1, 0)
		}
		if rel == "2Q" {
			first = first.AddDate(0, 3, 0)
		}
	}
	return first.Year(), first.Month()
}

// thirdThursday returns the third Thursday of the month that starts at first.
func thirdThursday(first time.Time) time.Time {
	off := (int(time.Thursday) - int(first.Weekday()) + 7) % 7
	return first.AddDate(0, 0, off+14)
}

func isDigitB(c byte) bool { return c >= '0' && c <= '9' }
func isAlnum(c byte) bool  { return isDigitB(c) || (c >= 'A' && c <= 'Z') }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigitB(s[i]) {
			return false
		}
	}
	return s != ""
}
