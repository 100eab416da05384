package upstream

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"
)

// Observer receives one call per attempt sent upstream (outcome ok,
// server_error, client_error, rate_limited, timeout, transport_error or
// canceled, with the attempt's duration) and one per call refused without
// reaching the upstream (outcome breaker_open or blocked, duration 0). It
// must be cheap and safe for concurrent use; metrics counters fit.
type Observer func(source, capability, outcome string, d time.Duration)

// Outcomes reported to an Observer.
const (
	OutcomeOK          = "ok"
	OutcomeServerError = "server_error"    // 5xx
	OutcomeClientError = "client_error"    // 4xx other than 429
	OutcomeRateLimited = "rate_limited"    // 429 or a Cloudflare 1015 body
	OutcomeTimeout     = "timeout"         // the attempt timed out
	OutcomeTransport   = "transport_error" // connection, TLS, body read...
	OutcomeCanceled    = "canceled"        // the caller gave up
	OutcomeBreakerOpen = "breaker_open"    // refused by the open breaker
	OutcomeBlocked     = "blocked"         // refused while a long Retry-After runs
)

// Policy is the resilience configuration of one upstream source. Start from
// DefaultPolicy and override fields; zero durations and thresholds take the
// defaults of DefaultPolicy.
type Policy struct {
	Source string // source name for errors, logs and metrics

	// RPS and Burst configure the client-side token bucket
	// (golang.org/x/time/rate). RPS <= 0 disables the limiter.
	RPS   float64
	Burst int

	// MaxRetries is how many times a failed attempt (5xx, timeout,
	// transport error, 429) is retried; 0 never retries. 4xx other than 429
	// are never retried.
	MaxRetries int
	// BaseBackoff and MaxBackoff bound the full-jitter backoff: the wait
	// before retry n is uniform in [0, min(MaxBackoff, BaseBackoff·2^n)).
	BaseBackoff time.Duration
	MaxBackoff  time.Duration
	// MaxRetryAfter is the longest Retry-After waited out before retrying a
	// 429; a longer one fails fast with a *RateLimitedError and refuses
	// further calls until it has passed.
	MaxRetryAfter time.Duration

	// FailureThreshold consecutive failed attempts open the breaker;
	// after Cooldown it lets one probe through (half-open).
	FailureThreshold int
	Cooldown         time.Duration

	Observer Observer     // optional
	Logger   *slog.Logger // breaker transitions; nil discards

	// Injected for tests: the clock, the sleeper and the jitter source.
	// Sleep must return ctx.Err() when ctx ends first. Jitter returns a
	// duration uniform in [0, d).
	Now    func() time.Time
	Sleep  func(ctx context.Context, d time.Duration) error
	Jitter func(d time.Duration) time.Duration
}

// DefaultPolicy returns the policy of source: request rates kept below what
// is known of each upstream's limits (upstream.md §2.1) and shared retry
// and breaker settings.
//
//   - vci, vciiq: about 30 requests/min per IP is tolerated, and iq company
//     calls want 2 s spacing: 0.4/s (24/min), burst 1.
//   - kbs: no limit was hit in a 13-call test; 5/s, burst 5 is conservative.
//   - msn, fmarket: unknown; 2/s.
//   - sjc, btmc, vcb: small sites, one page per date; 1/s.
//   - anything else: 2/s.
func DefaultPolicy(source string) Policy {
	p := Policy{
		Source:           source,
		RPS:              2,
		Burst:            2,
		MaxRetries:       2,
		BaseBackoff:      250 * time.Millisecond,
		MaxBackoff:       4 * time.Second,
		MaxRetryAfter:    5 * time.Second,
		FailureThreshold: 5,
		Cooldown:         30 * time.Second,
	}
	switch source {
	case "vci", "vciiq":
		p.RPS, p.Burst = 0.4, 1
	case "kbs":
		p.RPS, p.Burst = 5, 5
	case "sjc", "btmc", "vcb":
		p.RPS, p.Burst = 1, 1
	}
	return p
}

// withDefaults fills the zero fields whose zero value is not meaningful.
func (p Policy) withDefaults() Policy {
	d := DefaultPolicy(p.Source)
	if p.Burst <= 0 {
		p.Burst = max(1, int(p.RPS))
	}
	if p.MaxRetries < 0 {
		p.MaxRetries = 0
	}
	if p.BaseBackoff <= 0 {
		p.BaseBackoff = d.BaseBackoff
	}
	if p.MaxBackoff <= 0 {
		p.MaxBackoff = d.MaxBackoff
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = d.MaxRetryAfter
	}
	if p.FailureThreshold <= 0 {
		p.FailureThreshold = d.FailureThreshold
	}
	if p.Cooldown <= 0 {
		p.Cooldown = d.Cooldown
	}
	if p.Logger == nil {
		p.Logger = slog.New(slog.DiscardHandler)
	}
	if p.Now == nil {
		p.Now = time.Now
	}
	if p.Sleep == nil {
		p.Sleep = Sleep
	}
	if p.Jitter == nil {
		p.Jitter = jitter
	}
	return p
}

// backoff is the full-jitter wait before retry n (0-based).
func (p *Policy) backoff(n int) time.Duration {
	ceil := p.BaseBackoff
	for i := 0; i < n && ceil < p.MaxBackoff; i++ {
		ceil *= 2
	}
	return p.Jitter(min(ceil, p.MaxBackoff))
}

// Sleep waits d or until ctx ends, and returns ctx.Err() when ctx ended
// first (at once when d <= 0). It is Policy's default Sleep, and the feeds'
// pacing and polling wait.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(d)))
}
