package vci

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"strings"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// iqData returns the `data` member of an iq answer ({data: ..., ...});
// null or absent data is nil.
func iqData(body []byte, what string) (json.RawMessage, error) {
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if err := decodeJSON(body, &env, what); err != nil {
		return nil, err
	}
	d := bytes.TrimSpace(env.Data)
	if len(d) == 0 || string(d) == "null" {
		return nil, nil
	}
	return d, nil
}

// iqList returns the records of an iq list answer: data is the array, or
// an object whose `content` (paged endpoints) is the array.
func iqList(body []byte, what string) ([]record, error) {
	d, err := iqData(body, what)
	if err != nil || d == nil {
		return nil, err
	}
	if d[0] == '{' {
		var page struct {
			Content json.RawMessage `json:"content"`
		}
		if err := decodeJSON(d, &page, what+".data"); err != nil {
			return nil, err
		}
		if len(page.Content) == 0 || string(page.Content) == "null" {
			return nil, nil
		}
		return decodeRecords(page.Content, "data.content")
	}
	return decodeRecords(d, "data")
}

// stripHTML removes tags (vnstock's `<[^>]+>`), decodes entities and
// collapses white space, as vnstock's overview does to the profile.
func stripHTML(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for len(s) > 0 {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i+1:], '>')
		if j <= 0 { // "<" without a tag: keep it
			b.WriteByte('<')
			s = s[i+1:]
			continue
		}
		s = s[i+1+j+1:]
	}
	return strings.Join(strings.Fields(html.UnescapeString(b.String())), " ")
}

// parseDetails parses GET {IQ}/v1/company/details into vnstock's overview
// frame (one row): snake_case, en_* dropped, sector_vn dropped when sector
// exists, vnstock's renames, the profile stripped of HTML, symbol first.
// Missing data is market.ErrNotFound.
func parseDetails(body []byte) (*market.Frame, error) {
	d, err := iqData(body, "details")
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, fmt.Errorf("no company details: %w", market.ErrNotFound)
	}
	r, err := decodeRecord(d, "data")
	if err != nil {
		return nil, err
	}
	sp := frameSpec{dropContains: []string{"en_"}, first: []string{"symbol"}, rename: map[string]string{
		"vi_organ_name": "organ_name", "vi_organ_short_name": "organ_short_name", "profile": "company_profile",
		"number_of_shares_mkt_cap": "issue_share", "ticker": "symbol"}}
	f := sp.build([]record{r})
	if f.Col("sector") >= 0 && f.Col("sector_vn") >= 0 {
		f = dropColumn(f, "sector_vn")
	}
	if c := f.Col("company_profile"); c >= 0 {
		if s, ok := f.Rows[0][c].(string); ok {
			f.Rows[0][c] = stripHTML(s)
		}
	}
	return f, nil
}

// dropColumn returns f without column name.
func dropColumn(f *market.Frame, name string) *market.Frame {
	c := f.Col(name)
	if c < 0 {
		return f
	}
	out := market.NewFrame(append(f.Columns[:c:c], f.Columns[c+1:]...)...)
	for _, row := range f.Rows {
		out.Rows = append(out.Rows, append(row[:c:c], row[c+1:]...))
	}
	return out
}

// parseShareholders parses GET {IQ}/v1/company/{sym}/shareholder into
// vnstock's shareholders(mode="detailed") frame. percentage is a fraction
// (0.0499 = 4.99 %); update_date is the ICT date.
func parseShareholders(body []byte, sym market.Symbol) (*market.Frame, error) {
	recs, err := iqList(body, "shareholder")
	if err != nil {
		return nil, err
	}
	sp := frameSpec{prepend: [][2]string{{"symbol", string(sym)}},
		rename: map[string]string{"owner_name": "share_holder", "percentage": "share_own_percent"},
		keep:   []string{"share_holder", "quantity", "share_own_percent", "update_date"}, dates: []string{"update_date"}}
	return sp.build(recs), nil
}

