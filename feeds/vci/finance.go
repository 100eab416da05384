package vci

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/vnstock-api/vnstock-api/market"
)

// defaultPeriods is vnstock's default `limit` of financial periods.
const defaultPeriods = 4

// label is the vnstock naming of one line item or ratio: item (vi),
// item_en and item_id.
type label struct{ vi, en, id string }

// periodRow is one reporting period: its column label and its record.
type periodRow struct {
	year, quarter int
	name          string
	rec           record
}

// readPeriod reads the year and quarter of a record (yearReport and
// lengthReport, or year and quarter; quarter 5 or absent is the year).
func readPeriod(r record, field string) (int, int, error) {
	y, ok := r.float("yearReport")
	if !ok {
		y, ok = r.float("year")
	}
	if !ok || y < 1900 || y > 3000 {
		return 0, 0, schemaErr(field+".yearReport", "missing or not a year")
	}
	q, ok := r.float("lengthReport")
	if !ok {
		q, ok = r.float("quarter")
	}
	if !ok || q < 0 || q > 5 {
		q = 5
	}
	return int(y), int(q), nil
}

// periodName is vnstock's column label: "2025-Q3" for quarters, "2025" for years.
func periodName(year, quarter int, quarterly bool) string {
	if quarterly && quarter >= 1 && quarter <= 4 {
		return strconv.Itoa(year) + "-Q" + strconv.Itoa(quarter)
	}
	return strconv.Itoa(year)
}

// periodRows reads the periods of recs, newest first, naming duplicate
// labels name_1, name_2 ... (as vnstock's KBS output does).
func periodRows(recs []record, quarterly bool, field string) ([]periodRow, error) {
	rows := make([]periodRow, 0, len(recs))
	for i, r := range recs {
		y, q, err := readPeriod(r, fmt.Sprintf("%s[%d]", field, i))
		if err != nil {
			return nil, err
		}
		rows = append(rows, periodRow{year: y, quarter: q, rec: r})
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].year != rows[j].year {
			return rows[i].year > rows[j].year
		}
		return rows[i].quarter > rows[j].quarter
	})
	seen := map[string]int{}
	for i := range rows {
		name := periodName(rows[i].year, rows[i].quarter, quarterly)
		if n := seen[name]; n > 0 {
			rows[i].name = name + "_" + strconv.Itoa(n)
		} else {
			rows[i].name = name
		}
		seen[name]++
	}
	return rows, nil
}

// itemFrame builds vnstock's financial report layout: one row per item
// (item, item_en, item_id), one column per period; lang "en" puts the
// English label in item. With dropEmpty, period columns whose every value
// is 0 or null are dropped (vnstock's dropna=True).
func itemFrame(fields []string, labels map[string]label, periods []periodRow, lang string, dropEmpty bool) *market.Frame {
	var keepP []periodRow
	for _, p := range periods {
		if !dropEmpty || hasValue(p.rec, fields) {
			keepP = append(keepP, p)
		}
	}
	cols := []string{"item", "item_en", "item_id"}
	for _, p := range keepP {
		cols = append(cols, p.name)
	}
	f := market.NewFrame(cols...)
	for _, fld := range fields {
		l := labels[fld]
		item := l.vi
		if lang == "en" {
			item = l.en
		}
		row := []any{item, l.en, l.id}
		for _, p := range keepP {
			row = append(row, valueCell(p.rec.get(fld)))
		}
		f.Rows = append(f.Rows, row)
	}
	return f
}

// hasValue reports whether any of fields is non-zero in r.
func hasValue(r record, fields []string) bool {
	for _, f := range fields {
		switch v := valueCell(r.get(f)).(type) {
		case int64:
			if v != 0 {
				return true
			}
		case float64:
			if v != 0 {
				return true
			}
		case string:
			if v != "" {
				return true
			}
		}
	}
	return false
}

// valueCell keeps numbers, turns numeric strings into numbers, and keeps
// other values.
func valueCell(v any) any {
	if s, ok := v.(string); ok {
		if f, ok := parseNumber([]byte(strings.TrimSpace(s))); ok {
			return numCell(f)
		}
	}
	return v
}

