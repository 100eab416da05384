package auth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
)

// memKeys is an in-memory KeyStore for these tests.
type memKeys struct {
	mu   sync.Mutex
	keys map[string]storage.Key
	fail error
}

func newMemKeys() *memKeys { return &memKeys{keys: map[string]storage.Key{}} }

func (m *memKeys) CreateKey(_ context.Context, k storage.Key) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.keys[k.ID] = k
	return nil
}

func (m *memKeys) KeyByHash(_ context.Context, h []byte) (storage.Key, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return storage.Key{}, m.fail
	}
	for _, k := range m.keys {
		if bytes.Equal(k.Hash, h) {
			return k, nil
		}
	}
	return storage.Key{}, market.ErrNotFound
}

func (m *memKeys) KeyByID(_ context.Context, id string) (storage.Key, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k, ok := m.keys[id]
	if !ok {
		return storage.Key{}, market.ErrNotFound
	}
	return k, nil
}

func (m *memKeys) ListKeys(context.Context) ([]storage.Key, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []storage.Key
	for _, k := range m.keys {
		out = append(out, k)
	}
	return out, nil
}

func (m *memKeys) UpdateKey(_ context.Context, k storage.Key) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.keys[k.ID] = k
	return nil
}

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 27, 10, 0, 0, 0, market.ICT)} }

func TestParseKey(t *testing.T) {
	t.Parallel()
	good, err := NewSecret(nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"fresh key", good, true},
		{"padded with spaces", "  " + good + "\n", true},
		{"empty", "", false},
		{"wrong prefix", "vk_test_" + good[len(LivePrefix):], false},
		{"short", good[:len(good)-1], false},
		{"long", good + "A", false},
		{"bad character", good[:len(good)-1] + "=", false},
		{"unicode", good[:len(good)-2] + "é", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseKey(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("ParseKey(%q) err = %v, want ok=%v", tt.in, err, tt.ok)
			}
			if err != nil && strings.Contains(err.Error(), tt.in) && tt.in != "" {
				t.Fatalf("error echoes the key: %v", err)
			}
		})
	}
}

func FuzzParseKey(f *testing.F) {
	good, _ := NewSecret(nil)
	for _, s := range []string{good, "", "vk_live_", "Bearer " + good, strings.Repeat("a", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseKey(s)
		if err == nil && (len(k) != len(LivePrefix)+secretChars || !strings.HasPrefix(k, LivePrefix)) {
			t.Fatalf("accepted %q", k)
		}
	})
}

func FuzzKeyFromRequest(f *testing.F) {
	f.Add("X-API-Key", "vk_live_x", "")
	f.Add("Authorization", "Bearer abc", "api_key=zz")
	f.Add("Authorization", "bearer", "")
	f.Fuzz(func(t *testing.T, name, value, query string) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.URL.RawQuery = query
		if name != "" && !strings.ContainsAny(name, " \r\n:\x00") {
			r.Header.Set(name, value)
		}
		_ = KeyFromRequest(r) // must not panic
	})
}

func TestKeyFromRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		header [2]string
		query  string
		want   string
	}{
		{"x-api-key", [2]string{"X-API-Key", "k1"}, "", "k1"},
		{"bearer", [2]string{"Authorization", "Bearer k2"}, "", "k2"},
		{"bearer any case", [2]string{"Authorization", "bEaReR  k3 "}, "", "k3"},
		{"basic is not a key", [2]string{"Authorization", "Basic abc"}, "", ""},
		{"query", [2]string{}, "api_key=k4", "k4"},
		{"header wins over query", [2]string{"X-API-Key", "k5"}, "api_key=k6", "k5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/?"+tt.query, nil)
			if tt.header[0] != "" {
				r.Header.Set(tt.header[0], tt.header[1])
			}
			if got := KeyFromRequest(r); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// fixture is a store with keys of every state.
type fixture struct {
	store                                  *memKeys
	clk                                    *clock
	keys                                   *Keys
	admin, reader, streamer, revoked, gone string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	fx := &fixture{store: newMemKeys(), clk: newClock()}
	fx.keys = &Keys{Store: fx.store, Now: fx.clk.Now}
	ctx := context.Background()
	mk := func(nk NewKey) string {
		p, _, err := fx.keys.Create(ctx, nk)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	fx.admin = mk(NewKey{Name: "admin", Scopes: []string{ScopeAdmin}})
	fx.reader = mk(NewKey{Name: "reader", Scopes: []string{ScopeRead}, Plan: storage.Plan{RPS: 1, Burst: 3}})
	fx.streamer = mk(NewKey{Name: "streamer", Scopes: []string{ScopeStream}, Plan: storage.Plan{RPS: 100, Burst: 100, MaxStreams: 1}})
	fx.revoked = mk(NewKey{Name: "revoked", Scopes: []string{ScopeRead}})
	fx.gone = mk(NewKey{Name: "expired", Scopes: []string{ScopeRead}, TTL: time.Minute})
	list, _ := fx.store.ListKeys(ctx)
	for _, k := range list {
		if k.Name == "revoked" {
			if _, err := fx.keys.Revoke(ctx, k.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	fx.clk.Add(2 * time.Minute)
	return fx
}

func (fx *fixture) authenticator(t *testing.T) *Authenticator {
	t.Helper()
	a, err := NewAuthenticator(Config{Keys: fx.store, Now: fx.clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	a := fx.authenticator(t)
	wrong, _ := NewSecret(nil)
	tests := []struct {
		name    string
		key     string
		wantErr error
		scope   string
	}{
		{"no key", "", ErrNoKey, ""},
		{"malformed", "hello", ErrBadKey, ""},
		{"unknown", wrong, ErrBadKey, ""},
		{"revoked", fx.revoked, ErrRevoked, ""},
		{"expired", fx.gone, ErrExpired, ""},
		{"reader", fx.reader, nil, ScopeRead},
		{"admin has every scope", fx.admin, nil, ScopeStream},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := a.Authenticate(context.Background(), tt.key, "10.0.0.1")
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err == nil && !p.Has(tt.scope) {
				t.Fatalf("principal %+v lacks %s", p, tt.scope)
			}
		})
	}
	p, _ := a.Authenticate(context.Background(), fx.reader, "")
	if p.Has(ScopeStream) || p.Has(ScopeAdmin) {
		t.Fatalf("reader has more than read: %v", p.Scopes)
	}
}

func TestAuthenticateStoreFailureIsNotCached(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	a := fx.authenticator(t)
	fx.store.mu.Lock()
	fx.store.fail = errors.New("db down")
	fx.store.mu.Unlock()
	if _, err := a.Authenticate(context.Background(), fx.reader, ""); err == nil || errors.Is(err, ErrBadKey) {
		t.Fatalf("err = %v, want the store error", err)
	}
	fx.store.mu.Lock()
	fx.store.fail = nil
	fx.store.mu.Unlock()
	if _, err := a.Authenticate(context.Background(), fx.reader, ""); err != nil {
		t.Fatalf("after recovery: %v", err)
	}
}

func TestRevocationAfterCacheTTL(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	a := fx.authenticator(t)
	ctx := context.Background()
	p, err := a.Authenticate(ctx, fx.reader, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.keys.Revoke(ctx, p.KeyID); err != nil {
		t.Fatal(err)
	}
	fx.clk.Add(6 * time.Second)
	if _, err := a.Authenticate(ctx, fx.reader, ""); !errors.Is(err, ErrRevoked) {
		t.Fatalf("after TTL: err = %v, want revoked", err)
	}
}

func TestRotateGrace(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	a := fx.authenticator(t)
	ctx := context.Background()
	p, _ := a.Authenticate(ctx, fx.reader, "")
	newPlain, nk, err := fx.keys.Rotate(ctx, p.KeyID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if nk.Name != "reader" || !slices.Equal(nk.Scopes, []string{ScopeRead}) || nk.Plan.RPS != 1 {
		t.Fatalf("successor %+v does not carry name/scopes/plan", nk)
	}
	a.Forget()
	for _, k := range []string{fx.reader, newPlain} {
		if _, err := a.Authenticate(ctx, k, ""); err != nil {
			t.Fatalf("during grace: %v", err)
		}
	}
	fx.clk.Add(time.Hour)
	a.Forget()
	if _, err := a.Authenticate(ctx, fx.reader, ""); !errors.Is(err, ErrExpired) {
		t.Fatalf("old key after grace: %v", err)
	}
	if _, err := a.Authenticate(ctx, newPlain, ""); err != nil {
		t.Fatalf("new key after grace: %v", err)
	}
}

func TestKeysStoreOnlyHashes(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	list, _ := fx.store.ListKeys(context.Background())
	for _, k := range list {
		for _, plain := range []string{fx.admin, fx.reader, fx.streamer, fx.revoked, fx.gone} {
			if bytes.Contains(k.Hash, []byte(plain)) || strings.Contains(k.Name, plain) || len(k.Prefix) > VisibleChars {
				t.Fatalf("key %s stores plain text", k.ID)
			}
		}
	}
}

func TestBootstrap(t *testing.T) {
	t.Parallel()
	ks := &Keys{Store: newMemKeys()}
	plain, err := ks.Bootstrap(context.Background())
	if err != nil || plain == "" {
		t.Fatalf("first bootstrap: %q %v", plain, err)
	}
	again, err := ks.Bootstrap(context.Background())
	if err != nil || again != "" {
		t.Fatalf("second bootstrap printed a key again: %q %v", again, err)
	}
}

func TestCreateValidates(t *testing.T) {
	t.Parallel()
	ks := &Keys{Store: newMemKeys()}
	for _, scopes := range [][]string{nil, {"root"}, {ScopeRead, "write"}} {
		if _, _, err := ks.Create(context.Background(), NewKey{Scopes: scopes}); !errors.Is(err, market.ErrInvalid) {
			t.Fatalf("scopes %v: err = %v", scopes, err)
		}
	}
}

func TestLocalLimiterQuota(t *testing.T) {
	t.Parallel()
	clk := newClock()
	l := NewLocal(clk.Now, 0)
	lim := Limit{RPS: 1000, Burst: 1000, Daily: 3}
	for i := range 3 {
		if d, _ := l.Allow(context.Background(), "s", lim); !d.Allowed {
			t.Fatalf("request %d refused", i)
		}
	}
	d, _ := l.Allow(context.Background(), "s", lim)
	if d.Allowed || !d.Quota || d.RetryAfter <= 0 {
		t.Fatalf("fourth: %+v, want quota refusal", d)
	}
	clk.Add(24 * time.Hour)
	if d, _ := l.Allow(context.Background(), "s", lim); !d.Allowed {
		t.Fatalf("next day refused: %+v", d)
	}
}

func TestLocalLimiterRate(t *testing.T) {
	t.Parallel()
	clk := newClock()
	l := NewLocal(clk.Now, 2)
	lim := Limit{RPS: 2, Burst: 2}
	allowed := 0
	for range 5 {
		if d, _ := l.Allow(context.Background(), "a", lim); d.Allowed {
			allowed++
		}
	}
	if allowed != 2 {
		t.Fatalf("allowed %d of a burst of 2", allowed)
	}
	clk.Add(time.Second)
	if d, _ := l.Allow(context.Background(), "a", lim); !d.Allowed || d.Remaining != 1 {
		t.Fatalf("after refill: %+v", d)
	}
	// Eviction keeps memory bounded.
	for i := range 10 {
		l.Allow(context.Background(), fmt.Sprint("s", i), lim)
	}
	if n := len(l.subj); n > 2 {
		t.Fatalf("%d subjects tracked, bound is 2", n)
	}
}

type sinkFunc func(context.Context, []storage.Usage) error

func (f sinkFunc) AddUsage(ctx context.Context, rows []storage.Usage) error { return f(ctx, rows) }

func TestUsageFlushKeepsRowsOnError(t *testing.T) {
	t.Parallel()
	var got []storage.Usage
	fail := true
	u := NewUsage(sinkFunc(func(_ context.Context, rows []storage.Usage) error {
		if fail {
			return errors.New("db down")
		}
		got = append(got, rows...)
		return nil
	}), newClock().Now)
	u.Add("k", ClassREST, 1, 0, 0, 10)
	u.Add("k", ClassREST, 1, 0, 0, 5)
	if err := u.Flush(context.Background()); err == nil {
		t.Fatal("flush succeeded against a failing sink")
	}
	u.Add("k", ClassREST, 1, 0, 0, 1)
	fail = false
	if err := u.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Requests != 3 || got[0].Bytes != 16 {
		t.Fatalf("flushed %+v, want one row of 3 requests, 16 bytes", got)
	}
}

// guardFixture serves one protected route per class through a Guard.
func guardFixture(t *testing.T, logs io.Writer) (*fixture, *Guard, http.Handler) {
	t.Helper()
	fx := newFixture(t)
	var usage []storage.Usage
	var mu sync.Mutex
	g := &Guard{
		Auth: fx.authenticator(t), Limiter: NewLocal(fx.clk.Now, 0), Streams: NewStreams(),
		Usage: NewUsage(sinkFunc(func(_ context.Context, rows []storage.Usage) error {
			mu.Lock()
			defer mu.Unlock()
			usage = append(usage, rows...)
			return nil
		}), fx.clk.Now),
		Logger: slog.New(slog.NewTextHandler(logs, nil)),
	}
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c := CounterFromContext(r.Context()); c != nil {
			c.Events.Add(2)
		}
		_, _ = io.WriteString(w, "ok")
	})
	mux := http.NewServeMux()
	mux.Handle("/rest", g.Protect(Route{Class: ClassREST, Scope: ScopeRead}, ok))
	mux.Handle("/ws", g.Protect(Route{Class: ClassWS, Scope: ScopeStream, Stream: true}, ok))
	mux.Handle("/admin", g.Protect(Route{Class: ClassAdmin, Scope: ScopeAdmin}, ok))
	return fx, g, mux
}

func do(h http.Handler, path, key string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, path, nil)
	if key != "" {
		r.Header.Set("X-API-Key", key)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestGuardSurfaces(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	fx, _, h := guardFixture(t, &logs)
	wrong, _ := NewSecret(nil)
	tests := []struct {
		name, path, key string
		status          int
		code            string
	}{
		{"rest no key", "/rest", "", 401, "unauthenticated"},
		{"rest wrong key", "/rest", wrong, 401, "unauthenticated"},
		{"rest revoked", "/rest", fx.revoked, 401, "unauthenticated"},
		{"rest expired", "/rest", fx.gone, 401, "unauthenticated"},
		{"rest ok", "/rest", fx.reader, 200, ""},
		{"ws with read-only key", "/ws", fx.reader, 403, "forbidden"},
		{"ws ok", "/ws", fx.streamer, 200, ""},
		{"admin with reader", "/admin", fx.reader, 403, "forbidden"},
		{"admin no key", "/admin", "", 401, "unauthenticated"},
		{"admin ok", "/admin", fx.admin, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := do(h, tt.path, tt.key)
			if w.Code != tt.status || !strings.Contains(w.Body.String(), tt.code) {
				t.Fatalf("%d %s, want %d %s", w.Code, w.Body, tt.status, tt.code)
			}
			if tt.status != 200 && w.Header().Get("Content-Type") != "application/json" {
				t.Fatalf("error is not JSON: %q", w.Header().Get("Content-Type"))
			}
		})
	}
	for _, k := range []string{fx.admin, fx.reader, fx.streamer, fx.revoked, fx.gone, wrong} {
		if strings.Contains(logs.String(), k) || strings.Contains(logs.String(), k[VisibleChars:]) {
			t.Fatal("a key appears in the log output")
		}
	}
}

func TestGuardRateLimit(t *testing.T) {
	t.Parallel()
	fx, g, h := guardFixture(t, io.Discard)
	statuses := []int{}
	var last *httptest.ResponseRecorder
	for range 5 {
		last = do(h, "/rest", fx.reader)
		statuses = append(statuses, last.Code)
	}
	if !slices.Equal(statuses, []int{200, 200, 200, 429, 429}) {
		t.Fatalf("statuses %v, want a burst of 3 then 429", statuses)
	}
	for _, hd := range []string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After"} {
		if last.Header().Get(hd) == "" {
			t.Fatalf("429 lacks %s", hd)
		}
	}
	if !strings.Contains(last.Body.String(), `"rate_limited"`) {
		t.Fatalf("429 body %s", last.Body)
	}
	if err := g.Usage.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestGuardUsageCountsEveryRequest(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	var rows []storage.Usage
	g := &Guard{Auth: fx.authenticator(t), Limiter: NewLocal(fx.clk.Now, 0), Streams: NewStreams(),
		Usage: NewUsage(sinkFunc(func(_ context.Context, r []storage.Usage) error {
			rows = append(rows, r...)
			return nil
		}), fx.clk.Now), Logger: slog.New(slog.DiscardHandler)}
	h := g.Protect(Route{Class: ClassREST, Scope: ScopeRead}, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "12345")
	}))
	for range 40 {
		do(h, "/", fx.admin)
	}
	if err := g.Usage.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Requests != 40 || rows[0].Bytes != 200 || rows[0].Class != ClassREST {
		t.Fatalf("usage %+v, want 40 requests of 5 bytes", rows)
	}
}

func TestGuardStreamSlots(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	g := &Guard{Auth: fx.authenticator(t), Limiter: NewLocal(fx.clk.Now, 0), Streams: NewStreams(),
		Logger: slog.New(slog.DiscardHandler)}
	hold, held := make(chan struct{}), make(chan struct{})
	h := g.Protect(Route{Class: ClassWS, Scope: ScopeStream, Stream: true}, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		close(held)
		<-hold
	}))
	done := make(chan struct{})
	go func() { do(h, "/", fx.streamer); close(done) }()
	<-held
	if w := do(h, "/", fx.streamer); w.Code != http.StatusTooManyRequests {
		t.Fatalf("second stream of a 1-stream plan: %d", w.Code)
	}
	close(hold)
	<-done
	hold = make(chan struct{})
	close(hold)
	held = make(chan struct{})
	if w := do(h, "/", fx.streamer); w.Code != http.StatusOK {
		t.Fatalf("after release: %d", w.Code)
	}
}

