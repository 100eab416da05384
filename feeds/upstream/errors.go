package upstream

import (
	"errors"
	"fmt"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// Kinds of resilience failures; both also match market.ErrUpstream, so a
// failover moves on to the next source.
var (
	// ErrRateLimited marks an upstream that throttled us (HTTP 429 or a
	// Cloudflare 1015 page) longer than we wait.
	ErrRateLimited = errors.New("upstream rate limited")
	// ErrBreakerOpen marks a call refused because the source's circuit
	// breaker is open.
	ErrBreakerOpen = errors.New("upstream circuit breaker open")
)

// RateLimitedError is a call the upstream throttled. RetryAfter is the
// upstream's Retry-After (0 when it sent none); the API can pass it on.
type RateLimitedError struct {
	Source     string
	Status     int // HTTP status of the throttling answer
	RetryAfter time.Duration
}

func (e *RateLimitedError) Error() string {
	if e.RetryAfter > 0 {
		return fmt.Sprintf("%s: upstream rate limited (status %d), retry after %v", e.Source, e.Status, e.RetryAfter)
	}
	return fmt.Sprintf("%s: upstream rate limited (status %d)", e.Source, e.Status)
}

// Unwrap makes errors.Is match ErrRateLimited and market.ErrUpstream.
func (e *RateLimitedError) Unwrap() []error { return []error{ErrRateLimited, market.ErrUpstream} }

// BreakerOpenError is a call refused by the open circuit breaker;
// RetryAfter is the time left until the next probe.
type BreakerOpenError struct {
	Source     string
	RetryAfter time.Duration
}

func (e *BreakerOpenError) Error() string {
	return fmt.Sprintf("%s: circuit breaker open, next probe in %v", e.Source, e.RetryAfter.Round(time.Millisecond))
}

// Unwrap makes errors.Is match ErrBreakerOpen and market.ErrUpstream.
func (e *BreakerOpenError) Unwrap() []error { return []error{ErrBreakerOpen, market.ErrUpstream} }
