package vci

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/vnstock-api/vnstock-api/market"
)

// record is one upstream JSON object with its keys in upstream order.
// Values are string, int64, float64, bool, nil, or (for nested objects and
// arrays) their compact JSON text.
type record struct {
	keys []string
	vals []any
}

// get returns the value of key, or nil.
func (r record) get(key string) any {
	if i := slices.Index(r.keys, key); i >= 0 {
		return r.vals[i]
	}
	return nil
}

// str returns the value of key as a string ("" when absent or not a string).
func (r record) str(key string) string {
	s, _ := r.get(key).(string)
	return s
}

// float returns a numeric value of key (numbers, or numeric strings).
func (r record) float(key string) (float64, bool) {
	switch v := r.get(key).(type) {
	case int64:
		return float64(v), true
	case float64:
		return v, true
	case string:
		f, ok := parseNumber([]byte(strings.TrimSpace(v)))
		return f, ok
	}
	return 0, false
}

// decodeRecords reads a JSON array of objects. field names the array in
// errors ("data.content" ...); element i is reported as field[i].
func decodeRecords(data []byte, field string) ([]record, error) {
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, schemaErr(field, "not an array of objects")
	}
	out := make([]record, 0, len(raw))
	for i, obj := range raw {
		r, err := decodeRecord(obj, field+"["+strconv.Itoa(i)+"]")
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// decodeRecord reads one JSON object keeping its key order.
func decodeRecord(obj []byte, field string) (record, error) {
	dec := json.NewDecoder(bytes.NewReader(obj))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return record{}, schemaErr(field, "not an object")
	}
	var r record
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return record{}, schemaErr(field, "bad key")
		}
		key, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return record{}, schemaErr(field+"."+key, "bad value")
		}
		r.keys = append(r.keys, key)
		r.vals = append(r.vals, cellOf(v))
	}
	return r, nil
}

// cellOf converts one raw JSON value into a Frame cell.
func cellOf(v json.RawMessage) any {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return nil
	}
	switch v[0] {
	case 'n':
		return nil
	case 't':
		return true
	case 'f':
		return false
	case '"':
		var s string
		if json.Unmarshal(v, &s) != nil {
			return string(v)
		}
		return s
	case '{', '[':
		var buf bytes.Buffer
		if json.Compact(&buf, v) != nil {
			return string(v)
		}
		return buf.String()
	}
	if i, err := strconv.ParseInt(string(v), 10, 64); err == nil {
		return i
	}
	if f, err := strconv.ParseFloat(string(v), 64); err == nil {
		return f
	}
	return string(v)
}

// frameSpec says how vnstock turns a list of upstream records into its
// DataFrame: keys are snake_cased, then dropped, renamed and reordered.
type frameSpec struct {
	dropContains []string          // drop columns whose name contains one of these (vnstock drop_cols_by_pattern)
	drop         []string          // drop these exact columns
	rename       map[string]string // after snake_case
	first        []string          // move these to the front, in this order
	keep         []string          // when set, only these columns, in this order
	dates        []string          // epoch-ms or ISO values become YYYY-MM-DD
	prepend      [][2]string       // constant columns added first (name, value)
}

// build returns the Frame of records under spec.
func (sp frameSpec) build(recs []record) *market.Frame {
	var cols []string
	index := map[string]int{}
	rows := make([]map[string]any, len(recs))
	for i, r := range recs {
		row := make(map[string]any, len(r.keys))
		for k, key := range r.keys {
			name := sp.column(key)
			if name == "" {
				continue
			}
			if _, ok := index[name]; !ok {
				index[name] = len(cols)
				cols = append(cols, name)
			}
			row[name] = r.vals[k]
		}
		rows[i] = row
	}
	cols = sp.order(cols)
	f := market.NewFrame(cols...)
	for _, row := range rows {
		cells := make([]any, len(cols))
		for c, name := range cols {
			cells[c] = row[name]
			if slices.Contains(sp.dates, name) {
				cells[c] = dateCell(cells[c])
			}
		}
		for c, p := range sp.prepend {
			cells[c] = p[1]
		}
		f.Rows = append(f.Rows, cells)
	}
	return f
}

// column maps an upstream key to its column name, or "" to drop it.
func (sp frameSpec) column(key string) string {
	if strings.HasPrefix(key, "__") {
		return ""
	}
	name := camelToSnake(key)
	for _, p := range sp.dropContains {
		if strings.Contains(name, p) {
			return ""
		}
	}
	if slices.Contains(sp.drop, name) {
		return ""
	}
	if to, ok := sp.rename[name]; ok {
		name = to
	}
	for _, p := range sp.prepend {
		if p[0] == name {
			return ""
		}
	}
	return name
}

// order applies keep, first and prepend to the columns found.
func (sp frameSpec) order(cols []string) []string {
	if len(sp.keep) > 0 {
		var kept []string
		for _, k := range sp.keep {
			if slices.Contains(cols, k) {
				kept = append(kept, k)
			}
		}
		cols = kept
	}
	var out []string
	for _, p := range sp.prepend {
		out = append(out, p[0])
	}
	for _, f := range sp.first {
		if slices.Contains(cols, f) {
			out = append(out, f)
		}
	}
	for _, c := range cols {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// dateCell renders an epoch-ms number or an ISO date-time string as
// YYYY-MM-DD; other values pass through.
func dateCell(v any) any {
	switch x := v.(type) {
	case int64:
		return msDate(float64(x))
	case float64:
		return msDate(x)
	case string:
		if len(x) >= 10 && x[4] == '-' && x[7] == '-' {
			return x[:10]
		}
	}
	return v
}
