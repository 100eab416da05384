package upstream

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vnstock-api/vnstock-api/market"
)

// fakeClock is the injected clock: Sleep advances it at once and records
// the wait, so no test sleeps for real.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 4, 14, 9, 0, 0, 0, market.ICT)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.sleeps = append(c.sleeps, d)
	return nil
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.sleeps)
}

// testPolicy has no limiter, 100 ms base backoff, jitter at its ceiling,
// and records observations.
func testPolicy(c *fakeClock, obs *[]string) Policy {
	var mu sync.Mutex
	return Policy{
		Source: "test", MaxRetries: 2, BaseBackoff: 100 * time.Millisecond, MaxBackoff: time.Second,
		MaxRetryAfter: 5 * time.Second, FailureThreshold: 3, Cooldown: 30 * time.Second,
		Now: c.Now, Sleep: c.Sleep, Jitter: func(d time.Duration) time.Duration { return d },
		Observer: func(source, capability, outcome string, d time.Duration) {
			if obs != nil {
				mu.Lock()
				*obs = append(*obs, outcome)
				mu.Unlock()
			}
		},
	}
}

// reply is one scripted upstream answer.
type reply struct {
	status     int
	retryAfter string
	body       string
}

// scripted serves replies in order, repeating the last, and counts requests.
type scripted struct {
	mu      sync.Mutex
	replies []reply
	n       int
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	rep := s.replies[min(s.n, len(s.replies)-1)]
	s.n++
	s.mu.Unlock()
	if rep.retryAfter != "" {
		w.Header().Set("Retry-After", rep.retryAfter)
	}
	w.WriteHeader(rep.status)
	_, _ = w.Write([]byte(rep.body))
}

func (s *scripted) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

func (s *scripted) set(replies ...reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.replies = replies
}

func serve(t *testing.T, replies ...reply) (*scripted, Request) {
	t.Helper()
	s := &scripted{replies: replies}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, Request{URL: srv.URL + "/x", Capability: "ohlcv"}
}

var ok200 = reply{status: 200, body: `{"ok":true}`}

func TestResilientRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		replies  []reply
		wantErr  error // nil: success
		attempts int
		sleeps   []time.Duration
		outcomes []string
	}{
		{"5xx then ok", []reply{{status: 500}, {status: 502}, ok200}, nil, 3,
			[]time.Duration{100 * time.Millisecond, 200 * time.Millisecond},
			[]string{OutcomeServerError, OutcomeServerError, OutcomeOK}},
		{"5xx exhausted", []reply{{status: 503}}, market.ErrUpstream, 3,
			[]time.Duration{100 * time.Millisecond, 200 * time.Millisecond},
			[]string{OutcomeServerError, OutcomeServerError, OutcomeServerError}},
		{"404 not retried", []reply{{status: 404}}, market.ErrUpstream, 1, nil, []string{OutcomeClientError}},
		{"400 not retried", []reply{{status: 400}, ok200}, market.ErrUpstream, 1, nil, []string{OutcomeClientError}},
		{"429 short Retry-After waited out", []reply{{status: 429, retryAfter: "2"}, ok200}, nil, 2,
			[]time.Duration{2 * time.Second}, []string{OutcomeRateLimited, OutcomeOK}},
		{"429 without Retry-After backs off", []reply{{status: 429}, ok200}, nil, 2,
			[]time.Duration{100 * time.Millisecond}, []string{OutcomeRateLimited, OutcomeOK}},
		{"429 exhausted", []reply{{status: 429, retryAfter: "1"}}, ErrRateLimited, 3,
			[]time.Duration{time.Second, time.Second}, []string{OutcomeRateLimited, OutcomeRateLimited, OutcomeRateLimited}},
		{"cloudflare 1015 with 403", []reply{{status: 403, body: "error code: 1015"}, ok200}, nil, 2,
			[]time.Duration{100 * time.Millisecond}, []string{OutcomeRateLimited, OutcomeOK}},
		{"cloudflare 1015 page with 200", []reply{{status: 200, body: "<html><title>Error 1015</title></html>"}, ok200}, nil, 2,
			[]time.Duration{100 * time.Millisecond}, []string{OutcomeRateLimited, OutcomeOK}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, req := serve(t, tt.replies...)
			clock := newFakeClock()
			var obs []string
			r := NewResilient(NewClient(Config{Source: "test"}), testPolicy(clock, &obs))
			body, err := r.Do(t.Context(), req)
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("Do: %v", err)
			case tt.wantErr == nil && string(body) != ok200.body:
				t.Fatalf("body %q", body)
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Fatalf("Do error %v, want %v", err, tt.wantErr)
			}
			if got := srv.count(); got != tt.attempts {
				t.Errorf("attempts %d, want %d", got, tt.attempts)
			}
			if diff := cmp.Diff(tt.sleeps, clock.Sleeps()); diff != "" {
				t.Errorf("sleeps (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.outcomes, obs); diff != "" {
				t.Errorf("outcomes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestResilientLongRetryAfterFailsFastAndBlocks(t *testing.T) {
	t.Parallel()
	srv, req := serve(t, reply{status: 429, retryAfter: "120", body: "slow down"}, ok200)
	clock := newFakeClock()
	var obs []string
	r := NewResilient(NewClient(Config{Source: "test"}), testPolicy(clock, &obs))

	_, err := r.Do(t.Context(), req)
	var rl *RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != 120*time.Second || rl.Status != 429 {
		t.Fatalf("first call: %v, want a RateLimitedError with Retry-After 120s", err)
	}
	if !errors.Is(err, market.ErrUpstream) {
		t.Errorf("%v does not match market.ErrUpstream", err)
	}
	if len(clock.Sleeps()) != 0 {
		t.Errorf("waited %v, want fail fast", clock.Sleeps())
	}

	clock.Advance(60 * time.Second)
	_, err = r.Do(t.Context(), req)
	if !errors.As(err, &rl) || rl.RetryAfter != 60*time.Second {
		t.Fatalf("blocked call: %v, want RateLimitedError with 60s left", err)
	}
	if srv.count() != 1 {
		t.Fatalf("blocked call reached the upstream (%d requests)", srv.count())
	}
	if st := r.State(); st.BlockedUntil.IsZero() || st.Rejected != 1 {
		t.Errorf("state %+v, want blocked with 1 rejection", st)
	}

	clock.Advance(61 * time.Second)
	if _, err := r.Do(t.Context(), req); err != nil {
		t.Fatalf("after Retry-After: %v", err)
	}
	if diff := cmp.Diff([]string{OutcomeRateLimited, OutcomeBlocked, OutcomeOK}, obs); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
}

func TestResilientBreaker(t *testing.T) {
	t.Parallel()
	srv, req := serve(t, reply{status: 500})
	clock := newFakeClock()
	p := testPolicy(clock, nil)
	p.MaxRetries = 0
	r := NewResilient(NewClient(Config{Source: "test"}), p)

	for i := range 3 {
		if _, err := r.Do(t.Context(), req); !errors.Is(err, market.ErrUpstream) {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if st := r.State(); st.Breaker != BreakerOpen || st.Opens != 1 || st.ConsecutiveFailures != 3 {
		t.Fatalf("after 3 failures: %+v, want open", st)
	}
	_, err := r.Do(t.Context(), req)
	var open *BreakerOpenError
	if !errors.As(err, &open) || !errors.Is(err, ErrBreakerOpen) || !errors.Is(err, market.ErrUpstream) {
		t.Fatalf("open breaker: %v", err)
	}
	if open.RetryAfter != 30*time.Second || srv.count() != 3 {
		t.Fatalf("retry in %v, %d requests; want 30s and 3", open.RetryAfter, srv.count())
	}

	clock.Advance(30 * time.Second) // half-open: the probe fails and reopens it
	if st := r.State(); st.Breaker != BreakerHalfOpen {
		t.Fatalf("after cooldown: %s, want half_open", st.Breaker)
	}
	if _, err := r.Do(t.Context(), req); errors.Is(err, ErrBreakerOpen) || srv.count() != 4 {
		t.Fatalf("probe: %v after %d requests, want the upstream's 500", err, srv.count())
	}
	if st := r.State(); st.Breaker != BreakerOpen || st.Opens != 2 {
		t.Fatalf("after failed probe: %+v, want open again", st)
	}

	clock.Advance(30 * time.Second) // the probe succeeds and closes it
	srv.set(ok200)
	if _, err := r.Do(t.Context(), req); err != nil {
		t.Fatalf("probe: %v", err)
	}
	if st := r.State(); st.Breaker != BreakerClosed || st.ConsecutiveFailures != 0 {
		t.Fatalf("after good probe: %+v, want closed", st)
	}
}

func TestResilientFourXXDoesNotOpenBreaker(t *testing.T) {
	t.Parallel()
	_, req := serve(t, reply{status: 404})
	clock := newFakeClock()
	r := NewResilient(NewClient(Config{Source: "test"}), testPolicy(clock, nil))
	for range 10 {
		_, _ = r.Do(t.Context(), req)
	}
	if st := r.State(); st.Breaker != BreakerClosed || st.Failures != 0 || st.Attempts != 10 {
		t.Fatalf("state %+v, want closed with no failures", st)
	}
}

func TestResilientRateLimiter(t *testing.T) {
	t.Parallel()
	_, req := serve(t, ok200)
	clock := newFakeClock()
	p := testPolicy(clock, nil)
	p.RPS, p.Burst = 2, 1
	r := NewResilient(NewClient(Config{Source: "test"}), p)
	for i := range 3 {
		req.Query = map[string][]string{"i": {strconv.Itoa(i)}}
		if _, err := r.Do(t.Context(), req); err != nil {
			t.Fatal(err)
		}
	}
	want := []time.Duration{500 * time.Millisecond, 500 * time.Millisecond}
	if diff := cmp.Diff(want, clock.Sleeps()); diff != "" {
		t.Errorf("limiter waits (-want +got):\n%s", diff)
	}
}

func TestResilientCanceledNotRetried(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	inner := doerFunc(func(ctx context.Context, req Request) ([]byte, error) {
		cancel()
		return nil, ctx.Err()
	})
	clock := newFakeClock()
	r := NewResilient(inner, testPolicy(clock, nil))
	if _, err := r.Do(ctx, Request{URL: "http://x"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Do: %v, want context.Canceled", err)
	}
	if st := r.State(); st.Attempts != 1 || st.Failures != 0 || st.ConsecutiveFailures != 0 {
		t.Fatalf("state %+v: a canceled call must not count as an upstream failure", st)
	}
}

type doerFunc func(ctx context.Context, req Request) ([]byte, error)

func (f doerFunc) Do(ctx context.Context, req Request) ([]byte, error) { return f(ctx, req) }

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestResilientClassify(t *testing.T) {
	t.Parallel()
	r := NewResilient(nil, Policy{Source: "test"})
	tests := []struct {
		name    string
		err     error
		outcome string
		verdict verdict
	}{
		{"timeout", errors.Join(market.ErrUpstream, timeoutErr{}), OutcomeTimeout, failure},
		{"deadline", context.DeadlineExceeded, OutcomeTimeout, failure},
		{"transport", errors.Join(market.ErrUpstream, errors.New("connection reset")), OutcomeTransport, failure},
		{"5xx", &StatusError{Status: 502}, OutcomeServerError, failure},
		{"429", &StatusError{Status: 429, RetryAfter: time.Second}, OutcomeRateLimited, failure},
		{"4xx", &StatusError{Status: 403, Snippet: "forbidden"}, OutcomeClientError, success},
		{"our bug", errors.New("build request: bad url"), OutcomeClientError, neutral},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, v, _ := r.classify(t.Context(), nil, tt.err)
			if out != tt.outcome || v != tt.verdict {
				t.Errorf("classify(%v) = %s/%d, want %s/%d", tt.err, out, v, tt.outcome, tt.verdict)
			}
		})
	}
}

func TestDefaultPolicyBelowKnownLimits(t *testing.T) {
	t.Parallel()
	// upstream.md §2.1: VCI tolerates about 30 requests/min, iq wants 2 s spacing.
	for _, src := range []string{"vci", "vciiq"} {
		p := DefaultPolicy(src)
		if p.RPS*60 >= 30 || p.RPS > 0.5 || p.Burst > 1 {
			t.Errorf("%s: %v/s burst %d is not below 30/min with 2 s spacing", src, p.RPS, p.Burst)
		}
	}
	for _, src := range []string{"kbs", "msn", "fmarket", "sjc", "btmc", "vcb", "other"} {
		p := DefaultPolicy(src)
		if p.RPS <= 0 || p.RPS > 5 || p.Burst < 1 || p.MaxRetries < 1 || p.FailureThreshold < 1 {
			t.Errorf("%s: policy %+v is not a conservative limit", src, p)
		}
	}
}
