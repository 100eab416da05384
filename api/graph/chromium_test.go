package graph

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// requestLog records every request the browser attempts.
type requestLog struct {
	mu       sync.Mutex
	urls     []string
	external []string
	errors   []string
}

func (l *requestLog) add(u string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.urls = append(l.urls, u)
	p, err := url.Parse(u)
	local := err == nil && (p.Scheme == "data" || p.Hostname() == "127.0.0.1")
	if !local {
		l.external = append(l.external, u)
	}
	return local
}

// GraphiQL opens from the binary alone: every request the page makes goes
// to the test server (anything else is blocked and fails the test), a query
// runs over HTTP and a subscription over WebSocket, both answered live.
func TestGraphiQLOffline(t *testing.T) {
	chrome, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("VNSTOCK_INTEGRATION") == "1" {
			t.Fatal("chromium is required with VNSTOCK_INTEGRATION=1 (apt-get install -y chromium)")
		}
		t.Skip("chromium not installed")
	}
	e := newEnv(t)
	publish(t, e, "quote:VNM", quoteJSON(e, "VNM", 68200), 1742526900000)
	ctx, log := startBrowser(t, chrome)
	if err := chromedp.Do(ctx, chromedp.Navigate(e.url), chromedp.WaitVisible(".graphiql-execute-button")); err != nil {
		t.Fatalf("open GraphiQL: %v (page errors: %v)", err, log.errors)
	}
	run := func(query, want string) {
		t.Helper()
		if err := chromedp.Do(ctx, setQuery(query)); err != nil {
			t.Fatal(err)
		}
		// GraphiQL re-parses the editor after a debounce; the fetcher picks
		// HTTP or WebSocket from that parse, so let it catch up.
		time.Sleep(1500 * time.Millisecond)
		if err := chromedp.Do(ctx, chromedp.Click(".graphiql-execute-button")); err != nil {
			t.Fatal(err)
		}
		waitResult(t, ctx, want)
	}
	run(`{ quotes(symbols: ["VNM"]) { quotes { symbol closePrice } meta { source } } }`, `"closePrice": 68200`)
	run(`subscription { quotes(symbols: ["VNM"]) { symbol price seq } }`, `"seq": 1`)
	publish(t, e, "quote:VNM", quoteJSON(e, "VNM", 68900), 1742526901000)
	waitResult(t, ctx, `"price": 68900`)
	log.mu.Lock()
	external := slices.Clone(log.external)
	log.mu.Unlock()
	if len(external) > 0 {
		t.Errorf("the page tried to reach outside the server: %v", external)
	}
	// The detector itself works: a navigation elsewhere is caught and blocked.
	_ = chromedp.Do(ctx, chromedp.Navigate("http://cdn.example.com/graphiql.min.js"))
	log.mu.Lock()
	defer log.mu.Unlock()
	if !slices.ContainsFunc(log.external, func(u string) bool { return strings.Contains(u, "//cdn.example.com/") }) {
		t.Errorf("an outside request went unnoticed: %v", log.urls)
	}
	var sawWS, sawAsset bool
	for _, u := range log.urls {
		sawWS = sawWS || strings.HasPrefix(u, "ws://127.0.0.1")
		sawAsset = sawAsset || strings.Contains(u, "asset=graphiql.min.js")
	}
	if !sawWS || !sawAsset {
		t.Errorf("requests %v: want the embedded assets and a WebSocket", log.urls)
	}
	if len(log.errors) > 0 {
		t.Errorf("page errors: %v", log.errors)
	}
}

// startBrowser starts headless Chromium with every request intercepted
// (outside ones fail) and name resolution limited to 127.0.0.1.
func startBrowser(t *testing.T, chrome string) (context.Context, *requestLog) {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chrome), chromedp.NoSandbox,
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(cancelCtx)
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(cancel)
	log := &requestLog{}
	if err := listen(ctx, log); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}}); err != nil {
		t.Fatal(err)
	}
	return ctx, log
}

// listen fails every non-local request (Fetch interception) and records
// every request, WebSocket and page exception.
func listen(ctx context.Context, log *requestLog) error {
	paused := chromedp.Events(ctx, fetch.RequestPaused)
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			if log.add(ev.Request.URL) {
				_, _ = chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
			} else {
				_, _ = chromedp.Call(ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
			}
		}
	}()
	return chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *network.EventWebSocketCreated:
			log.add(ev.URL)
		case *runtime.EventExceptionThrown:
			log.mu.Lock()
			d := ev.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			log.errors = append(log.errors, fmt.Sprintf("%s (%s:%d)", msg, d.URL, d.LineNumber))
			log.mu.Unlock()
		}
	})
}

// setQuery replaces the text of GraphiQL's query editor (CodeMirror 5).
func setQuery(q string) chromedp.Action[chromedp.Void] {
	js := fmt.Sprintf(`document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(%q)`, q)
	return chromedp.Evaluate[chromedp.Void](js)
}

// waitResult waits until GraphiQL's result pane contains want.
func waitResult(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	const js = `(function(){ var el = document.querySelector('.graphiql-response .CodeMirror'); return el ? el.CodeMirror.getValue() : ''; })()`
	var got string
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var err error
		if got, err = chromedp.Run(ctx, chromedp.Evaluate[string](js)); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(got, want) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("result pane %q, want it to contain %q", got, want)
}
