package vci

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/vnstock-api/vnstock-api/market"
)

// parseSymbols parses GET /api/price/symbols/getAll (an array of {id,
// symbol, type, board, organName, organShortName, enOrganName,
// enOrganShortName}) into vnstock's symbols_by_exchange frame: snake_case
// columns, board → exchange (HSX normalised to HOSE), id dropped, symbol,
// exchange and type first, and either the Vietnamese names (en_* columns
// dropped) or, for lang "en", the English names under the same columns.
func parseSymbols(body []byte, lang string) (*market.Frame, error) {
	recs, err := decodeRecords(unwrapData(body), "symbols")
	if err != nil {
		return nil, err
	}
	for i, r := range recs {
		if r.str("symbol") == "" {
			return nil, schemaErr(fmt.Sprintf("symbols[%d].symbol", i), "missing")
		}
	}
	sp := frameSpec{drop: []string{"id"}, rename: map[string]string{"board": "exchange"},
		first: []string{"symbol", "exchange", "type"}}
	if lang == "en" {
		sp.drop = append(sp.drop, "organ_name", "organ_short_name")
		sp.rename["en_organ_name"] = "organ_name"
		sp.rename["en_organ_short_name"] = "organ_short_name"
	} else {
		sp.dropContains = []string{"en_"}
	}
	f := sp.build(recs)
	if c := f.Col("exchange"); c >= 0 {
		for _, row := range f.Rows {
			if s, ok := row[c].(string); ok {
				if ex, err := market.ParseExchange(s); err == nil {
					row[c] = string(ex)
				}
			}
		}
	}
	return f, nil
}

// typeMatches reports whether VCI's type code answers the Query.Type filter
// (stock|etf|cw|fund|bond|futures).
func typeMatches(vciType, want string) bool {
	t := strings.ToUpper(vciType)
	switch strings.ToLower(want) {
	case "":
		return true
	case "stock":
		return t == "STOCK"
	case "etf":
		return t == "ETF"
	case "cw":
		return t == "CW" || t == "COVERED_WARRANT"
	case "fund":
		return t == "FUND" || t == "IFC"
	case "bond":
		return t == "BOND"
	case "futures":
		return t == "FU" || t == "FUTURE" || t == "FUTURES" || t == "DERIVATIVE"
	}
	return false
}

// filterRows keeps the rows for which keep is true.
func filterRows(f *market.Frame, keep func(row []any) bool) *market.Frame {
	out := market.NewFrame(f.Columns...)
	for _, row := range f.Rows {
		if keep(row) {
			out.Rows = append(out.Rows, row)
		}
	}
	return out
}

// cellString returns row's string in column c ("" when absent).
func cellString(row []any, c int) string {
	if c < 0 {
		return ""
	}
	s, _ := row[c].(string)
	return s
}

// equities answers CapEquities with getAll, filtered by Query.Exchange and Query.Type.
func (s *Source) equities(ctx context.Context, q market.Query) (market.Result, error) {
	body, err := s.getTrading(ctx, string(market.CapEquities), "price/symbols/getAll", nil)
	if err != nil {
		return market.Result{}, err
	}
	f, err := parseSymbols(body, q.Lang)
	if err != nil {
		return market.Result{}, err
	}
	var ex market.Exchange
	if q.Exchange != "" {
		if ex, err = market.ParseExchange(q.Exchange); err != nil {
			return market.Result{}, err
		}
	}
	ce, ct := f.Col("exchange"), f.Col("type")
	f = filterRows(f, func(row []any) bool {
		return (ex == "" || cellString(row, ce) == string(ex)) && typeMatches(cellString(row, ct), q.Type)
	})
	return market.Result{Frame: f}, nil
}

