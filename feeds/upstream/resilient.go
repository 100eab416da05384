package upstream

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
	"golang.org/x/time/rate"

	"github.com/vnstock-api/vnstock-api/market"
)

// Resilient is the Doer every source calls through: it wraps the plain
// Doer of one source with a token-bucket rate limiter, retries with
// full-jitter backoff, Retry-After handling for 429 and Cloudflare 1015,
// a circuit breaker and singleflight for identical in-flight requests.
// Safe for concurrent use.
//
// Identical requests (same method, URL, query and body; headers are not
// compared) made while one is in flight share its answer; every caller gets
// its own copy of the body.
type Resilient struct {
	inner Doer
	p     Policy
	lim   *rate.Limiter // nil: unlimited
	br    *breaker
	sf    singleflight.Group

	mu           sync.Mutex
	blockedUntil time.Time // a long Retry-After is running

	requests, flights, attempts, retries atomic.Int64
	failures, rateLimited, rejected      atomic.Int64
}

// NewResilient wraps inner with the resilience of p.
func NewResilient(inner Doer, p Policy) *Resilient {
	p = p.withDefaults()
	r := &Resilient{inner: inner, p: p, br: newBreaker(p.FailureThreshold, p.Cooldown)}
	if p.RPS > 0 {
		r.lim = rate.NewLimiter(rate.Limit(p.RPS), p.Burst)
	}
	return r
}

// State is a snapshot of a source's resilience for metrics and readiness.
type State struct {
	Source              string
	Breaker             BreakerState
	ConsecutiveFailures int
	OpenedAt            time.Time // when the breaker last opened (zero when closed)
	BlockedUntil        time.Time // end of a long Retry-After (zero when none)
	Opens               int64     // times the breaker opened
	Requests            int64     // Do calls
	Flights             int64     // executions; Requests-Flights calls shared another's
	Attempts            int64     // requests sent upstream
	Retries             int64
	Failures            int64 // attempts that failed (5xx, 429, timeout, transport)
	RateLimited         int64 // attempts answered 429/1015
	Rejected            int64 // calls refused by the breaker or a Retry-After block
}

// State returns the current state.
func (r *Resilient) State() State {
	now := r.p.Now()
	st, fails, opened, opens := r.br.snapshot(now)
	r.mu.Lock()
	blocked := r.blockedUntil
	r.mu.Unlock()
	if !blocked.After(now) {
		blocked = time.Time{}
	}
	return State{
		Source: r.p.Source, Breaker: st, ConsecutiveFailures: fails, OpenedAt: opened,
		BlockedUntil: blocked, Opens: opens,
		Requests: r.requests.Load(), Flights: r.flights.Load(), Attempts: r.attempts.Load(),
		Retries: r.retries.Load(), Failures: r.failures.Load(), RateLimited: r.rateLimited.Load(),
		Rejected: r.rejected.Load(),
	}
}

// leaderGone is the answer of a shared execution whose caller gave up; the
// other callers run the request again themselves.
type leaderGone struct{ err error }

func (e *leaderGone) Error() string { return e.err.Error() }
func (e *leaderGone) Unwrap() error { return e.err }

// Do performs req with retries, limits and the breaker, sharing the answer
// with identical calls in flight.
func (r *Resilient) Do(ctx context.Context, req Request) ([]byte, error) {
	r.requests.Add(1)
	key := flightKey(req)
	for try := 0; ; try++ {
		ch := r.sf.DoChan(key, func() (any, error) {
			body, err := r.do(ctx, req)
			if err != nil && ctx.Err() != nil {
				return nil, &leaderGone{err: err}
			}
			return body, err
		})
		select {
		case res := <-ch:
			var gone *leaderGone
			if errors.As(res.Err, &gone) {
				if ctx.Err() == nil && try < 3 {
					continue // another caller's request was abandoned; run our own
				}
				return nil, gone.err
			}
			body, _ := res.Val.([]byte)
			if res.Shared {
				body = bytes.Clone(body)
			}
			return body, res.Err
		case <-ctx.Done():
			return nil, fmt.Errorf("%s: %w", r.p.Source, ctx.Err())
		}
	}
}

// flightKey identifies identical requests.
func flightKey(req Request) string {
	method := req.Method
	if method == "" {
		method = http.MethodGet
		if req.Body != nil {
			method = http.MethodPost
		}
	}
	return method + " " + req.URL + "?" + req.Query.Encode() + "\n" + string(req.Body)
}

// do runs the attempts of one execution.
func (r *Resilient) do(ctx context.Context, req Request) ([]byte, error) {
	r.flights.Add(1)
	if err := r.checkBlocked(req); err != nil {
		return nil, err
	}
	var last error
	for n := 0; ; n++ {
		ok, probe, retryIn := r.br.allow(r.p.Now())
		if !ok {
			r.rejected.Add(1)
			r.observe(req, OutcomeBreakerOpen, 0)
			if last != nil {
				return nil, last
			}
			return nil, &BreakerOpenError{Source: r.p.Source, RetryAfter: retryIn}
		}
		body, retry, err := r.attempt(ctx, req, probe)
		if err == nil {
			return body, nil
		}
		last = err
		if !retry || n >= r.p.MaxRetries {
			return nil, err
		}
		delay := r.p.backoff(n)
		var rl *RateLimitedError
		if errors.As(err, &rl) && rl.RetryAfter > 0 {
			delay = rl.RetryAfter
		}
		r.retries.Add(1)
		if serr := r.p.Sleep(ctx, delay); serr != nil {
			return nil, fmt.Errorf("%s: retry wait: %w (last error: %v)", r.p.Source, serr, err)
		}
	}
}

