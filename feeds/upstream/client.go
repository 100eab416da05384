package upstream

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// Config configures the client of one upstream source.
type Config struct {
	Source    string        // source name for errors, logs and metrics ("kbs", "vci", ...)
	Timeout   time.Duration // per attempt; default 30 s as vnstock
	MaxBody   int64         // largest accepted body; default 32 MiB
	Header    http.Header   // source headers added to the browser-like base (Referer, Origin, ...)
	Transport http.RoundTripper
}

// Client is the plain HTTP layer of an upstream source: base headers, a
// cookie jar and status checking. It implements Doer.
type Client struct {
	cfg  Config
	http *http.Client
}

// NewClient returns a Client for cfg.
func NewClient(cfg Config) *Client {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 32 << 20
	}
	jar, _ := cookiejar.New(nil) // never fails with nil options
	return &Client{cfg: cfg, http: &http.Client{Transport: cfg.Transport, Jar: jar, Timeout: cfg.Timeout}}
}

// StatusError is an upstream answer other than 200.
type StatusError struct {
	Source     string
	Status     int
	RetryAfter time.Duration // from Retry-After on 429/503, 0 when absent
	Snippet    string        // the start of the body, for logs
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s: upstream status %d", e.Source, e.Status)
}

// Unwrap makes errors.Is(err, market.ErrUpstream) true.
func (e *StatusError) Unwrap() error { return market.ErrUpstream }

// Do performs req once and returns the body of a 200 response.
func (c *Client) Do(ctx context.Context, req Request) ([]byte, error) {
	hreq, err := c.build(ctx, req)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(hreq)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", c.cfg.Source, market.ErrUpstream, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.cfg.MaxBody+1))
	if err != nil {
		return nil, fmt.Errorf("%s: read body: %w: %w", c.cfg.Source, market.ErrUpstream, err)
	}
	if int64(len(body)) > c.cfg.MaxBody {
		return nil, fmt.Errorf("%s: body over %d bytes: %w", c.cfg.Source, c.cfg.MaxBody, market.ErrUpstream)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &StatusError{Source: c.cfg.Source, Status: resp.StatusCode,
			RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()), Snippet: snippet(body)}
	}
	return body, nil
}

func (c *Client) build(ctx context.Context, req Request) (*http.Request, error) {
	method := req.Method
	if method == "" {
		method = http.MethodGet
		if req.Body != nil {
			method = http.MethodPost
		}
	}
	u := req.URL
	if len(req.Query) > 0 {
		u += "?" + req.Query.Encode()
	}
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	hreq, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, fmt.Errorf("%s: build request: %w", c.cfg.Source, err)
	}
	setBrowserHeaders(hreq.Header)
	for k, vs := range c.cfg.Header {
		hreq.Header[k] = vs
	}
	for k, vs := range req.Header {
		hreq.Header[k] = vs
	}
	return hreq, nil
}

// setBrowserHeaders sets vnstock's base headers (upstream.md §2.1).
func setBrowserHeaders(h http.Header) {
	h.Set("Accept", "application/json, text/plain, */*")
	h.Set("Accept-Language", "en-US,en;q=0.9,vi-VN;q=0.8,vi;q=0.7")
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-cache")
	h.Set("Pragma", "no-cache")
	h.Set("DNT", "1")
	h.Set("Sec-Fetch-Dest", "empty")
	h.Set("Sec-Fetch-Mode", "cors")
	h.Set("Sec-Fetch-Site", "same-site")
	h.Set("sec-ch-ua-platform", `"Windows"`)
	h.Set("sec-ch-ua-mobile", "?0")
	h.Set("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/136.0.0.0 Safari/537.36")
}

// parseRetryAfter reads delta-seconds or an HTTP date; 0 when absent or bad.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	var secs int
	if _, err := fmt.Sscanf(v, "%d", &secs); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

func snippet(b []byte) string {
	if len(b) > 200 {
		b = b[:200]
	}
	return string(b)
}