// search answers CapSearch as vnstock's search_symbol: stocks of getAll
// whose symbol or upper-cased name contains the upper-cased text; columns
// symbol, organ_name.
func (s *Source) search(ctx context.Context, q market.Query) (market.Result, error) {
	body, err := s.getTrading(ctx, string(market.CapSearch), "price/symbols/getAll", nil)
	if err != nil {
		return market.Result{}, err
	}
	all, err := parseSymbols(body, q.Lang)
	if err != nil {
		return market.Result{}, err
	}
	text := strings.ToUpper(strings.TrimSpace(q.Text))
	cs, cn, ct := all.Col("symbol"), all.Col("organ_name"), all.Col("type")
	f := market.NewFrame("symbol", "organ_name")
	for _, row := range all.Rows {
		sym, name := cellString(row, cs), cellString(row, cn)
		if !typeMatches(cellString(row, ct), "stock") {
			continue
		}
		if text == "" || strings.Contains(sym, text) || strings.Contains(strings.ToUpper(name), text) {
			f.Rows = append(f.Rows, []any{sym, name})
		}
	}
	return market.Result{Frame: f}, nil
}

// groupCode maps a group name to VCI's getByGroup code (vnstock's group and
// index mappings); "" when VCI has no such group.
func groupCode(g string) string {
	g = strings.ToUpper(strings.TrimSpace(g))
	switch g {
	case "HOSE", "HNX", "UPCOM", "ETF", "CW", "BOND", "FU_INDEX", "FU_BOND":
		return g
	case "HSX":
		return "HOSE"
	case "FUTURE", "FUTURES":
		return "FU_INDEX"
	case "WARRANT":
		return "CW"
	case "FUND_BOND":
		return "FU_BOND"
	}
	if sym, err := market.ParseSymbol(g); err == nil {
		if code, ok := indexCode(sym); ok {
			return code
		}
	}
	return ""
}

// parseGroup parses GET /api/price/symbols/getByGroup into a one-column
// frame "symbol" (vnstock returns the symbol Series).
func parseGroup(body []byte) (*market.Frame, error) {
	var raw []struct {
		Symbol json.RawMessage `json:"symbol"`
	}
	if err := decodeJSON(unwrapData(body), &raw, "group"); err != nil {
		return nil, err
	}
	f := market.NewFrame("symbol")
	for i, r := range raw {
		sym := rawID(r.Symbol)
		if sym == "" {
			return nil, schemaErr(fmt.Sprintf("group[%d].symbol", i), "missing")
		}
		f.Rows = append(f.Rows, []any{sym})
	}
	return f, nil
}

// group answers CapGroup.
func (s *Source) group(ctx context.Context, q market.Query) (market.Result, error) {
	code := groupCode(q.Group)
	if code == "" {
		return market.Result{}, unsupported("group %q", q.Group)
	}
	body, err := s.getTrading(ctx, string(market.CapGroup), "price/symbols/getByGroup", url.Values{"group": {code}})
	if err != nil {
		return market.Result{}, err
	}
	f, err := parseGroup(body)
	if err != nil {
		return market.Result{}, err
	}
	return market.Result{Frame: f}, nil
}

// icbLevel is one ICB level of a search-bar company.
type icbLevel struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	NameEn string `json:"nameEn"`
}

// searchBarItem is one company of GET {IQ}/v2/company/search-bar.
type searchBarItem struct {
	Code        string    `json:"code"`
	Name        string    `json:"name"`
	ComTypeCode string    `json:"comTypeCode"`
	IcbLv1      *icbLevel `json:"icbLv1"`
	IcbLv2      *icbLevel `json:"icbLv2"`
	IcbLv3      *icbLevel `json:"icbLv3"`
	IcbLv4      *icbLevel `json:"icbLv4"`
}