// attempt waits for the limiter, sends one request and records its
// outcome; retry says whether the failure is worth another attempt.
func (r *Resilient) attempt(ctx context.Context, req Request, probe bool) (body []byte, retry bool, err error) {
	if err := r.wait(ctx); err != nil {
		r.br.record(r.p.Now(), probe, neutral)
		return nil, false, err
	}
	r.attempts.Add(1)
	start := r.p.Now()
	body, err = r.inner.Do(ctx, req)
	now := r.p.Now()
	out, v, err := r.classify(ctx, body, err)
	if from, to := r.br.record(now, probe, v); from != to {
		r.logTransition(from, to)
	}
	r.observe(req, out, now.Sub(start))
	switch out {
	case OutcomeOK:
		return body, false, nil
	case OutcomeRateLimited:
		r.rateLimited.Add(1)
		r.failures.Add(1)
		var rl *RateLimitedError
		if errors.As(err, &rl) && rl.RetryAfter > r.p.MaxRetryAfter {
			r.block(now.Add(rl.RetryAfter))
			return nil, false, err // fail fast: too long to wait
		}
		return nil, true, err
	case OutcomeServerError, OutcomeTimeout, OutcomeTransport:
		r.failures.Add(1)
		return nil, true, err
	}
	return nil, false, err // canceled or a 4xx: retrying cannot help
}

// classify names the outcome of an attempt, how it counts for the breaker,
// and the error to return (a *RateLimitedError for throttling).
func (r *Resilient) classify(ctx context.Context, body []byte, err error) (string, verdict, error) {
	if err == nil {
		if cloudflare1015(body) {
			return OutcomeRateLimited, failure, &RateLimitedError{Source: r.p.Source, Status: http.StatusOK}
		}
		return OutcomeOK, success, nil
	}
	if ctx.Err() != nil {
		return OutcomeCanceled, neutral, err
	}
	var se *StatusError
	if errors.As(err, &se) {
		switch {
		case se.Status == http.StatusTooManyRequests || cloudflare1015([]byte(se.Snippet)):
			return OutcomeRateLimited, failure, &RateLimitedError{Source: r.p.Source, Status: se.Status, RetryAfter: se.RetryAfter}
		case se.Status >= 500:
			return OutcomeServerError, failure, err
		default:
			return OutcomeClientError, success, err
		}
	}
	var ne net.Error
	if (errors.As(err, &ne) && ne.Timeout()) || errors.Is(err, context.DeadlineExceeded) {
		return OutcomeTimeout, failure, err
	}
	if errors.Is(err, market.ErrUpstream) {
		return OutcomeTransport, failure, err
	}
	return OutcomeClientError, neutral, err // our own fault (bad request), not the upstream's
}

// cloudflare1015 reports whether a non-JSON body is Cloudflare's rate-limit
// page ("error code: 1015" / "Error 1015").
func cloudflare1015(body []byte) bool {
	b := bytes.TrimSpace(body)
	if len(b) == 0 || len(b) > 64<<10 || b[0] == '{' || b[0] == '[' {
		return false
	}
	return bytes.Contains(b, []byte("error code: 1015")) || bytes.Contains(b, []byte("Error 1015"))
}

// wait takes a token from the limiter, sleeping as long as needed.
func (r *Resilient) wait(ctx context.Context) error {
	if r.lim == nil {
		return ctx.Err()
	}
	now := r.p.Now()
	res := r.lim.ReserveN(now, 1)
	d := res.DelayFrom(now)
	if d <= 0 {
		return ctx.Err()
	}
	if err := r.p.Sleep(ctx, d); err != nil {
		res.CancelAt(r.p.Now())
		return fmt.Errorf("%s: rate limiter wait: %w", r.p.Source, err)
	}
	return nil
}

// checkBlocked refuses the call while a long Retry-After runs.
func (r *Resilient) checkBlocked(req Request) error {
	r.mu.Lock()
	until := r.blockedUntil
	r.mu.Unlock()
	if left := until.Sub(r.p.Now()); left > 0 {
		r.rejected.Add(1)
		r.observe(req, OutcomeBlocked, 0)
		return &RateLimitedError{Source: r.p.Source, Status: http.StatusTooManyRequests, RetryAfter: left}
	}
	return nil
}

func (r *Resilient) block(until time.Time) {
	r.mu.Lock()
	if until.After(r.blockedUntil) {
		r.blockedUntil = until
	}
	r.mu.Unlock()
	r.p.Logger.Warn("upstream rate limited, refusing calls", "source", r.p.Source, "until", until)
}

func (r *Resilient) observe(req Request, outcome string, d time.Duration) {
	if r.p.Observer != nil {
		r.p.Observer(r.p.Source, req.Capability, outcome, d)
	}
}

func (r *Resilient) logTransition(from, to BreakerState) {
	switch to {
	case BreakerOpen:
		r.p.Logger.Warn("upstream breaker opened", "source", r.p.Source, "from", string(from), "cooldown", r.p.Cooldown)
	default:
		r.p.Logger.Info("upstream breaker "+string(to), "source", r.p.Source, "from", string(from))
	}
}
