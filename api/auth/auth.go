package auth

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
)

// Modes of Config.Mode.
const (
	ModeKeys = "keys" // every protected request needs a key (the default)
	ModeOff  = "off"  // no keys; requests are limited per client IP
)

// Error is an authentication or authorisation failure with its HTTP status
// and the API's error code. Its message never contains the key.
type Error struct {
	Status int    // 401, 403 or 429
	Code   string // unauthenticated, forbidden, rate_limited
	Msg    string
}

func (e *Error) Error() string { return e.Code + ": " + e.Msg }

// Errors of Authenticate and Require.
var (
	ErrNoKey   = &Error{http.StatusUnauthorized, "unauthenticated", "an API key is required: X-API-Key header, Authorization: Bearer, or ?api_key="}
	ErrBadKey  = &Error{http.StatusUnauthorized, "unauthenticated", "the API key is not valid"}
	ErrRevoked = &Error{http.StatusUnauthorized, "unauthenticated", "the API key was revoked"}
	ErrExpired = &Error{http.StatusUnauthorized, "unauthenticated", "the API key has expired"}
)

// KeyLookup finds a stored key by the hash of the presented one.
type KeyLookup interface {
	KeyByHash(ctx context.Context, hash []byte) (storage.Key, error)
}

// Config configures an Authenticator.
type Config struct {
	Mode        string        // ModeKeys (default) or ModeOff
	Keys        KeyLookup     // required in ModeKeys
	CacheTTL    time.Duration // how long a looked-up key is trusted; default 5 s (revocation delay)
	CacheSize   int           // entries; default 10,000
	DefaultPlan storage.Plan  // limits for keys whose plan is zero
	AnonPlan    storage.Plan  // per-IP limits in ModeOff
	Now         func() time.Time
}

// Principal is who made a request.
type Principal struct {
	KeyID     string // "" when anonymous
	Visible   string // the key's visible prefix, safe to log
	Scopes    []string
	Plan      storage.Plan
	Anonymous bool
	Subject   string // limiter identity: "key:<id>" or "ip:<addr>"
}

// Has reports whether p carries scope (admin implies every scope; anonymous
// principals in ModeOff have read and stream but never admin).
func (p Principal) Has(scope string) bool {
	if p.Anonymous {
		return scope != ScopeAdmin
	}
	return slices.Contains(p.Scopes, ScopeAdmin) || slices.Contains(p.Scopes, scope)
}

// UsageID is the key id usage is recorded under.
func (p Principal) UsageID() string {
	if p.Anonymous {
		return "anonymous"
	}
	return p.KeyID
}

// Authenticator turns a presented key into a Principal. Safe for concurrent
// use; it caches lookups for CacheTTL so a request costs one hash and one
// map read, not a database query.
type Authenticator struct {
	cfg Config

	mu    sync.Mutex
	cache map[[32]byte]cached
}

type cached struct {
	key   storage.Key
	err   error
	until time.Time
}

// NewAuthenticator validates cfg and returns an Authenticator.
func NewAuthenticator(cfg Config) (*Authenticator, error) {
	if cfg.Mode == "" {
		cfg.Mode = ModeKeys
	}
	if cfg.Mode != ModeKeys && cfg.Mode != ModeOff {
		return nil, errors.New("auth: mode must be keys or off")
	}
	if cfg.Mode == ModeKeys && cfg.Keys == nil {
		return nil, errors.New("auth: keys mode needs a key store")
	}
	if cfg.CacheTTL <= 0 {
		cfg.CacheTTL = 5 * time.Second
	}
	if cfg.CacheSize <= 0 {
		cfg.CacheSize = 10_000
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.DefaultPlan == (storage.Plan{}) {
		cfg.DefaultPlan = DefaultPlan()
	}
	if cfg.AnonPlan == (storage.Plan{}) {
		cfg.AnonPlan = DefaultPlan()
	}
	return &Authenticator{cfg: cfg, cache: make(map[[32]byte]cached)}, nil
}

// DefaultPlan is the plan of keys created without one: protocol.md's
// defaults (100 connections, 1,024 topics, 20 messages/s) and 50 requests/s.
func DefaultPlan() storage.Plan {
	return storage.Plan{RPS: 50, Burst: 100, MaxStreams: 100, MaxTopics: 1024, MessagesPerS: 20}
}

// Mode returns the configured mode.
func (a *Authenticator) Mode() string { return a.cfg.Mode }

// Authenticate checks presented (which may be empty) for a client at ip.
func (a *Authenticator) Authenticate(ctx context.Context, presented, ip string) (Principal, error) {
	if a.cfg.Mode == ModeOff {
		return Principal{Anonymous: true, Plan: a.cfg.AnonPlan, Subject: "ip:" + ip}, nil
	}
	if presented == "" {
		return Principal{}, ErrNoKey
	}
	key, err := ParseKey(presented)
	if err != nil {
		return Principal{}, ErrBadKey
	}
	k, err := a.lookup(ctx, Hash(key))
	if err != nil {
		return Principal{}, err
	}
	now := a.cfg.Now()
	switch {
	case k.Revoked:
		return Principal{}, ErrRevoked
	case !k.ExpiresAt.IsZero() && !now.Before(k.ExpiresAt):
		return Principal{}, ErrExpired
	}
	plan := k.Plan
	if plan == (storage.Plan{}) {
		plan = a.cfg.DefaultPlan
	}
	return Principal{KeyID: k.ID, Visible: k.Prefix, Scopes: k.Scopes, Plan: plan, Subject: "key:" + k.ID}, nil
}

// lookup reads the key store through the cache. Unknown keys are cached too,
// so a flood of wrong keys does not reach the database.
func (a *Authenticator) lookup(ctx context.Context, hash []byte) (storage.Key, error) {
	var h [32]byte
	copy(h[:], hash)
	now := a.cfg.Now()
	a.mu.Lock()
	c, ok := a.cache[h]
	a.mu.Unlock()
	if ok && now.Before(c.until) {
		return c.key, c.err
	}
	k, err := a.cfg.Keys.KeyByHash(ctx, hash)
	switch {
	case errors.Is(err, market.ErrNotFound):
		err = ErrBadKey
	case err != nil:
		return storage.Key{}, err // a store failure is not cached
	case !equalHash(k.Hash, hash):
		k, err = storage.Key{}, ErrBadKey
	}
	a.mu.Lock()
	if len(a.cache) >= a.cfg.CacheSize {
		clear(a.cache)
	}
	a.cache[h] = cached{key: k, err: err, until: now.Add(a.cfg.CacheTTL)}
	a.mu.Unlock()
	return k, err
}

// Forget drops cached lookups so a revocation or rotation on this instance
// takes effect at once (other instances within CacheTTL).
func (a *Authenticator) Forget() {
	a.mu.Lock()
	clear(a.cache)
	a.mu.Unlock()
}

// KeyFromRequest returns the key a request presents: the X-API-Key header,
// an Authorization: Bearer header, or the api_key query parameter (browsers
// cannot set headers on WebSocket or EventSource).
func KeyFromRequest(r *http.Request) string {
	if k := r.Header.Get("X-API-Key"); k != "" {
		return k
	}
	if h := r.Header.Get("Authorization"); len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return r.URL.Query().Get("api_key")
}
