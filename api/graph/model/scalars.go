// Package model holds the Go types the GraphQL schema (api/graph/schema.graphqls)
// binds to, the custom scalars (Time, Date, JSON) and the conversions from the
// market domain types and the live protocol's payloads.
package model

import (
	"encoding/json"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/vnstock-api/vnstock-api/market"
)

// MarshalTime writes t as RFC 3339 in ICT (+07:00), the API's one zone.
func MarshalTime(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		b := make([]byte, 0, 32)
		b = append(b, '"')
		b = t.In(market.ICT).AppendFormat(b, time.RFC3339)
		b = append(b, '"')
		_, _ = w.Write(b)
	})
}

// Unmarshal errors are market FieldErrors, reported as BAD_USER_INPUT.

// UnmarshalTime reads an RFC 3339 time (any offset) and returns it in ICT.
func UnmarshalTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, market.Invalid("time", "must be an RFC 3339 string, got %T", v)
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, market.Invalid("time", "%q is not RFC 3339 (2024-01-02T09:15:00+07:00)", s)
	}
	if t = t.In(market.ICT); t.Year() < 1 || t.Year() > 9999 {
		return time.Time{}, market.Invalid("time", "%q is outside years 1 to 9999 in +07:00", s)
	}
	return t, nil
}

// MarshalDate writes t's day in ICT as YYYY-MM-DD.
func MarshalDate(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(t.In(market.ICT).Format(time.DateOnly)))
	})
}

// UnmarshalDate reads YYYY-MM-DD as midnight in ICT.
func UnmarshalDate(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, market.Invalid("date", "must be a YYYY-MM-DD string, got %T", v)
	}
	t, err := time.ParseInLocation(time.DateOnly, s, market.ICT)
	if err != nil {
		return time.Time{}, market.Invalid("date", "%q is not YYYY-MM-DD", s)
	}
	if t.Year() < 1 {
		return time.Time{}, market.Invalid("date", "%q is before year 1", s)
	}
	return t, nil
}

// MarshalJSON writes an already encoded JSON value as is.
func MarshalJSON(v json.RawMessage) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		if len(v) == 0 {
			_, _ = io.WriteString(w, "null")
			return
		}
		_, _ = w.Write(v)
	})
}

// UnmarshalJSON accepts any input value and keeps its JSON encoding.
func UnmarshalJSON(v any) (json.RawMessage, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, market.Invalid("json", "%v", err)
	}
	return b, nil
}
