package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/vnstock-api/vnstock-api/web"
)

func get(t *testing.T, h http.Handler, path string, header ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func TestHandlerServesAssets(t *testing.T) {
	t.Parallel()
	h := web.Handler()
	tests := []struct {
		path, status, typ string
	}{
		{"/", "200", "text/html"},
		{"/app.css", "200", "text/css"},
		{"/js/main.js", "200", "text/javascript"},
		{"/js/board.js", "200", "text/javascript"},
		{"/vendor/lightweight-charts/lightweight-charts.standalone.production.mjs", "200", "text/javascript"},
		{"/vendor/lightweight-charts/LICENSE", "200", "text/plain"},
		{"/favicon.svg", "200", "image/svg+xml"},
		{"/nope.js", "404", "text/plain"},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			res := get(t, h, tc.path)
			if got := res.Status[:3]; got != tc.status {
				t.Fatalf("status %s, want %s", res.Status, tc.status)
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, tc.typ) {
				t.Errorf("Content-Type %q, want %s", ct, tc.typ)
			}
			for k, want := range map[string]string{
				"Content-Security-Policy": web.CSP,
				"X-Content-Type-Options":  "nosniff",
				"Referrer-Policy":         "no-referrer",
			} {
				if got := res.Header.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

// The CSP allows nothing inline and nothing from another origin.
func TestCSPIsStrict(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"unsafe-inline", "unsafe-eval", "http:", "https:", "*"} {
		if strings.Contains(web.CSP, bad) {
			t.Errorf("CSP allows %q: %s", bad, web.CSP)
		}
	}
	for _, want := range []string{"script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(web.CSP, want) {
			t.Errorf("CSP lacks %q", want)
		}
	}
}

// The page has no inline script, no inline style and loads nothing from
// another origin (links to other sites are fine: they load nothing).
func TestIndexHasNothingInline(t *testing.T) {
	t.Parallel()
	res := get(t, web.Handler(), "/")
	body, _ := io.ReadAll(res.Body)
	html := string(body)
	checks := map[string]*regexp.Regexp{
		"inline script":   regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`),
		"style attribute": regexp.MustCompile(`\sstyle=`),
		"style element":   regexp.MustCompile(`<style`),
		"event handler":   regexp.MustCompile(`\son[a-z]+=`),
		"outside load":    regexp.MustCompile(`(?:\ssrc=|<link[^>]*\shref=)"(?:https?:)?//`),
	}
	for name, re := range checks {
		if m := re.FindString(html); m != "" {
			t.Errorf("%s in index.html: %q", name, m)
		}
	}
	for _, tag := range regexp.MustCompile(`<script[^>]*>`).FindAllString(html, -1) {
		if !strings.Contains(tag, `src="/`) {
			t.Errorf("script without a same-origin src: %s", tag)
		}
	}
}

// ETags let the browser revalidate: an unchanged file answers 304.
func TestHandlerETag(t *testing.T) {
	t.Parallel()
	h := web.Handler()
	res := get(t, h, "/js/conn.js")
	tag := res.Header.Get("ETag")
	if len(tag) < 10 || res.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("ETag %q, Cache-Control %q", tag, res.Header.Get("Cache-Control"))
	}
	if res := get(t, h, "/js/conn.js", "If-None-Match", tag); res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match with the ETag: %s, want 304", res.Status)
	}
	if other := get(t, h, "/js/bars.js").Header.Get("ETag"); other == tag {
		t.Errorf("two files share the ETag %s", tag)
	}
	if res := get(t, h, "/", "If-None-Match", get(t, h, "/").Header.Get("ETag")); res.StatusCode != http.StatusNotModified {
		t.Errorf("/ revalidation: %s, want 304", res.Status)
	}
}