func TestGuardDeferUpgrade(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	g := &Guard{Auth: fx.authenticator(t), Limiter: NewLocal(nil, 0), Streams: NewStreams(), Logger: slog.New(slog.DiscardHandler)}
	h := g.Protect(Route{Class: ClassGraphQL, Scope: ScopeRead, DeferUpgrade: true}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, authed := FromContext(r.Context())
		fmt.Fprint(w, authed)
	}))
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Upgrade", "websocket")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 200 || w.Body.String() != "false" {
		t.Fatalf("upgrade without key: %d %s, want passed on unauthenticated", w.Code, w.Body)
	}
	if w := do(h, "/", ""); w.Code != 401 {
		t.Fatalf("plain request without key: %d", w.Code)
	}
}

func TestModeOffLimitsPerIP(t *testing.T) {
	t.Parallel()
	a, err := NewAuthenticator(Config{Mode: ModeOff, AnonPlan: storage.Plan{RPS: 1, Burst: 1}})
	if err != nil {
		t.Fatal(err)
	}
	g := &Guard{Auth: a, Limiter: NewLocal(nil, 0), Streams: NewStreams(), Logger: slog.New(slog.DiscardHandler)}
	h := g.Protect(Route{Class: ClassREST, Scope: ScopeRead}, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	if w := do(h, "/", ""); w.Code != 200 {
		t.Fatalf("first anonymous request: %d", w.Code)
	}
	if w := do(h, "/", ""); w.Code != 429 {
		t.Fatalf("second anonymous request from the same IP: %d", w.Code)
	}
	ha := g.Protect(Route{Class: ClassAdmin, Scope: ScopeAdmin}, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	if w := do(ha, "/", ""); w.Code != 403 {
		t.Fatalf("anonymous admin: %d", w.Code)
	}
}

// A detached stream keeps its slot after the handler returns, until the
// func Detach gave is called (once, however often it is called).
func TestGuardDetachedStreamSlot(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	g := &Guard{Auth: fx.authenticator(t), Limiter: NewLocal(fx.clk.Now, 0), Streams: NewStreams(),
		Logger: slog.New(slog.DiscardHandler)}
	var end func()
	h := g.Protect(Route{Class: ClassWS, Scope: ScopeStream, Stream: true}, http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		end = Detach(r.Context())
	}))
	if w := do(h, "/", fx.streamer); w.Code != http.StatusOK {
		t.Fatalf("first stream: %d", w.Code)
	}
	if w := do(h, "/", fx.streamer); w.Code != http.StatusTooManyRequests {
		t.Fatalf("second stream while the detached one runs: %d, want 429", w.Code)
	}
	first := end
	first()
	first()
	if w := do(h, "/", fx.streamer); w.Code != http.StatusOK {
		t.Fatalf("after the detached stream ended: %d", w.Code)
	}
	end()
	if end := Detach(context.Background()); end == nil {
		t.Fatal("Detach outside a Guard returned nil")
	} else {
		end()
	}
}
