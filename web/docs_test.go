package web

import (
	"context"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/gorilla/mux"

	"github.com/vnstock-api/vnstock-api/api/rest"
)

// TestDocsPageIsSelfContained reads our page, script and styles: every
// reference is a file of the embedded tree, none names another origin.
func TestDocsPageIsSelfContained(t *testing.T) {
	t.Parallel()
	sub, _ := fs.Sub(docsFiles, "docs")
	ref := regexp.MustCompile(`(?:src|href)="([^"]*)"`)
	page, err := fs.ReadFile(sub, "index.html")
	if err != nil {
		t.Fatal(err)
	}
	refs := ref.FindAllStringSubmatch(string(page), -1)
	if len(refs) < 4 {
		t.Fatalf("index.html references %d files, want the bundle, init, styles and icon", len(refs))
	}
	for _, m := range refs {
		name, ok := strings.CutPrefix(m[1], "/docs/")
		if !ok {
			t.Errorf("index.html references %q outside /docs/", m[1])
			continue
		}
		if _, err := fs.Stat(sub, name); err != nil {
			t.Errorf("index.html references %s, which is not embedded", m[1])
		}
	}
	external := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)
	for _, name := range []string{"index.html", "init.js", "docs.css"} {
		b, _ := fs.ReadFile(sub, name)
		if m := external.Find(b); m != nil {
			t.Errorf("%s names another origin: %s", name, m)
		}
	}
	css, _ := fs.ReadFile(sub, "swagger-ui.css")
	for _, m := range regexp.MustCompile(`url\(\s*["']?([^"')]*)`).FindAllSubmatch(css, -1) {
		if !strings.HasPrefix(string(m[1]), "data:") {
			t.Errorf("swagger-ui.css loads %s", m[1])
		}
	}
	for _, name := range []string{"LICENSE", "NOTICE", "VENDOR.md"} {
		if _, err := fs.Stat(sub, name); err != nil {
			t.Errorf("%s is not shipped: %v", name, err)
		}
	}
}

func TestDocsHandler(t *testing.T) {
	t.Parallel()
	h := DocsHandler()
	get := func(path string, header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if len(header) == 2 {
			req.Header.Set(header[0], header[1])
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	for _, p := range []string{"/docs", "/docs/"} {
		w := get(p)
		if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") || !strings.Contains(w.Body.String(), "swagger-ui-bundle.js") {
			t.Fatalf("GET %s = %d %s", p, w.Code, w.Header().Get("Content-Type"))
		}
		if csp := w.Header().Get("Content-Security-Policy"); csp != DocsCSP || strings.Contains(csp, "http") {
			t.Fatalf("CSP = %q", csp)
		}
	}
	w := get("/docs/swagger-ui-bundle.js")
	if w.Code != http.StatusOK || !strings.Contains(w.Header().Get("Content-Type"), "javascript") || w.Body.Len() < 1_000_000 {
		t.Fatalf("bundle: %d %s %d bytes", w.Code, w.Header().Get("Content-Type"), w.Body.Len())
	}
	if w := get("/docs/swagger-ui-bundle.js", "If-None-Match", w.Header().Get("ETag")); w.Code != http.StatusNotModified {
		t.Fatalf("If-None-Match: %d, want 304", w.Code)
	}
	for _, p := range []string{"/docs/nope.js", "/docs/../web.go", "/docs/.hidden"} {
		if w := get(p); w.Code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", p, w.Code)
		}
	}
}

// TestDocsBrowser opens /docs in headless chromium with every other host
// unresolvable: the page must render every operation of the real OpenAPI
// document and request nothing from another origin, with no console error.
func TestDocsBrowser(t *testing.T) {
	exe := chromium(t)
	r := mux.NewRouter()
	r.Handle("/docs", DocsHandler())
	r.PathPrefix("/docs/").Handler(DocsHandler())
	r.Handle("/openapi.json", rest.OpenAPIHandler())
	srv := httptest.NewServer(r)
	defer srv.Close()

	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"))...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	defer cancelTimeout()

	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	var mu sync.Mutex
	var requests, problems []string
	reqs, msgs := chromedp.Events(ctx, network.RequestWillBeSent), chromedp.Console(ctx)
	go func() {
		for ev, err := range reqs {
			if err != nil {
				return
			}
			mu.Lock()
			requests = append(requests, ev.Request.URL)
			mu.Unlock()
		}
	}()
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
				mu.Lock()
				problems = append(problems, string(m.Type)+": "+m.Text)
				mu.Unlock()
			}
		}
	}()
	err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/docs"), chromedp.WaitVisible(`.opblock`))
	if err != nil {
		t.Fatalf("the page did not render: %v", err)
	}
	ops, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.opblock').length`))
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Contains(requests, srv.URL+"/openapi.json") {
		t.Errorf("the page did not load /openapi.json; requests: %v", requests)
	}
	if ops < 40 {
		t.Errorf("%d operations rendered, want every route (at least 40)", ops)
	}
	for _, u := range requests {
		if !strings.HasPrefix(u, srv.URL+"/") && !strings.HasPrefix(u, "data:") {
			t.Errorf("the page requested %s", u)
		}
	}
	if len(problems) > 0 {
		t.Errorf("console: %v", problems)
	}
}

// chromium finds the browser: skipped under -short or when none is
// installed, failed when VNSTOCK_E2E=1 asks for the browser tests.
func chromium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	for _, c := range []string{os.Getenv("VNSTOCK_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(c); c != "" && err == nil {
			return p
		}
	}
	if os.Getenv("VNSTOCK_E2E") == "1" {
		t.Fatal("VNSTOCK_E2E=1 but no chromium found")
	}
	t.Skip("no chromium on PATH")
	return ""
}