// parseSearchBar parses the search-bar answer {data: [...]} into vnstock's
// symbols_by_industries frame: one row per company and ICB level, sorted by
// symbol then level, rows without an ICB code dropped.
func parseSearchBar(body []byte) (*market.Frame, error) {
	var env struct {
		Data *[]searchBarItem `json:"data"`
	}
	if err := decodeJSON(body, &env, "search-bar"); err != nil {
		return nil, err
	}
	if env.Data == nil {
		return nil, schemaErr("data", "missing")
	}
	f := market.NewFrame("symbol", "organ_name", "com_type_code", "icb_level", "icb_code", "icb_name")
	for i, c := range *env.Data {
		if c.Code == "" {
			return nil, schemaErr(fmt.Sprintf("data[%d].code", i), "missing")
		}
		for lv, l := range [...]*icbLevel{c.IcbLv1, c.IcbLv2, c.IcbLv3, c.IcbLv4} {
			if l == nil || l.Code == "" {
				continue
			}
			f.Rows = append(f.Rows, []any{c.Code, c.Name, c.ComTypeCode, int64(lv + 1), l.Code, l.Name})
		}
	}
	sort.SliceStable(f.Rows, func(i, j int) bool {
		a, b := f.Rows[i], f.Rows[j]
		if a[0].(string) != b[0].(string) {
			return a[0].(string) < b[0].(string)
		}
		return a[3].(int64) < b[3].(int64)
	})
	return f, nil
}

// industry answers CapIndustry: the search-bar rows of ICB code Query.Code
// (every row when Code is empty). Lang "en" asks for English names.
func (s *Source) industry(ctx context.Context, q market.Query) (market.Result, error) {
	lang := "1"
	if q.Lang == "en" {
		lang = "2"
	}
	body, err := s.getIQ(ctx, string(market.CapIndustry), "/v2/company/search-bar", url.Values{"language": {lang}})
	if err != nil {
		return market.Result{}, err
	}
	f, err := parseSearchBar(body)
	if err != nil {
		return market.Result{}, err
	}
	if q.Code != "" {
		c := f.Col("icb_code")
		f = filterRows(f, func(row []any) bool { return cellString(row, c) == q.Code })
	}
	return market.Result{Frame: f}, nil
}

// parseICBCodes parses GET {IQ}/v1/sectors/icb-codes ({data: [{name (the
// code), viSector, enSector, icbLevel}]}) into vnstock's industries_icb
// frame sorted by code.
func parseICBCodes(body []byte) (*market.Frame, error) {
	var env struct {
		Data *[]struct {
			Name     string `json:"name"`
			ViSector string `json:"viSector"`
			EnSector string `json:"enSector"`
			IcbLevel num    `json:"icbLevel"`
		} `json:"data"`
	}
	if err := decodeJSON(body, &env, "icb-codes"); err != nil {
		return nil, err
	}
	if env.Data == nil {
		return nil, schemaErr("data", "missing")
	}
	f := market.NewFrame("icb_name", "en_icb_name", "icb_code", "level")
	for i, r := range *env.Data {
		field := fmt.Sprintf("data[%d].", i)
		if r.Name == "" {
			return nil, schemaErr(field+"name", "missing")
		}
		if err := r.IcbLevel.check(field+"icbLevel", true); err != nil {
			return nil, err
		}
		lv, err := r.IcbLevel.whole(field + "icbLevel")
		if err != nil {
			return nil, err
		}
		f.Rows = append(f.Rows, []any{r.ViSector, r.EnSector, r.Name, lv})
	}
	sort.SliceStable(f.Rows, func(i, j int) bool { return f.Rows[i][2].(string) < f.Rows[j][2].(string) })
	return f, nil
}

// industries answers CapIndustries.
func (s *Source) industries(ctx context.Context, q market.Query) (market.Result, error) {
	body, err := s.getIQ(ctx, string(market.CapIndustries), "/v1/sectors/icb-codes", nil)
	if err != nil {
		return market.Result{}, err
	}
	f, err := parseICBCodes(body)
	if err != nil {
		return market.Result{}, err
	}
	return market.Result{Frame: f}, nil
}
