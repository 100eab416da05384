package auth

import (
	"context"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/vnstock-api/vnstock-api/market"
)

// Limit is what a subject may do: a token bucket of RPS refilling to Burst,
// and at most Daily requests per ICT day (0 = no quota).
type Limit struct {
	RPS   float64
	Burst int
	Daily int64
}

// Decision is a limiter's answer, with what the RateLimit-* headers say.
type Decision struct {
	Allowed    bool
	Limit      int           // the burst (RateLimit-Limit)
	Remaining  int           // requests left now (RateLimit-Remaining)
	Reset      time.Duration // until the bucket is full again (RateLimit-Reset)
	RetryAfter time.Duration // when refused: until one request is allowed
	Quota      bool          // refused by the daily quota, not the rate
}

// Limiter decides whether subject may make one more request. The shared
// implementation (storage/ratelimit, on Redis) holds across instances; the
// Local one holds per process.
type Limiter interface {
	Allow(ctx context.Context, subject string, l Limit) (Decision, error)
}

// Local is an in-process Limiter (golang.org/x/time/rate), bounded in
// memory: idle subjects are dropped. Safe for concurrent use.
type Local struct {
	now func() time.Time
	max int

	mu   sync.Mutex
	subj map[string]*localState
}

type localState struct {
	lim  *rate.Limiter
	day  time.Time
	used int64
	seen time.Time
}

// NewLocal returns a Local limiter tracking at most maxSubjects (default 100,000).
func NewLocal(now func() time.Time, maxSubjects int) *Local {
	if now == nil {
		now = time.Now
	}
	if maxSubjects <= 0 {
		maxSubjects = 100_000
	}
	return &Local{now: now, max: maxSubjects, subj: make(map[string]*localState)}
}

// Allow implements Limiter.
func (l *Local) Allow(_ context.Context, subject string, lim Limit) (Decision, error) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	st := l.state(subject, lim, now)
	d := Decision{Limit: lim.Burst}
	day := market.Date(now)
	if !st.day.Equal(day) {
		st.day, st.used = day, 0
	}
	if lim.Daily > 0 && st.used >= lim.Daily {
		d.Quota = true
		d.RetryAfter = day.AddDate(0, 0, 1).Sub(now)
		d.Reset = d.RetryAfter
		return d, nil
	}
	r := st.lim.ReserveN(now, 1)
	if delay := r.DelayFrom(now); delay > 0 {
		r.CancelAt(now)
		d.RetryAfter = delay
	} else {
		d.Allowed = true
		st.used++
	}
	tokens := st.lim.TokensAt(now)
	d.Remaining = max(0, int(math.Floor(tokens)))
	if lim.RPS > 0 {
		d.Reset = time.Duration((float64(lim.Burst) - tokens) / lim.RPS * float64(time.Second))
	}
	return d, nil
}

// state returns subject's bucket, creating it (and evicting idle ones when
// full) as needed; a changed plan replaces the bucket's rate.
func (l *Local) state(subject string, lim Limit, now time.Time) *localState {
	st, ok := l.subj[subject]
	if !ok {
		if len(l.subj) >= l.max {
			l.evict(now)
		}
		st = &localState{lim: rate.NewLimiter(rate.Limit(lim.RPS), lim.Burst)}
		l.subj[subject] = st
	}
	if st.lim.Limit() != rate.Limit(lim.RPS) || st.lim.Burst() != lim.Burst {
		st.lim.SetLimitAt(now, rate.Limit(lim.RPS))
		st.lim.SetBurstAt(now, lim.Burst)
	}
	st.seen = now
	return st
}

// evict drops subjects idle for a minute, or all when none is.
func (l *Local) evict(now time.Time) {
	for k, st := range l.subj {
		if now.Sub(st.seen) > time.Minute {
			delete(l.subj, k)
		}
	}
	if len(l.subj) >= l.max {
		clear(l.subj)
	}
}

// Streams counts concurrent streams per subject in this process.
type Streams struct {
	mu sync.Mutex
	n  map[string]int
}

// NewStreams returns an empty counter.
func NewStreams() *Streams { return &Streams{n: make(map[string]int)} }

// Acquire takes one stream slot of subject when fewer than maxStreams are
// held (maxStreams ≤ 0: unlimited); release gives it back (idempotent).
func (s *Streams) Acquire(subject string, maxStreams int) (release func(), ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if maxStreams > 0 && s.n[subject] >= maxStreams {
		return nil, false
	}
	s.n[subject]++
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.n[subject]--; s.n[subject] <= 0 {
				delete(s.n, subject)
			}
		})
	}, true
}
