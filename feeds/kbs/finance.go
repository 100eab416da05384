package kbs

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/vnstock-api/vnstock-api/market"
)

// report is one KBS finance-info statement type.
type report struct {
	typ      string   // KBS type code
	sections []string // Content keys, first present wins; "" = every "Nhóm chỉ số" group
	scaled   bool     // values are thousand VND (unit=1000) and become VND
}

var reports = map[market.Capability]report{
	market.CapBalanceSheet:    {"CDKT", []string{"Cân đối kế toán"}, true},
	market.CapIncomeStatement: {"KQKD", []string{"Kết quả kinh doanh"}, true},
	market.CapCashFlow:        {"LCTT", []string{"Lưu chuyển tiền tệ gián tiếp", "Lưu chuyển tiền tệ trực tiếp"}, true},
	market.CapRatios:          {"CSTC", []string{""}, false},
}

// Periods: KBS pages hold 4; vnstock returns 4 unless asked for more.
const (
	financePageSize   = 4
	defaultPeriods    = 4
	maxFinancePages   = 5
	thousand          = 1000
	ratioGroupKeyword = "Nhóm chỉ số"
)

// finance answers the four statements: q.Period year|quarter, q.Lang
// vi|en (the item column), q.Limit periods (default 4).
func (s *Source) finance(ctx context.Context, q market.Query) (*market.Frame, error) {
	sym, err := symbolOf(q)
	if err != nil {
		return nil, err
	}
	rep := reports[q.Capability]
	term := "1"
	switch q.Period {
	case "", "year":
	case "quarter":
		term = "2"
	default:
		return nil, market.Invalid("period", "%q is not year or quarter", q.Period)
	}
	want := q.Limit
	if want <= 0 {
		want = defaultPeriods
	}
	var st *statement
	for page := 1; page <= maxFinancePages && (st == nil || len(st.periods) < want); page++ {
		body, err := s.get(ctx, q.Capability, "/stock/finance-info/"+string(sym), financeQuery(sym, rep.typ, term, page))
		if err != nil {
			return nil, err
		}
		next, err := parseFinance(body, rep, q.Lang)
		if err != nil {
			return nil, err
		}
		if len(next.periods) == 0 || st != nil && !st.merge(next) {
			break
		}
		if st == nil {
			st = next
		}
	}
	if st == nil || len(st.rows) == 0 {
		return nil, market.ErrNotFound
	}
	return st.frame(want), nil
}

// financeQuery is vnstock's parameter set: cash flow swaps languageid for
// code and a camelCase termType (upstream.md §4.6).
func financeQuery(sym market.Symbol, typ, term string, page int) url.Values {
	v := url.Values{"page": {strconv.Itoa(page)}, "pageSize": {strconv.Itoa(financePageSize)},
		"type": {typ}, "unit": {"1000"}, "termtype": {term}}
	if typ == "LCTT" {
		v.Set("code", string(sym))
		v.Set("termType", term)
	} else {
		v.Set("languageid", "1")
	}
	return v
}

type financeHead struct {
	ID                 num
	YearPeriod         text
	TermName, TermCode text
}

type financeItem struct {
	ID                                     num
	Name, NameEn                           text
	Value1, Value2, Value3, Value4, Value5 num
	Value6, Value7, Value8                 num
}

// statement is a parsed statement: periods (column labels) and rows.
type statement struct {
	periods []string
	rows    []finRow
	index   map[string]int // item_id → row
}

type finRow struct {
	item, id string
	values   map[string]any // period → float64 or nil
}

// parseFinance parses one finance-info page. Value<i> belongs to the i-th
// Head after sorting the heads by ID; statements are scaled from thousand
// VND to VND, ratios are not.
func parseFinance(body []byte, rep report, lang string) (*statement, error) {
	var doc struct {
		Head    []financeHead
		Content json.RawMessage
	}
	if err := decode("finance", body, &doc); err != nil {
		return nil, err
	}
	periods, err := periodLabels(doc.Head)
	if err != nil {
		return nil, err
	}
	items, err := sectionItems(doc.Content, rep)
	if err != nil {
		return nil, err
	}
	st := &statement{periods: periods, index: map[string]int{}}
	for i := range items {
		if err := st.add(&items[i], i, rep.scaled, lang); err != nil {
			return nil, err
		}
	}
	return st, nil
}

func periodLabels(heads []financeHead) ([]string, error) {
	type head struct {
		id    float64
		label string
	}
	hs := make([]head, 0, len(heads))
	for i, h := range heads {
		f := fields{what: "finance.Head[" + itoa(i) + "]"}
		id := f.float("ID", h.ID, false)
		year := f.str("YearPeriod", h.YearPeriod, true)
		if f.err == nil && (!isDigits(year) || len(year) != 4) {
			f.fail("YearPeriod", "%q is not a year", year)
		}
		if f.err != nil {
			return nil, f.err
		}
		hs = append(hs, head{id, periodLabel(year, f.str("TermName", h.TermName, false), f.str("TermCode", h.TermCode, false))})
	}
	slices.SortStableFunc(hs, func(a, b head) int {
		switch {
		case a.id < b.id:
			return -1
		case a.id > b.id:
			return 1
		}
		return 0
	})
	out := make([]string, 0, len(hs))
	for _, h := range hs {
		label := h.label
		for n := 1; slices.Contains(out, label); n++ {
			label = h.label + "_" + strconv.Itoa(n)
		}
		out = append(out, label)
	}
	return out, nil
}

// periodLabel is vnstock's column name: "2024-Q1" for a quarter ("Quý 1" or
// TermCode "Q1"), else the year.
func periodLabel(year, termName, termCode string) string {
	if strings.Contains(termName, "Quý") {
		if q := strings.TrimSpace(strings.ReplaceAll(termName, "Quý", "")); isDigits(q) {
			return year + "-Q" + q
		}
	}
	if c := strings.ToUpper(termCode); len(c) == 2 && c[0] == 'Q' && c[1] >= '1' && c[1] <= '4' {
		return year + "-" + c
	}
	return year
}

// sectionItems returns the rows of the report's Content section(s), in
// document order. An empty or null Content is no data.
func sectionItems(content json.RawMessage, rep report) ([]financeItem, error) {
	content = bytes.TrimSpace(content)
	if len(content) == 0 || string(content) == "null" {
		return nil, nil
	}
	keys, raws, err := orderedSections(content)
	if err != nil {
		return nil, err
	}
	var items []financeItem
	for _, want := range rep.sections {
		for i, k := range keys {
			if want == k || want == "" && strings.Contains(k, ratioGroupKeyword) {
				var part []financeItem
				if err := decode("finance.Content."+k, raws[i], &part); err != nil {
					return nil, err
				}
				items = append(items, part...)
			}
		}
		if len(items) > 0 {
			break
		}
	}
	if items == nil && len(keys) > 0 {
		return nil, schemaErr("finance.Content", "no section %q among %q", rep.sections[0], keys)
	}
	return items, nil
}

func orderedSections(content json.RawMessage) ([]string, []json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(content))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, schemaErr("finance.Content", "not an object")
	}
	var keys []string
	var raws []json.RawMessage
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, schemaErr("finance.Content", "%v", err)
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, schemaErr("finance.Content."+key, "%v", err)
		}
		keys, raws = append(keys, key), append(raws, raw)
	}
	return keys, raws, nil
}

// add appends one item row; a repeated item_id gets a _2, _3 suffix.
func (st *statement) add(it *financeItem, i int, scaled bool, lang string) error {
	f := fields{what: "finance.Content[" + itoa(i) + "]"}
	name, en := f.str("Name", it.Name, false), f.str("NameEn", it.NameEn, false)
	item := name
	if lang == "en" && en != "" {
		item = en
	}
	id := itemID(en)
	if id == "" {
		id = itemID(name)
	}
	vals := [...]num{it.Value1, it.Value2, it.Value3, it.Value4, it.Value5, it.Value6, it.Value7, it.Value8}
	row := finRow{item: item, id: id, values: map[string]any{}}
	for p, label := range st.periods {
		if p >= len(vals) {
			break
		}
		v := f.float("Value"+itoa(p+1), vals[p], false)
		if vals[p].set {
			if scaled {
				v *= thousand
			}
			row.values[label] = v
		}
	}
	if f.err != nil {
		return f.err
	}
	base := row.id
	for n := 2; st.has(row.id); n++ {
		row.id = base + "_" + strconv.Itoa(n)
	}
	st.index[row.id] = len(st.rows)
	st.rows = append(st.rows, row)
	return nil
}

func (st *statement) has(id string) bool { _, ok := st.index[id]; return ok }

// merge adds a later page's periods; false when it brought none new.
func (st *statement) merge(next *statement) bool {
	var fresh []string
	for _, p := range next.periods {
		if !slices.Contains(st.periods, p) {
			fresh = append(fresh, p)
		}
	}
	if len(fresh) == 0 {
		return false
	}
	st.periods = append(st.periods, fresh...)
	for _, r := range next.rows {
		i, ok := st.index[r.id]
		if !ok {
			st.index[r.id] = len(st.rows)
			st.rows = append(st.rows, finRow{item: r.item, id: r.id, values: map[string]any{}})
			i = len(st.rows) - 1
		}
		for _, p := range fresh {
			if v, ok := r.values[p]; ok {
				st.rows[i].values[p] = v
			}
		}
	}
	return true
}

// frame renders item, item_id and up to want period columns, dropping
// periods with no value at all as vnstock does.
func (st *statement) frame(want int) *market.Frame {
	var periods []string
	for _, p := range st.periods {
		if len(periods) == want {
			break
		}
		for _, r := range st.rows {
			if _, ok := r.values[p]; ok {
				periods = append(periods, p)
				break
			}
		}
	}
	fr := market.NewFrame(append([]string{"item", "item_id"}, periods...)...)
	for _, r := range st.rows {
		cells := make([]any, 0, 2+len(periods))
		cells = append(cells, r.item, r.id)
		for _, p := range periods {
			cells = append(cells, r.values[p])
		}
		fr.Rows = append(fr.Rows, cells)
	}
	return fr
}