// parseOfficers parses the same answer into vnstock's officers() frame:
// individuals that hold a position.
func parseOfficers(body []byte, sym market.Symbol) (*market.Frame, error) {
	recs, err := iqList(body, "shareholder")
	if err != nil {
		return nil, err
	}
	var officers []record
	for _, r := range recs {
		if r.str("ownerType") == "INDIVIDUAL" && r.get("positionName") != nil {
			officers = append(officers, r)
		}
	}
	sp := frameSpec{prepend: [][2]string{{"symbol", string(sym)}},
		rename: map[string]string{"owner_name": "officer_name", "position_name": "officer_position",
			"percentage": "officer_own_percent", "quantity": "officer_own_quantity"},
		keep:  []string{"officer_name", "officer_position", "officer_own_percent", "officer_own_quantity", "update_date"},
		dates: []string{"update_date"}}
	return sp.build(officers), nil
}

// parseOwnership parses GET {IQ}/v1/company/{sym}/shareholder-structure
// into vnstock's shareholders(mode="summary") frame.
func parseOwnership(body []byte) (*market.Frame, error) {
	d, err := iqData(body, "shareholder-structure")
	if err != nil || d == nil {
		return market.NewFrame(), err
	}
	var recs []record
	if d[0] == '{' {
		r, err := decodeRecord(d, "data")
		if err != nil {
			return nil, err
		}
		recs = []record{r}
	} else if recs, err = decodeRecords(d, "data"); err != nil {
		return nil, err
	}
	sp := frameSpec{dropContains: []string{"typename", "ticker", "en_"}, dates: []string{"update_date"},
		rename: map[string]string{"owner_full_name": "share_holder", "percentage": "share_own_percent"}}
	return sp.build(recs), nil
}

// parseRelationship parses GET {IQ}/v1/company/{sym}/relationship
// ({data: {subsidiaries: [...], affiliates: [...]}}) into vnstock's
// subsidiaries(filter_by="all") frame. type is the upstream's, or
// "subsidiary"/"affiliate" by list when absent.
func parseRelationship(body []byte, sym market.Symbol) (*market.Frame, error) {
	d, err := iqData(body, "relationship")
	if err != nil {
		return nil, err
	}
	f := market.NewFrame("symbol", "organ_name", "ownership_percent", "sub_organ_code", "type")
	if d == nil {
		return f, nil
	}
	var rel struct {
		Subsidiaries json.RawMessage `json:"subsidiaries"`
		Affiliates   json.RawMessage `json:"affiliates"`
	}
	if err := decodeJSON(d, &rel, "relationship.data"); err != nil {
		return nil, err
	}
	for _, part := range [...]struct {
		name, kind string
		raw        json.RawMessage
	}{{"subsidiaries", "subsidiary", rel.Subsidiaries}, {"affiliates", "affiliate", rel.Affiliates}} {
		if len(part.raw) == 0 || string(part.raw) == "null" {
			continue
		}
		recs, err := decodeRecords(part.raw, "data."+part.name)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			kind := r.get("type")
			if kind == nil {
				kind = part.kind
			}
			var pct any
			if v, ok := r.float("ownedPercentage"); ok {
				pct = numCell(v)
			}
			f.Rows = append(f.Rows, []any{string(sym), r.get("rightOrganNameVi"), pct, r.get("rightOrganCode"), kind})
		}
	}
	return f, nil
}

// eventCodes are every event code vnstock asks for.
const eventCodes = "DIV,ISS,DDIND,DDINS,DDRP,AGME,AGMR,EGME,AIS,MA,MOVE,NLIS,OTHE,RETU,SUSP"

// parseEvents parses GET {IQ}/v1/events into vnstock's events frame.
func parseEvents(body []byte) (*market.Frame, error) {
	recs, err := iqList(body, "events")
	if err != nil {
		return nil, err
	}
	sp := frameSpec{drop: []string{"organ_code", "symbol", "typename", "is_event", "event", "organ_name_en", "organ_name_vi"},
		dates: []string{"public_date", "issue_date", "record_date", "exright_date", "display_date"}}
	return sp.build(recs), nil
}

