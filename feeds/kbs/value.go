package kbs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/vnstock-api/vnstock-api/market"
)

// num is a KBS number field. KBS writes the same quantity as a JSON number
// in one place and as a string in another (board bid prices "68200.0",
// index bars, sector prices), and leaves fields empty (""/null) when there
// is no value. UnmarshalJSON never fails: a value that is neither records
// bad, and the parser that owns the field reports it with its name.
type num struct {
	v    float64
	set  bool   // a numeric value was present
	bad  bool   // the value was not a number, a numeric string, "" or null
	word string // an order-type word in a price field ("ATO", "ATC")
}

// UnmarshalJSON implements json.Unmarshaler.
func (n *num) UnmarshalJSON(b []byte) error {
	*n = num{}
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		return nil
	case b[0] == '"':
		s, ok := jsonString(b)
		if !ok {
			n.bad = true
			return nil
		}
		n.parseString(strings.TrimSpace(s))
		return nil
	case b[0] == '-' || b[0] >= '0' && b[0] <= '9':
		v, err := strconv.ParseFloat(string(b), 64)
		if err != nil || math.IsInf(v, 0) {
			n.bad = true
			return nil
		}
		n.v, n.set = v, true
		return nil
	}
	n.bad = true
	return nil
}

func (n *num) parseString(s string) {
	if s == "" {
		return
	}
	switch strings.ToUpper(s) {
	case "ATO", "ATC", "MP", "MAK", "MOK", "MTL", "PLO":
		n.word = strings.ToUpper(s)
		return
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		n.bad = true
		return
	}
	n.v, n.set = v, true
}

// text is a KBS text field that is sometimes written as a number (a year
// "2004" or 2004, a code 26 or "26"). null and absent are "".
type text struct {
	s   string
	set bool
	bad bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *text) UnmarshalJSON(b []byte) error {
	*t = text{}
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
	case b[0] == '"':
		s, ok := jsonString(b)
		if !ok {
			t.bad = true
			return nil
		}
		t.s, t.set = s, true
	case b[0] == '-' || b[0] >= '0' && b[0] <= '9', string(b) == "true", string(b) == "false":
		t.s, t.set = string(b), true
	default:
		t.bad = true
	}
	return nil
}

// jsonString decodes a JSON string literal; the common case without escapes
// is sliced directly (encoding/json has already validated the document).
func jsonString(b []byte) (string, bool) {
	if len(b) >= 2 && b[len(b)-1] == '"' && bytes.IndexByte(b[1:len(b)-1], '\\') < 0 && bytes.IndexByte(b[1:len(b)-1], '"') < 0 {
		return string(b[1 : len(b)-1]), true
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return "", false
	}
	return s, true
}

// fields checks a parsed record's flexible fields, remembering the first
// malformed one. Its methods return the value or zero; err tells whether all
// of them were well formed.
type fields struct {
	what string // record kind for the error, "board row 3"
	err  error
}

func (f *fields) fail(field, format string, args ...any) {
	if f.err == nil {
		f.err = schemaErr(f.what+"."+field, format, args...)
	}
}

// float returns n's value; a missing value is 0 unless required.
func (f *fields) float(field string, n num, required bool) float64 {
	switch {
	case n.bad:
		f.fail(field, "not a number")
	case required && !n.set:
		f.fail(field, "missing")
	}
	return n.v
}

// int returns n rounded to an integer; fractional values are refused when
// the field must be integral up to rounding noise (prices "68200.0").
func (f *fields) int(field string, n num, required bool) int64 {
	v := f.float(field, n, required)
	r := math.Round(v)
	if math.Abs(v-r) > 1e-6*max(1, math.Abs(v)) || math.Abs(r) > 1<<62 {
		f.fail(field, "%v is not an integer", v)
		return 0
	}
	return int64(r)
}

// price is int for price fields, where "ATO"/"ATC" mean a market order
// at no price (0).
func (f *fields) price(field string, n num) int64 {
	if n.word != "" {
		return 0
	}
	return f.int(field, n, false)
}

// str returns t's text; a missing value is "" unless required.
func (f *fields) str(field string, t text, required bool) string {
	switch {
	case t.bad:
		f.fail(field, "not a string")
	case required && strings.TrimSpace(t.s) == "":
		f.fail(field, "missing")
	}
	return strings.TrimSpace(t.s)
}

// errNotObject reports a list element that is not a JSON object.
var errNotObject = errors.New("element is not an object")

func itoa(i int) string { return strconv.Itoa(i) }

// schemaErr is the parsers' error: a *market.SchemaError naming the field.
func schemaErr(field, format string, args ...any) error {
	return &market.SchemaError{Source: Name, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// decodeErr turns an encoding/json error into a SchemaError naming the
// field where json knows it, else what (the document being decoded).
func decodeErr(what string, err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := what
		if te.Field != "" {
			field = what + "." + te.Field
		}
		return schemaErr(field, "json %s where %s was expected", te.Value, te.Type)
	}
	var se *market.SchemaError
	if errors.As(err, &se) {
		return se
	}
	return schemaErr(what, "malformed json: %v", err)
}

// decode unmarshals body into v, mapping every failure to a SchemaError.
func decode(what string, body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		return decodeErr(what, err)
	}
	return nil
}

// decodeRows decodes the array of a body that is either the array itself
// or an object {"data": [...]} into rows of T.
func decodeRows[T any](what string, body []byte) ([]T, error) {
	data, err := unwrapData(what, body)
	if err != nil {
		return nil, err
	}
	var rows []T
	if err := decode(what, data, &rows); err != nil {
		return nil, err
	}
	return rows, nil
}

// unwrapData returns the array of a body that is either the array itself
// or an object {"data": [...]} (KBS answers both shapes for several paths).
func unwrapData(what string, body []byte) ([]byte, error) {
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '{' {
		var env struct {
			Data json.RawMessage `json:"data"`
		}
		if err := decode(what, body, &env); err != nil {
			return nil, err
		}
		if len(env.Data) == 0 || string(env.Data) == "null" {
			return nil, schemaErr(what+".data", "missing")
		}
		return env.Data, nil
	}
	return body, nil
}
