// Command fakeupstream serves every fake upstream source (feeds/fakeupstream,
// each under /<source>: kbs, vci, vciiq, msn, fmarket, sjc, btmc, vcb) and
// the fake SSI iBoard push stream (feeds/ssifake, at /ssi/realtime) on one
// address, for offline demos, end-to-end tests and load tests. Point the
// server's upstream URLs at http://ADDR/<source> and its SSI URL at
// ws://ADDR/ssi/realtime. The first log line is `msg=listening addr=…`.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vnstock-api/vnstock-api/feeds/fakeupstream"
	"github.com/vnstock-api/vnstock-api/feeds/ssifake"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "fakeupstream:", err)
		os.Exit(1)
	}
}

// options are the command line.
type options struct {
	addr     string
	fake     fakeupstream.Config
	ssiFile  string
	ssiSpeed float64
	ssiLoop  bool
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	var only string
	fs := flag.NewFlagSet("fakeupstream", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8090", "listen address (port 0 picks a free port)")
	fs.DurationVar(&o.fake.Latency, "latency", 0, "delay added to every upstream answer")
	fs.IntVar(&o.fake.FailEvery, "fail-every", 0, "answer every Nth request with 500 (0: never)")
	fs.IntVar(&o.fake.Status, "status", 0, "answer every request with this HTTP status (0: off)")
	fs.BoolVar(&o.fake.Throttle, "throttle", false, "answer 429 with Retry-After: 1 and a Cloudflare 1015 body")
	fs.BoolVar(&o.fake.Malformed, "malformed", false, "answer 200 with a truncated body")
	fs.StringVar(&only, "only", "", "comma-separated sources the fault knobs apply to (default: all)")
	fs.StringVar(&o.ssiFile, "ssi-recording", "testdata/ssi/session_2026-04-14_VCB-FPT-MBB.jsonl",
		"SSI iBoard recording streamed at /ssi/realtime (empty: no SSI stream)")
	fs.Float64Var(&o.ssiSpeed, "ssi-speed", 1, "SSI replay speed factor (0: as fast as possible)")
	fs.BoolVar(&o.ssiLoop, "ssi-loop", true, "restart the SSI recording at its end")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if s := o.fake.Status; s != 0 && (s < 100 || s > 599) {
		return o, fmt.Errorf("--status %d is not an HTTP status", s)
	}
	if o.fake.FailEvery < 0 || o.fake.Latency < 0 {
		return o, errors.New("--fail-every and --latency must not be negative")
	}
	for _, s := range strings.Split(only, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if !slices.Contains(fakeupstream.Sources, s) {
			return o, fmt.Errorf("--only: unknown source %q (have %s)", s, strings.Join(fakeupstream.Sources, ","))
		}
		o.fake.Only = append(o.fake.Only, s)
	}
	return o, nil
}

// run serves until ctx ends.
func run(ctx context.Context, args []string, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	o.fake.Logger = logger
	mux := http.NewServeMux()
	mux.Handle("/", fakeupstream.New(o.fake))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	closeSSI := func() {}
	if o.ssiFile != "" {
		frames, err := ssifake.LoadRecording(o.ssiFile)
		if err != nil {
			return fmt.Errorf("ssi recording: %w", err)
		}
		ssi := ssifake.NewServer(frames, ssifake.Options{Speed: o.ssiSpeed, Loop: o.ssiLoop})
		closeSSI = sync.OnceFunc(ssi.Close)
		defer closeSSI()
		proxy, err := ssiProxy(ssi.URL)
		if err != nil {
			return err
		}
		mux.Handle("/ssi/", proxy)
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	logger.Info("listening", "addr", ln.Addr().String(), "sources", strings.Join(fakeupstream.Sources, ","),
		"ssi", o.ssiFile != "", "only", strings.Join(o.fake.Only, ","))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	closeSSI() // ends the proxied streams, which Shutdown does not track
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// ssiProxy forwards /ssi/<path> (WebSocket upgrades included) to the fake
// iBoard server's /<path>.
func ssiProxy(target string) (http.Handler, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("ssi fake url: %w", err)
	}
	return &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(u)
		pr.Out.URL.Path = strings.TrimPrefix(pr.In.URL.Path, "/ssi")
		pr.Out.URL.RawPath = ""
	}}, nil
}