// parseNews parses GET {IQ}/v1/news into vnstock's news frame; an
// epoch-ms public_date becomes an ICT time.
func parseNews(body []byte) (*market.Frame, error) {
	recs, err := iqList(body, "news")
	if err != nil {
		return nil, err
	}
	sp := frameSpec{drop: []string{"organ_code", "symbol", "typename", "is_event", "event", "create_by", "update_by",
		"status", "create_date", "update_date", "source_code", "expert_id", "is_tranfer"}}
	f := sp.build(recs)
	if c := f.Col("public_date"); c >= 0 {
		for _, row := range f.Rows {
			switch v := row[c].(type) {
			case int64:
				row[c] = time.UnixMilli(v).In(market.ICT)
			case float64:
				row[c] = time.UnixMilli(int64(v)).In(market.ICT)
			}
		}
	}
	return f, nil
}

// stockOnly refuses company documents for indices and futures.
func stockOnly(q market.Query) error {
	if q.Symbol == "" {
		return market.Invalid("symbol", "must not be empty")
	}
	if a := detectAsset(q.Symbol); a == market.AssetIndex || a == market.AssetFutures {
		return unsupported("company data of %s (%s)", q.Symbol, a)
	}
	return nil
}

// companyDoc fetches one iq company path and parses it.
func (s *Source) companyDoc(ctx context.Context, q market.Query, path string, query url.Values,
	parse func([]byte) (*market.Frame, error)) (market.Result, error) {
	if err := stockOnly(q); err != nil {
		return market.Result{}, err
	}
	body, err := s.getIQ(ctx, string(q.Capability), path, query)
	if err != nil {
		return market.Result{}, err
	}
	f, err := parse(body)
	if err != nil {
		return market.Result{}, err
	}
	return market.Result{Frame: f}, nil
}

func (s *Source) company(ctx context.Context, q market.Query) (market.Result, error) {
	return s.companyDoc(ctx, q, "/v1/company/details", url.Values{"ticker": {string(q.Symbol)}}, parseDetails)
}

func (s *Source) shareholders(ctx context.Context, q market.Query) (market.Result, error) {
	return s.companyDoc(ctx, q, "/v1/company/"+string(q.Symbol)+"/shareholder", nil,
		func(b []byte) (*market.Frame, error) { return parseShareholders(b, q.Symbol) })
}

func (s *Source) officers(ctx context.Context, q market.Query) (market.Result, error) {
	return s.companyDoc(ctx, q, "/v1/company/"+string(q.Symbol)+"/shareholder", nil,
		func(b []byte) (*market.Frame, error) { return parseOfficers(b, q.Symbol) })
}

func (s *Source) ownership(ctx context.Context, q market.Query) (market.Result, error) {
	return s.companyDoc(ctx, q, "/v1/company/"+string(q.Symbol)+"/shareholder-structure", nil, parseOwnership)
}

func (s *Source) subsidiaries(ctx context.Context, q market.Query) (market.Result, error) {
	return s.companyDoc(ctx, q, "/v1/company/"+string(q.Symbol)+"/relationship", nil,
		func(b []byte) (*market.Frame, error) { return parseRelationship(b, q.Symbol) })
}

// window is vnstock's ten-year news and events window, in ICT days.
func (s *Source) window() (from, to string) {
	now := s.cfg.Now().In(market.ICT)
	return now.AddDate(-10, 0, 0).Format("20060102"), now.Format("20060102")
}

func (s *Source) events(ctx context.Context, q market.Query) (market.Result, error) {
	from, to := s.window()
	return s.companyDoc(ctx, q, "/v1/events", url.Values{"ticker": {string(q.Symbol)}, "fromDate": {from},
		"toDate": {to}, "eventCode": {eventCodes}, "page": {"0"}, "size": {"50"}}, parseEvents)
}

func (s *Source) news(ctx context.Context, q market.Query) (market.Result, error) {
	from, to := s.window()
	lang := "1"
	if q.Lang == "en" {
		lang = "2"
	}
	return s.companyDoc(ctx, q, "/v1/news", url.Values{"ticker": {string(q.Symbol)}, "fromDate": {from},
		"toDate": {to}, "languageId": {lang}, "page": {"0"}, "size": {"50"}}, parseNews)
}
