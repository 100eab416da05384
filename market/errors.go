// Package market holds the domain types of the Vietnamese stock market that every
// other package of vnstock-api speaks: symbols, exchanges, price-board quotes,
// trades, index levels, bars and session phases, plus the exchange rules
// (price limits, tick sizes, lots, the trading calendar) that validators and the
// simulator need. It imports nothing else from the module.
//
// Units are one convention everywhere: prices in VND (integers for stocks, CW,
// ETFs and futures), index levels as decimals, volumes in shares and times in
// Asia/Ho_Chi_Minh (+07:00).
package market

import (
	"errors"
	"fmt"
)

// Error kinds. Callers classify with errors.Is.
var (
	// ErrInvalid marks input that does not satisfy a rule (bad symbol, bad date...).
	ErrInvalid = errors.New("invalid argument")
	// ErrNotFound marks a symbol, resource or record that does not exist.
	ErrNotFound = errors.New("not found")
	// ErrUpstream marks a failure of an upstream source (transport or status).
	ErrUpstream = errors.New("upstream error")
	// ErrUnsupported says a source does not offer a capability (or an option
	// of it, such as an interval); failover moves on to the next source.
	ErrUnsupported = errors.New("capability not supported by this source")
	// ErrUpstreamSchema marks upstream bytes that do not have the expected shape.
	ErrUpstreamSchema = errors.New("upstream_schema")
)

// FieldError is an ErrInvalid that names the offending field, so that APIs can
// report which parameter was wrong.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *FieldError) Unwrap() error { return ErrInvalid }

// Invalid returns a FieldError for field with a formatted message.
func Invalid(field, format string, args ...any) error {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// SchemaError is an ErrUpstreamSchema that names the source and the field whose
// value was missing or malformed; parsers return it instead of a zero value.
type SchemaError struct {
	Source string
	Field  string
	Msg    string
}

func (e *SchemaError) Error() string {
	return fmt.Sprintf("upstream_schema: %s: field %s: %s", e.Source, e.Field, e.Msg)
}

// Unwrap makes errors.Is(err, ErrUpstreamSchema) true.
func (e *SchemaError) Unwrap() error { return ErrUpstreamSchema }
