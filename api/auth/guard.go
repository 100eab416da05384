package auth

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vnstock-api/vnstock-api/api/reply"
)

// Endpoint classes: the usage rows and the scope each needs.
const (
	ClassREST    = "rest"
	ClassGraphQL = "graphql"
	ClassWS      = "ws"
	ClassSSE     = "sse"
	ClassAdmin   = "admin"
)

// Guard is the middleware every protected route passes: authenticate,
// check the scope, apply the rate limit and quota (and the concurrent
// stream limit for streams), set the RateLimit-* headers and count usage.
type Guard struct {
	Auth    *Authenticator
	Limiter Limiter
	Streams *Streams
	Usage   *Usage // may be nil
	Logger  *slog.Logger
	Now     func() time.Time

	open sync.Map // stream class -> *atomic.Int64 of streams open now
}

// Open returns how many streams of class are open now.
func (g *Guard) Open(class string) int64 {
	if v, ok := g.open.Load(class); ok {
		return v.(*atomic.Int64).Load()
	}
	return 0
}

type principalKey struct{}
type counterKey struct{}

// FromContext returns the request's principal, set by the Guard.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// WithPrincipal returns ctx carrying p (the GraphQL connection_init path
// authenticates after the upgrade and uses it).
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// StreamCounter collects what a stream delivered, for usage; the Guard puts
// one in a stream request's context and the transport adds to it.
type StreamCounter struct {
	Events atomic.Int64
	Bytes  atomic.Int64

	detached atomic.Bool
	end      func() // releases the stream's slot and records its usage, once
}

// Detach is for a stream handler that keeps its connection after it returns
// (a hijacked WebSocket served by a goroutine of its own, so that the HTTP
// server's per-request buffers and stack are freed): the stream's slot and
// usage are then released when the returned func is called, not when the
// handler returns. Outside a Guard it returns a func that does nothing.
func Detach(ctx context.Context) (end func()) {
	c := CounterFromContext(ctx)
	if c == nil || c.end == nil {
		return func() {}
	}
	c.detached.Store(true)
	return c.end
}

// CounterFromContext returns the stream's counter, or nil.
func CounterFromContext(ctx context.Context) *StreamCounter {
	c, _ := ctx.Value(counterKey{}).(*StreamCounter)
	return c
}

// Route says how the Guard treats one group of routes.
type Route struct {
	Class  string
	Scope  string
	Stream bool // a long-lived stream: takes a stream slot, counts stream time
	// DeferUpgrade lets a WebSocket upgrade without a key pass; the
	// protocol authenticates it afterwards (GraphQL connection_init).
	DeferUpgrade bool
}

// Protect wraps next with the Guard for route rt.
func (g *Guard) Protect(rt Route, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		presented := KeyFromRequest(r)
		if rt.DeferUpgrade && presented == "" && g.Auth.Mode() == ModeKeys && isUpgrade(r) {
			next.ServeHTTP(w, r)
			return
		}
		p, err := g.Auth.Authenticate(r.Context(), presented, ClientIP(r))
		if err != nil {
			g.refuse(w, r, err)
			return
		}
		if !p.Has(rt.Scope) {
			WriteError(w, &Error{http.StatusForbidden, "forbidden", "the API key lacks the " + rt.Scope + " scope"})
			return
		}
		if !g.limit(w, r, p) {
			return
		}
		ctx := WithPrincipal(r.Context(), p)
		if rt.Stream {
			g.stream(w, r.WithContext(ctx), p, rt, next)
			return
		}
		cw := &countingWriter{ResponseWriter: w}
		next.ServeHTTP(cw, r.WithContext(ctx))
		if g.Usage != nil {
			g.Usage.Add(p.UsageID(), rt.Class, 1, 0, 0, cw.n)
		}
	})
}

