// Package upstream is the HTTP client every upstream source uses: browser-like
// headers, a cookie jar, and (see resilience in this package) a per-source rate
// limiter, retries with jitter, Retry-After and Cloudflare 1015 handling, a
// circuit breaker and singleflight for identical requests.
package upstream

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// Request is one upstream call. Body, when set, is sent as application/json
// with method POST (unless Method says otherwise).
type Request struct {
	Method     string      // GET when empty, POST when Body is set
	URL        string      // absolute URL (base + path)
	Query      url.Values  // appended to URL
	Body       []byte      // JSON request body
	Header     http.Header // extra headers (Referer, Origin, x-lang ...)
	Capability string      // for metrics and logs
}

// Doer performs upstream requests and returns the body of a 200 response.
// Every other outcome is an error wrapping market.ErrUpstream (with the
// status code when there was one). Safe for concurrent use.
type Doer interface {
	Do(ctx context.Context, req Request) ([]byte, error)
}

// BaseURL returns a source's configured base URL u, or def when u is empty,
// without trailing slashes, so that paths can be appended with "/".
func BaseURL(u, def string) string {
	if u == "" {
		u = def
	}
	return strings.TrimRight(u, "/")
}

// DoerOr returns d, or when d is nil a plain Client for source: the default
// of every source's Config.Doer (production passes a Resilient).
func DoerOr(d Doer, source string) Doer {
	if d == nil {
		return NewClient(Config{Source: source})
	}
	return d
}
