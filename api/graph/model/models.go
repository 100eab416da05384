package model

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// Meta is how an answer was obtained (REST's `meta`).
type Meta struct {
	Source    string
	PriceUnit string
	Cached    bool
	Stale     bool
	FetchedAt *time.Time
}

// Table is a vnstock DataFrame with the meta of the answer it came in.
type Table struct {
	Frame *market.Frame
	Meta  *Meta
}

// Columns returns the frame's column names.
func (t *Table) Columns() []string {
	if t.Frame == nil {
		return []string{}
	}
	return t.Frame.Columns
}

// Count returns the number of rows.
func (t *Table) Count() int { return t.Frame.Len() }

// Records returns each row as a JSON object keyed by column name.
func (t *Table) Records() ([]json.RawMessage, error) {
	out := make([]json.RawMessage, t.Frame.Len())
	for i := range out {
		rec, err := RowJSON(t.Frame, i)
		if err != nil {
			return nil, err
		}
		out[i] = rec
	}
	return out, nil
}

// RowJSON encodes row i of f as an object in column order. Times are written
// in ICT; NaN and infinities, which JSON cannot hold, become null.
func RowJSON(f *market.Frame, i int) (json.RawMessage, error) {
	row := f.Rows[i]
	b := make([]byte, 0, 32*len(f.Columns))
	b = append(b, '{')
	for c, name := range f.Columns {
		if c > 0 {
			b = append(b, ',')
		}
		k, _ := json.Marshal(name)
		b = append(append(b, k...), ':')
		var cell any
		if c < len(row) {
			cell = row[c]
		}
		v, err := cellJSON(cell)
		if err != nil {
			return nil, fmt.Errorf("row %d column %s: %w", i, name, err)
		}
		b = append(b, v...)
	}
	return append(b, '}'), nil
}

func cellJSON(v any) ([]byte, error) {
	switch x := v.(type) {
	case time.Time:
		return json.Marshal(x.In(market.ICT).Format(time.RFC3339))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return []byte("null"), nil
		}
	case float32:
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return []byte("null"), nil
		}
	}
	return json.Marshal(v)
}

// Group is a group's table and its members.
type Group struct {
	Code    string
	Table   *Table
	Members []*GroupMember
}

// GroupMember is one symbol of a group; its quote and company are resolved
// in batches.
type GroupMember struct {
	Symbol  string
	Record  json.RawMessage
	Company *Company
}

// Company names a company; each document is a resolver of its own.
type Company struct {
	Symbol string
}

// Fund names a fund; each table is a resolver of its own.
type Fund struct {
	Code string
}

// Live is the seq and ts of a value that came from the hub; both are nil on
// query answers.
type Live struct {
	Seq *int64
	TS  *int64
}

// NewLive returns the Live of an event.
func NewLive(seq uint64, ts int64) Live {
	s := int64(seq)
	return Live{Seq: &s, TS: &ts}
}

// LiveValue is one topic's last value.
type LiveValue struct {
	Topic string
	Kind  string
	Seq   int64
	TS    int64
	Data  json.RawMessage
}
