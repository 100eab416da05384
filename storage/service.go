package storage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage/cache"
)

// Fetcher asks the upstream sources; feeds.Failover satisfies it.
type Fetcher interface {
	Fetch(ctx context.Context, q market.Query) (market.Result, error)
}

// Cache keeps encoded answers for a while; *cache.Memory and *cache.Redis
// satisfy it. Get may return a slice the cache still owns: the Service only
// reads it.
type Cache interface {
	Get(ctx context.Context, key string) (val []byte, ok bool, err error)
	Set(ctx context.Context, key string, val []byte, ttl time.Duration) error
}

// Repository is the part of a Store the Service reads and writes; every
// Store satisfies it.
type Repository interface {
	BarStore
	DocStore
}

// Config configures a Service. Store and Fetcher are required.
type Config struct {
	Store   Repository
	Fetcher Fetcher
	// Cache is consulted before storage; nil means no cache.
	Cache Cache
	// TTL gives each data class its lifetime in the cache and, for
	// documents, in storage (nil: cache.DefaultTTLs()).
	TTL cache.TTLs
	// Calendar tells trading days from weekends and holidays (nil:
	// market.DefaultCalendar()).
	Calendar *market.Calendar
	// Lookback is how far back each intraday interval reaches upstream
	// (nil: DefaultLookback()).
	Lookback map[market.Interval]time.Duration
	// FetchTimeout bounds one shared load (storage plus upstream), which
	// outlives the request that started it (default 30s).
	FetchTimeout time.Duration
	Now          func() time.Time // default time.Now
	Logger       *slog.Logger     // default: discard
}

// DefaultLookback returns how far back the upstreams keep intraday bars. KBS
// and VCI publish no limit; these are conservative figures (minute bars for
// about a quarter, hourly for a year) to be tightened as they are observed.
func DefaultLookback() map[market.Interval]time.Duration {
	const day = 24 * time.Hour
	return map[market.Interval]time.Duration{
		market.Interval1m:  90 * day,
		market.Interval5m:  90 * day,
		market.Interval15m: 180 * day,
		market.Interval30m: 180 * day,
		market.Interval1H:  365 * day,
	}
}

// Service answers queries: from the cache, else from storage, else from the
// upstream for only what storage lacks; what it fetches it stores and
// caches. Concurrent identical misses share one load (singleflight). When
// the upstream fails it serves the last stored value marked Stale, or an
// error wrapping market.ErrUpstream when nothing is stored. It is safe for
// concurrent use.
type Service struct {
	store    Repository
	fetcher  Fetcher
	cache    Cache
	ttl      cache.TTLs
	cal      *market.Calendar
	lookback map[market.Interval]time.Duration
	timeout  time.Duration
	now      func() time.Time
	log      *slog.Logger
	flight   singleflight.Group
	memo     *answerMemo
}

// New returns a Service.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Fetcher == nil {
		return nil, errors.New("storage: service needs a Store and a Fetcher")
	}
	s := &Service{
		store: cfg.Store, fetcher: cfg.Fetcher, cache: cfg.Cache, ttl: cfg.TTL, cal: cfg.Calendar,
		lookback: cfg.Lookback, timeout: cfg.FetchTimeout, now: cfg.Now, log: cfg.Logger, memo: newMemo(memoEntries, memoBytes),
	}
	if s.ttl == nil {
		s.ttl = cache.DefaultTTLs()
	}
	if s.cal == nil {
		s.cal = market.DefaultCalendar()
	}
	if s.lookback == nil {
		s.lookback = DefaultLookback()
	}
	if s.timeout <= 0 {
		s.timeout = 30 * time.Second
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

// Get answers q. The Answer's slices may be shared with concurrent callers:
// treat them as read-only. Errors wrap market.ErrInvalid (a *FieldError
// naming the parameter), ErrNotFound, ErrUnsupported or ErrUpstream.
func (s *Service) Get(ctx context.Context, q market.Query) (Answer, error) {
	if q.Capability == market.CapTrades && !q.Before.IsZero() {
		return s.tradesBefore(ctx, q)
	}
	if q.Capability == market.CapOHLCV {
		var err error
		if q, err = s.normalizeOHLCV(q); err != nil {
			return Answer{}, err
		}
	}
	key := q.Key()
	if a, ok := s.fromCache(ctx, key); ok {
		return a, nil
	}
	ch := s.flight.DoChan(key, func() (any, error) {
		// The load outlives a caller that gives up: the others still wait.
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.timeout)
		defer cancel()
		a, ttl, err := s.load(lctx, q)
		if err == nil {
			s.toCache(lctx, key, a, ttl)
		}
		return a, err
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return Answer{}, r.Err
		}
		return r.Val.(Answer), nil
	case <-ctx.Done():
		return Answer{}, ctx.Err()
	}
}