// fieldsOf lists the keys of recs that have a label, in upstream key order.
func fieldsOf(recs []periodRow, labels map[string]label) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range recs {
		for _, k := range p.rec.keys {
			if _, ok := labels[k]; ok && !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}

// parseMetrics parses GET {IQ}/v1/company/{sym}/financial-statement/metrics
// ({data: {SECTION: [{field, titleVi, titleEn, ...}]}}) into labels keyed by
// field code. item_id is the English title in snake_case (vnstock
// normalises item_en the same way), or the code when the title is empty.
func parseMetrics(body []byte) (map[string]label, error) {
	var env struct {
		Data map[string][]struct {
			Field   string `json:"field"`
			TitleVi string `json:"titleVi"`
			TitleEn string `json:"titleEn"`
		} `json:"data"`
	}
	if err := decodeJSON(body, &env, "metrics"); err != nil {
		return nil, err
	}
	if env.Data == nil {
		return nil, schemaErr("data", "missing")
	}
	sections := make([]string, 0, len(env.Data))
	for k := range env.Data {
		sections = append(sections, k)
	}
	sort.Strings(sections)
	labels := map[string]label{}
	for _, sec := range sections {
		for i, m := range env.Data[sec] {
			if m.Field == "" {
				return nil, schemaErr(fmt.Sprintf("data.%s[%d].field", sec, i), "missing")
			}
			if _, ok := labels[m.Field]; !ok {
				labels[m.Field] = label{vi: m.TitleVi, en: m.TitleEn, id: slug(m.TitleEn, m.Field)}
			}
		}
	}
	return labels, nil
}

// slug turns an English title into a snake_case id ("Net revenue (VND)" →
// "net_revenue_vnd"); fallback when nothing is left.
func slug(title, fallback string) string {
	var b strings.Builder
	under := false
	for _, c := range strings.ToLower(title) {
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			if under && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(c)
			under = false
			continue
		}
		under = true
	}
	if b.Len() == 0 {
		return strings.ToLower(fallback)
	}
	return b.String()
}

// parseStatement parses GET {IQ}/v1/company/{sym}/financial-statement
// ({data: {years: [...], quarters: [...]}}) with the metrics labels into
// vnstock's report frame: the `limit` newest periods of the asked period
// type. Values are VND as VCI sends them.
func parseStatement(body []byte, labels map[string]label, quarterly bool, lang string, limit int) (*market.Frame, error) {
	d, err := iqData(body, "financial-statement")
	if err != nil {
		return nil, err
	}
	key := "years"
	if quarterly {
		key = "quarters"
	}
	var recs []record
	if d != nil {
		var env map[string]json.RawMessage
		if err := decodeJSON(d, &env, "financial-statement.data"); err != nil {
			return nil, err
		}
		if raw := env[key]; len(raw) > 0 && string(raw) != "null" {
			if recs, err = decodeRecords(raw, "data."+key); err != nil {
				return nil, err
			}
		}
	}
	rows, err := periodRows(recs, quarterly, "data."+key)
	if err != nil {
		return nil, err
	}
	if len(rows) > limit {
		rows = rows[:limit]
	}
	return itemFrame(fieldsOf(rows, labels), labels, rows, lang, true), nil
}

// statementSection maps a statement capability to VCI's section.
func statementSection(c market.Capability) string {
	switch c {
	case market.CapBalanceSheet:
		return "BALANCE_SHEET"
	case market.CapIncomeStatement:
		return "INCOME_STATEMENT"
	}
	return "CASH_FLOW"
}

// periodOf reads Query.Period ("quarter" default, as vnstock's Finance).
func periodOf(q market.Query) (bool, error) {
	switch q.Period {
	case "", "quarter", "Q", "q":
		return true, nil
	case "year", "Y", "y":
		return false, nil
	}
	return false, market.Invalid("period", "%q is not year or quarter", q.Period)
}

// limitOf is the number of periods asked (Query.Limit, default 4).
func limitOf(q market.Query) int {
	if q.Limit > 0 {
		return q.Limit
	}
	return defaultPeriods
}

// statement answers the balance sheet, income statement and cash flow:
// the section's values and the metrics labels.
func (s *Source) statement(ctx context.Context, q market.Query) (market.Result, error) {
	if err := stockOnly(q); err != nil {
		return market.Result{}, err
	}
	quarterly, err := periodOf(q)
	if err != nil {
		return market.Result{}, err
	}
	base := "/v1/company/" + string(q.Symbol) + "/financial-statement"
	body, err := s.getIQ(ctx, string(q.Capability), base, url.Values{"section": {statementSection(q.Capability)}})
	if err != nil {
		return market.Result{}, err
	}
	mbody, err := s.getIQ(ctx, string(q.Capability), base+"/metrics", nil)
	if err != nil {
		return market.Result{}, err
	}
	labels, err := parseMetrics(mbody)
	if err != nil {
		return market.Result{}, err
	}
	f, err := parseStatement(body, labels, quarterly, q.Lang, limitOf(q))
	if err != nil {
		return market.Result{}, err
	}
	return market.Result{Frame: f}, nil
}
