package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The browser tests drive Debian's chromium headless through the DevTools
// protocol. They skip under -short and when no chromium is installed, unless
// VNSTOCK_E2E=1 says they must run (then a missing browser fails them).
//
//	apt-get install -y chromium
//	VNSTOCK_E2E=1 go test ./web -run TestDashboard -v

// chromiumPath finds the browser or skips the test.
func chromiumPath(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	candidates := []string{os.Getenv("VNSTOCK_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	if os.Getenv("VNSTOCK_E2E") == "1" {
		t.Fatal("VNSTOCK_E2E=1 but no chromium found: apt-get install -y chromium, or set VNSTOCK_CHROMIUM")
	}
	t.Skip("no chromium on PATH (apt-get install -y chromium); set VNSTOCK_E2E=1 to make this a failure")
	return ""
}

// browser is one headless tab that records every request it makes and
// every console message, exception and browser-log entry.
type browser struct {
	t   testing.TB
	ctx context.Context

	mu       sync.Mutex
	requests []string
	console  []chromedp.ConsoleMessage
	marks    map[string]int // named positions in console, for windows of allowed errors
}

// newBrowser starts chromium headless with the flags the issue asks for
// and a viewport of w×h. Host names other than the loopback ones resolve to
// nothing, so even a request the page should not make cannot leave the
// machine; the recorded requests still show it.
func newBrowser(t testing.TB, w, h int) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"),
		chromedp.WindowSize(w, h),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	b := &browser{t: t, ctx: ctx, marks: map[string]int{}}
	reqs := chromedp.Events(ctx, network.RequestWillBeSent)
	sockets := chromedp.Events(ctx, network.WebSocketCreated)
	msgs := chromedp.Console(ctx)
	go func() {
		for ev, err := range reqs {
			if err != nil {
				return
			}
			b.record(ev.Request.URL)
		}
	}()
	go func() {
		for ev, err := range sockets {
			if err != nil {
				return
			}
			b.record(ev.URL)
		}
	}()
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.console = append(b.console, m)
			b.mu.Unlock()
		}
	}()
	return b
}

func (b *browser) record(u string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.requests = append(b.requests, u)
}

// actionTimeout bounds one browser action: a query for an element that
// never appears fails the test instead of hanging it.
const actionTimeout = 15 * time.Second

// do runs actions, failing the test on error.
func (b *browser) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// eval evaluates a JavaScript expression (awaiting a promise) into T.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluate %q: %v", expr, err)
	}
	return v
}

// waitFor polls a JavaScript boolean expression every 25 ms until it is
// true and returns how long that took; it fails the test after timeout.
func (b *browser) waitFor(what string, timeout time.Duration, expr string) time.Duration {
	b.t.Helper()
	start := time.Now()
	for {
		ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("Boolean("+expr+")"))
		cancel()
		if err == nil && ok {
			return time.Since(start)
		}
		if time.Since(start) > timeout {
			b.t.Fatalf("%s: not within %s (last error %v)", what, timeout, err)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// mark remembers the current end of the console log under a name.
func (b *browser) mark(name string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.marks[name] = len(b.console)
}

// assertLocalOnly fails when the page requested anything but its own
// loopback server (data: and blob: URLs stay in the page).
func (b *browser) assertLocalOnly(t testing.TB) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.requests) == 0 {
		t.Fatal("no request recorded: the network listener is not working")
	}
	for _, raw := range b.requests {
		u, err := url.Parse(raw)
		if err != nil {
			t.Errorf("unparsable request URL %q", raw)
			continue
		}
		switch u.Scheme {
		case "data", "blob":
			continue
		}
		if h := u.Hostname(); h != "127.0.0.1" && h != "localhost" {
			t.Errorf("request left localhost: %s", raw)
		}
	}
	t.Logf("%d requests, all to localhost", len(b.requests))
}

// assertNoConsoleErrors fails on any console.error, uncaught exception or
// browser-log error, except network errors that allowed accepts: the
// browser logs every failed fetch (a 404 the page renders as "not
// available", a refused connection while the server is down) and the page
// cannot stop it.
func (b *browser) assertNoConsoleErrors(t testing.TB, allowed func(i int, m chromedp.ConsoleMessage) bool) {
	t.Helper()
	b.mu.Lock()
	console := append([]chromedp.ConsoleMessage(nil), b.console...)
	b.mu.Unlock()
	for i, m := range console {
		if m.Type != chromedp.ConsoleError && m.Type != chromedp.ConsoleException {
			continue
		}
		if m.Source == "network" && allowed != nil && allowed(i, m) {
			continue
		}
		t.Errorf("console %s (source %q, %s:%d): %s", m.Type, m.Source, m.URL, m.Line+1, m.Text)
	}
}

// consoleText is every recorded console line, for failure messages.
func (b *browser) consoleText() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var sb strings.Builder
	for _, m := range b.console {
		fmt.Fprintf(&sb, "%s [%s] %s\n", m.Type, m.Source, m.Text)
	}
	return sb.String()
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}