// load answers q from storage and the upstream and says how long the answer
// may be cached.
func (s *Service) load(ctx context.Context, q market.Query) (Answer, time.Duration, error) {
	if q.Capability == market.CapOHLCV {
		return s.loadBars(ctx, q)
	}
	return s.loadDoc(ctx, q)
}

func (s *Service) fromCache(ctx context.Context, key string) (Answer, bool) {
	if s.cache == nil {
		return Answer{}, false
	}
	b, ok, err := s.cache.Get(ctx, key)
	if err != nil {
		s.log.WarnContext(ctx, "cache get failed", "key", key, "err", err)
		return Answer{}, false
	}
	if !ok {
		return Answer{}, false
	}
	if a, ok := s.memo.get(key, b); ok {
		return a, true
	}
	a, err := decodeAnswer(b)
	if err != nil {
		s.log.WarnContext(ctx, "cached answer unreadable", "key", key, "err", err)
		return Answer{}, false
	}
	a.Cached = true
	s.memo.put(key, b, a)
	return a, true
}

// The bounds of the decoded answers remembered (see memo): a year of daily
// bars costs about 50 KB.
const (
	memoEntries = 2048
	memoBytes   = 64 << 20
)

func (s *Service) toCache(ctx context.Context, key string, a Answer, ttl time.Duration) {
	if s.cache == nil || ttl <= 0 {
		return
	}
	if a.Stale {
		ttl = min(ttl, s.ttl.For(cache.ClassStale))
	}
	b, err := encodeAnswer(nil, a)
	if err == nil {
		err = s.cache.Set(ctx, key, b, ttl)
	}
	if err != nil {
		s.log.WarnContext(ctx, "cache set failed", "key", key, "err", err)
	}
}

// loadDoc answers every capability but OHLCV from the DocStore while the
// stored document is younger than its class's TTL, else from the upstream.
func (s *Service) loadDoc(ctx context.Context, q market.Query) (Answer, time.Duration, error) {
	key := q.Key()
	ttl := s.ttl.For(cache.ClassOf(q.Capability))
	doc, err := s.store.Doc(ctx, q.Capability, key)
	have := err == nil
	if err != nil && !errors.Is(err, market.ErrNotFound) {
		s.log.WarnContext(ctx, "storage read failed", "capability", q.Capability, "key", key, "err", err)
	}
	if have {
		if age := s.now().Sub(doc.FetchedAt); age < ttl {
			if res, err := decodeResult(doc.Body); err == nil {
				return Answer{Result: res, Cached: true}, ttl - age, nil
			}
			have = false
		}
	}
	res, err := s.fetcher.Fetch(ctx, q)
	if err != nil {
		if have && upstreamFailure(err) {
			if old, derr := decodeResult(doc.Body); derr == nil {
				s.log.WarnContext(ctx, "upstream failed, serving stale", "capability", q.Capability, "key", key, "err", err)
				return Answer{Result: old, Stale: true}, ttl, nil
			}
		}
		return Answer{}, 0, upstreamError(q, err)
	}
	s.stamp(&res)
	body, err := encodeResult(res)
	if err == nil {
		err = s.store.PutDoc(ctx, Doc{Kind: q.Capability, Key: key, Symbol: q.Symbol, Source: res.Source, FetchedAt: res.FetchedAt, Body: body})
	}
	if err != nil {
		s.log.WarnContext(ctx, "storage write failed", "capability", q.Capability, "key", key, "err", err)
	}
	return Answer{Result: res}, ttl, nil
}

// stamp fills what a source may leave out: the unit and the fetch time.
func (s *Service) stamp(res *market.Result) {
	if res.PriceUnit == "" {
		res.PriceUnit = "vnd"
	}
	if res.FetchedAt.IsZero() {
		res.FetchedAt = s.now()
	}
}

// upstreamFailure reports whether err is the upstream failing (as opposed to
// answering that the request is wrong or the thing does not exist), the case
// in which a stored value may stand in.
func upstreamFailure(err error) bool {
	return !errors.Is(err, market.ErrNotFound) && !errors.Is(err, market.ErrInvalid) &&
		!errors.Is(err, market.ErrUnsupported)
}

// upstreamError wraps a fetch error with the query's capability; a failure
// that is not already a market.ErrUpstream becomes one.
func upstreamError(q market.Query, err error) error {
	if upstreamFailure(err) && !errors.Is(err, market.ErrUpstream) {
		return fmt.Errorf("%s: %w: %w", q.Capability, market.ErrUpstream, err)
	}
	return fmt.Errorf("%s: %w", q.Capability, err)
}
