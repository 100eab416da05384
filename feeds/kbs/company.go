package kbs

import (
	"bytes"
	"context"
	"html"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// profileDoc is GET stockinfo/profile/{SYM}: one document that feeds the
// company info, officers, shareholders, ownership, subsidiaries and capital
// history (upstream.md §4.5). No recorded sample exists; key names follow
// vnstock's KBS mapping.
type profileDoc struct {
	SB, SM, FD, LD, EX, CTP, CTPP, IS, ISP, FP, BP, TC, KT, TY text
	ADD, PHONE, FAX, EMAIL, URL, BRANCH, HS, AD                text
	CC, HM, FV, LP, KLCPNY, KLCPLH                             num
	Subsidiaries                                               []struct {
		D, NM, CR text
		CC, OR    num
	}
	Leaders []struct {
		FD, PN, NM, PO, PI text
	}
	Ownership []struct {
		NM, D  text
		OR, SH num
	}
	Shareholders []struct {
		NM, D text
		V, OR num
	}
	CharterCapital []struct {
		D, C text
		V    num
	}
	LaborStructure []struct {
		Value num
	}
}

// company answers the capabilities of the profile document, one call each.
func (s *Source) company(ctx context.Context, q market.Query) (*market.Frame, error) {
	sym, err := symbolOf(q)
	if err != nil {
		return nil, err
	}
	body, err := s.get(ctx, q.Capability, "/stockinfo/profile/"+string(sym), url.Values{"l": {"1"}})
	if err != nil {
		return nil, err
	}
	return parseProfile(body, sym, q.Capability, q.Lang)
}

// parseProfile parses a profile document and builds the frame of c. A null
// or empty document is market.ErrNotFound (KBS knows no such company).
func parseProfile(body []byte, sym market.Symbol, c market.Capability, lang string) (*market.Frame, error) {
	b := bytes.TrimSpace(body)
	if string(b) == "null" || string(b) == "{}" || len(b) == 0 {
		return nil, market.ErrNotFound
	}
	var d profileDoc
	if err := decode("profile", b, &d); err != nil {
		return nil, err
	}
	switch c {
	case market.CapCompany:
		return d.info(sym)
	case market.CapShareholders:
		return d.shareholders(sym)
	case market.CapOfficers:
		return d.officers(sym, lang)
	case market.CapSubsidiaries:
		return d.subsidiaries(sym)
	case market.CapOwnership:
		return d.ownership()
	case market.CapCapitalHistory:
		return d.capitalHistory()
	}
	return nil, unsupported(c, "not a profile capability")
}

// infoColumns starts with vnstock v4's Reference().company().info()
// columns; the KBS profile's own fields follow. name and sector are not in
// the KBS profile and stay null.
var infoColumns = []string{
	"symbol", "name", "sector", "profile", "listing_date", "issued_share",
	"exchange", "founded_date", "charter_capital", "outstanding_shares", "par_value", "listing_price",
	"number_of_employees", "ceo_name", "ceo_position", "inspector_name", "inspector_position",
	"establishment_license", "business_code", "tax_id", "auditor", "company_type",
	"address", "phone", "fax", "email", "website", "branches", "history", "as_of_date",
}

// info builds the one-row overview. issued_share is KLCPNY (listed shares),
// charter_capital CC in VND (see money), texts are HTML-stripped.
func (d *profileDoc) info(sym market.Symbol) (*market.Frame, error) {
	f := fields{what: "profile"}
	if sb := f.str("SB", d.SB, false); sb != "" && f.err == nil {
		if s, err := market.ParseSymbol(sb); err == nil {
			sym = s
		}
	}
	employees := optInt(&f, "HM", d.HM)
	if employees == nil {
		var sum int64
		for _, l := range d.LaborStructure {
			sum += f.int("LaborStructure.Value", l.Value, false)
		}
		if sum > 0 {
			employees = sum
		}
	}
	row := []any{
		string(sym), nil, nil, nilIfEmpty(plain(f.str("SM", d.SM, false))), date(f.str("LD", d.LD, false)), optInt(&f, "KLCPNY", d.KLCPNY),
		exchangeName(f.str("EX", d.EX, false)), date(f.str("FD", d.FD, false)), money(&f, "CC", d.CC),
		optInt(&f, "KLCPLH", d.KLCPLH), optInt(&f, "FV", d.FV), optInt(&f, "LP", d.LP), employees,
	}
	for _, t := range []struct {
		name string
		v    text
	}{{"CTP", d.CTP}, {"CTPP", d.CTPP}, {"IS", d.IS}, {"ISP", d.ISP}, {"FP", d.FP}, {"BP", d.BP},
		{"TC", d.TC}, {"KT", d.KT}, {"TY", d.TY}, {"ADD", d.ADD}, {"PHONE", d.PHONE}, {"FAX", d.FAX},
		{"EMAIL", d.EMAIL}, {"URL", d.URL}, {"BRANCH", d.BRANCH}, {"HS", d.HS}} {
		row = append(row, nilIfEmpty(plain(f.str(t.name, t.v, false))))
	}
	row = append(row, date(f.str("AD", d.AD, false)))
	if f.err != nil {
		return nil, f.err
	}
	fr := market.NewFrame(infoColumns...)
	return fr, fr.Append(row...)
}

// shareholders: vnstock v4 columns; rate is a fraction (KBS OR is percent).
func (d *profileDoc) shareholders(sym market.Symbol) (*market.Frame, error) {
	fr := market.NewFrame("symbol", "name", "total_shares", "rate", "date")
	for i, r := range d.Shareholders {
		f := fields{what: "profile.Shareholders[" + itoa(i) + "]"}
		row := []any{string(sym), f.str("NM", r.NM, true), optInt(&f, "V", r.V), fraction(&f, "OR", r.OR), date(f.str("D", r.D, false))}
		if err := appendRow(fr, &f, row); err != nil {
			return nil, err
		}
	}
	return fr, nil
}

// officers: vnstock v4 columns (KBS has no holdings per officer: total_shares
// and rate stay null), then the KBS from_date and English position.
func (d *profileDoc) officers(sym market.Symbol, lang string) (*market.Frame, error) {
	fr := market.NewFrame("symbol", "name", "position", "total_shares", "rate", "from_date", "position_en")
	for i, r := range d.Leaders {
		f := fields{what: "profile.Leaders[" + itoa(i) + "]"}
		pos, en := f.str("PN", r.PN, false), f.str("PO", r.PO, false)
		if lang == "en" && en != "" {
			pos = en
		}
		row := []any{string(sym), f.str("NM", r.NM, true), nilIfEmpty(pos), nil, nil, date(f.str("FD", r.FD, false)), nilIfEmpty(en)}
		if err := appendRow(fr, &f, row); err != nil {
			return nil, err
		}
	}
	return fr, nil
}

// subsidiaries: vnstock v4 columns (KBS has no sub_symbol), then the KBS
// fields and vnstock's type label (over 50 % owned: subsidiary).
func (d *profileDoc) subsidiaries(sym market.Symbol) (*market.Frame, error) {
	fr := market.NewFrame("symbol", "name", "rate", "sub_symbol", "charter_capital", "currency", "update_date", "type")
	for i, r := range d.Subsidiaries {
		f := fields{what: "profile.Subsidiaries[" + itoa(i) + "]"}
		pct := f.float("OR", r.OR, false)
		kind := "công ty liên kết"
		if pct > 50 {
			kind = "công ty con"
		}
		row := []any{string(sym), f.str("NM", r.NM, true), fraction(&f, "OR", r.OR), nil,
			money(&f, "CC", r.CC), nilIfEmpty(f.str("CR", r.CR, false)), date(f.str("D", r.D, false)), kind}
		if err := appendRow(fr, &f, row); err != nil {
			return nil, err
		}
	}
	return fr, nil
}

// ownership: vnstock v4 columns; ownership_percentage stays a percent.
func (d *profileDoc) ownership() (*market.Frame, error) {
	fr := market.NewFrame("owner_type", "ownership_percentage", "shares_owned", "update_date")
	for i, r := range d.Ownership {
		f := fields{what: "profile.Ownership[" + itoa(i) + "]"}
		row := []any{f.str("NM", r.NM, true), optFloat(&f, "OR", r.OR), optInt(&f, "SH", r.SH), date(f.str("D", r.D, false))}
		if err := appendRow(fr, &f, row); err != nil {
			return nil, err
		}
	}
	return fr, nil
}

// capitalHistory: vnstock v4 columns, charter capital in VND.
func (d *profileDoc) capitalHistory() (*market.Frame, error) {
	fr := market.NewFrame("date", "charter_capital", "currency")
	for i, r := range d.CharterCapital {
		f := fields{what: "profile.CharterCapital[" + itoa(i) + "]"}
		if !r.V.set && !r.V.bad {
			f.fail("V", "missing")
		}
		row := []any{date(f.str("D", r.D, false)), money(&f, "V", r.V), nilIfEmpty(f.str("C", r.C, false))}
		if err := appendRow(fr, &f, row); err != nil {
			return nil, err
		}
	}
	return fr, nil
}

func appendRow(fr *market.Frame, f *fields, row []any) error {
	if f.err != nil {
		return f.err
	}
	return fr.Append(row...)
}

// optInt is n as int64, or nil when absent.
func optInt(f *fields, name string, n num) any {
	v := f.int(name, n, false)
	if !n.set {
		return nil
	}
	return v
}

// optFloat is n as float64, or nil when absent.
func optFloat(f *fields, name string, n num) any {
	v := f.float(name, n, false)
	if !n.set {
		return nil
	}
	return v
}

// fraction is a KBS percentage as a fraction (88.99 → 0.8899), as vnstock
// v4's rate columns are.
func fraction(f *fields, name string, n num) any {
	v := f.float(name, n, false)
	if !n.set {
		return nil
	}
	return roundTo(v/100, 1e-8)
}

// billion is the scale of KBS capital figures written in billions of VND.
const billion = 1e9

// money returns a capital figure in VND. KBS writes charter capital in
// billions of VND in the profile (TCB "CC": 70862, inferred from a
// third-party capture) while other figures may already be VND: no listed
// company has a capital below a million VND, so values under 1e6 are read
// as billions.
func money(f *fields, name string, n num) any {
	v := f.float(name, n, false)
	if !n.set {
		return nil
	}
	if v < 1e6 {
		v *= billion
	}
	return int64(roundTo(v, 1))
}

func roundTo(v, unit float64) float64 {
	if v < 0 {
		return -roundTo(-v, unit)
	}
	return float64(int64(v/unit+0.5)) * unit
}

// dateLayouts are the date forms seen in KBS documents.
var dateLayouts = []string{
	"2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05", "2006-01-02",
	"02/01/2006", "02/01/2006 15:04:05", time.RFC3339,
}

// date parses a KBS date in ICT. Text that is not a date (a bare year
// "2004") stays text; "" is nil.
func date(s string) any {
	if s == "" {
		return nil
	}
	for _, layout := range dateLayouts {
		if t, err := time.ParseInLocation(layout, s, market.ICT); err == nil {
			return t.In(market.ICT)
		}
	}
	return s
}

// exchangeName normalises an exchange code, keeping unknown text.
func exchangeName(s string) any {
	if s == "" {
		return nil
	}
	if ex, err := parseExchange(s); err == nil {
		return string(ex)
	}
	return s
}

var (
	htmlTag    = regexp.MustCompile(`<[^>]*>`)
	whitespace = regexp.MustCompile(`\s+`)
)

// plain strips HTML tags and entities from KBS's HTML text fields.
func plain(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return strings.TrimSpace(s)
	}
	s = htmlTag.ReplaceAllString(s, " ")
	s = html.UnescapeString(s)
	return strings.TrimSpace(whitespace.ReplaceAllString(s, " "))
}