// limit applies the rate limit and quota and writes the headers; false
// means the request was refused (and answered).
func (g *Guard) limit(w http.ResponseWriter, r *http.Request, p Principal) bool {
	d, err := g.Limiter.Allow(r.Context(), p.Subject, Limit{RPS: p.Plan.RPS, Burst: p.Plan.Burst, Daily: p.Plan.DailyQuota})
	if err != nil {
		// A limiter outage must not take the API down: allow, and say so.
		g.Logger.WarnContext(r.Context(), "rate limiter unavailable; request allowed", "err", err)
		return true
	}
	h := w.Header()
	h.Set("RateLimit-Limit", strconv.Itoa(d.Limit))
	h.Set("RateLimit-Remaining", strconv.Itoa(d.Remaining))
	h.Set("RateLimit-Reset", strconv.Itoa(ceilSeconds(d.Reset)))
	if d.Allowed {
		return true
	}
	h.Set("Retry-After", strconv.Itoa(max(1, ceilSeconds(d.RetryAfter))))
	msg := "rate limit exceeded: " + strconv.FormatFloat(p.Plan.RPS, 'f', -1, 64) + " requests/s"
	if d.Quota {
		msg = "daily quota of " + strconv.FormatInt(p.Plan.DailyQuota, 10) + " requests used"
	}
	WriteError(w, &Error{http.StatusTooManyRequests, "rate_limited", msg})
	return false
}

func (g *Guard) stream(w http.ResponseWriter, r *http.Request, p Principal, rt Route, next http.Handler) {
	release, ok := g.Streams.Acquire(p.Subject, p.Plan.MaxStreams)
	if !ok {
		w.Header().Set("Retry-After", "1")
		WriteError(w, &Error{http.StatusTooManyRequests, "rate_limited",
			"too many concurrent streams: the plan allows " + strconv.Itoa(p.Plan.MaxStreams)})
		return
	}
	v, _ := g.open.LoadOrStore(rt.Class, new(atomic.Int64))
	open := v.(*atomic.Int64)
	open.Add(1)
	c := &StreamCounter{}
	start := g.now()
	c.end = sync.OnceFunc(func() {
		release()
		open.Add(-1)
		if g.Usage != nil {
			secs := int64(math.Round(g.now().Sub(start).Seconds()))
			g.Usage.Add(p.UsageID(), rt.Class, 1, secs, c.Events.Load(), c.Bytes.Load())
		}
	})
	next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), counterKey{}, c)))
	if !c.detached.Load() {
		c.end()
	}
}

func (g *Guard) now() time.Time {
	if g.Now != nil {
		return g.Now()
	}
	return time.Now()
}

func (g *Guard) refuse(w http.ResponseWriter, r *http.Request, err error) {
	var ae *Error
	if !errors.As(err, &ae) {
		g.Logger.ErrorContext(r.Context(), "authenticate", "err", err, "path", r.URL.Path)
		ae = &Error{http.StatusServiceUnavailable, "unavailable", "authentication is unavailable; retry shortly"}
	}
	if ae.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="vnstock-api"`)
	}
	WriteError(w, ae)
}

// WriteError writes the API's JSON error for e.
func WriteError(w http.ResponseWriter, e *Error) {
	w.Header().Set("Cache-Control", "no-store")
	reply.Error(w, e.Status, e.Code, e.Msg, "")
}

// ClientIP is the peer address of r (proxies' forwarded headers are not
// trusted: a deployment behind one sets the real IP at the proxy).
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func isUpgrade(r *http.Request) bool {
	return r.Header.Get("Upgrade") != "" || r.Header.Get("Sec-WebSocket-Key") != ""
}

func ceilSeconds(d time.Duration) int { return int(math.Ceil(d.Seconds())) }

// countingWriter counts response bytes; Unwrap keeps http.ResponseController
// (flush, deadlines) working through it.
type countingWriter struct {
	http.ResponseWriter
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.ResponseWriter.Write(b)
	c.n += int64(n)
	return n, err
}

func (c *countingWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }
