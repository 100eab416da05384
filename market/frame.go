package market

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Frame is a table with vnstock's output column names: the shape of the
// pandas DataFrame vnstock returns. Company documents, financial statements,
// listings, funds, gold and FX are Frames; OHLCV bars, trades and quotes have
// typed structs of their own. Cells hold JSON-compatible values: string,
// float64, int64, bool, time.Time (written in +07:00) or nil.
type Frame struct {
	Columns []string
	Rows    [][]any
}

// NewFrame returns an empty frame with the given columns.
func NewFrame(columns ...string) *Frame { return &Frame{Columns: columns} }

// Append adds one row; it must have one cell per column.
func (f *Frame) Append(cells ...any) error {
	if len(cells) != len(f.Columns) {
		return fmt.Errorf("frame: row has %d cells, want %d", len(cells), len(f.Columns))
	}
	f.Rows = append(f.Rows, cells)
	return nil
}

// Len is the number of rows.
func (f *Frame) Len() int {
	if f == nil {
		return 0
	}
	return len(f.Rows)
}

// Col returns the index of column name, or -1.
func (f *Frame) Col(name string) int { return slices.Index(f.Columns, name) }

// Value returns row i's cell in column name, or nil.
func (f *Frame) Value(i int, name string) any {
	c := f.Col(name)
	if c < 0 || i < 0 || i >= len(f.Rows) {
		return nil
	}
	return f.Rows[i][c]
}

// MarshalJSON writes the rows as an array of objects whose keys keep the
// column order, as pandas' to_dict("records") would.
func (f Frame) MarshalJSON() ([]byte, error) {
	b := []byte{'['}
	for i, row := range f.Rows {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		for c, name := range f.Columns {
			if c > 0 {
				b = append(b, ',')
			}
			b = AppendJSONString(b, name)
			b = append(b, ':')
			v, err := json.Marshal(cellJSON(row[c]))
			if err != nil {
				return nil, fmt.Errorf("frame: column %s: %w", name, err)
			}
			b = append(b, v...)
		}
		b = append(b, '}')
	}
	return append(b, ']'), nil
}

// UnmarshalJSON reads an array of objects; columns come from the first
// object's keys in the order they appear, then any new key of later rows.
func (f *Frame) UnmarshalJSON(data []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*f = Frame{}
	for _, obj := range raw {
		keys, vals, err := orderedObject(obj)
		if err != nil {
			return err
		}
		row := make([]any, len(f.Columns))
		for i, k := range keys {
			c := f.Col(k)
			if c < 0 {
				f.Columns = append(f.Columns, k)
				for r := range f.Rows {
					f.Rows[r] = append(f.Rows[r], nil)
				}
				row = append(row, nil)
				c = len(f.Columns) - 1
			}
			row[c] = vals[i]
		}
		f.Rows = append(f.Rows, row)
	}
	return nil
}

// cellJSON writes times in ICT, the one zone of the API.
func cellJSON(v any) any {
	if t, ok := v.(time.Time); ok {
		return t.In(ICT).Format(time.RFC3339)
	}
	return v
}

// orderedObject decodes one JSON object keeping its key order. Numbers stay
// json.Number-free float64 or int64 when integral.
func orderedObject(obj json.RawMessage) ([]string, []any, error) {
	dec := json.NewDecoder(bytes.NewReader(obj))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, fmt.Errorf("frame: row is not an object")
	}
	var keys []string
	var vals []any
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		key, _ := tok.(string)
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, nil, err
		}
		if n, ok := v.(json.Number); ok {
			if i, err := n.Int64(); err == nil {
				v = i
			} else if f, err := n.Float64(); err == nil {
				v = f
			}
		}
		keys = append(keys, key)
		vals = append(vals, v)
	}
	return keys, vals, nil
}
