package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"
)

// benchConfig is the bench command's validated flags.
type benchConfig struct {
	urls           []*url.URL // clients take them in turn
	transport      string     // "ws", "sse" or "graphql"
	query          string     // graphql: the subscription every client runs
	clients        int
	topics         []string
	duration       time.Duration
	warmup         time.Duration
	ramp           float64
	sources        []netip.Addr
	json           bool
	idle           bool
	serverPID      int
	apiKey         string
	connectTimeout time.Duration
	cpuProfile     string
	storm          stormConfig
}

// bench opens many WebSocket or SSE clients against a server, subscribes
// them, and reports delivered events per second and publish→receive latency
// measured from each event's ts.
func bench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "reference":
			return benchReference(ctx, args[1:], stderr)
		case "startup":
			return benchStartup(ctx, args[1:], stdout, stderr)
		}
	}
	cfg, err := parseBenchConfig(args, stderr)
	if err != nil {
		return err
	}
	if soft, err := raiseFileLimit(); err != nil {
		fmt.Fprintf(stderr, "bench: cannot raise the open-file limit (soft limit %d): %v\n", soft, err)
	} else if need := uint64(cfg.clients) + 64; soft < need {
		fmt.Fprintf(stderr, "bench: open-file limit %d is below the %d this run needs; raise the hard limit (ulimit -Hn)\n", soft, need)
	}
	setBenchProcs()
	r, err := newRunner(cfg, stderr)
	if err != nil {
		return err
	}
	stopProfile, err := startCPUProfile(cfg.cpuProfile)
	if err != nil {
		return err
	}
	rep := r.run(ctx)
	if err := stopProfile(); err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
	}
	if cfg.json {
		enc := json.NewEncoder(stdout)
		err = enc.Encode(rep)
	} else {
		err = rep.writeText(stdout)
	}
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if rep.Connected == 0 && rep.Clients > 0 && !rep.Interrupted {
		return errors.New("bench: no client connected")
	}
	return nil
}

// defaultGraphQLQuery is the subscription --transport graphql runs unless
// --query names another: the VN30 price board, with the envelope's seq and
// ts on every item.
const defaultGraphQLQuery = `subscription { quotes(group: "VN30") { symbol closePrice seq ts } }`

func parseBenchConfig(args []string, stderr io.Writer) (benchConfig, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rawURL := fs.String("url", "ws://127.0.0.1:8080/v1/ws", "server endpoint(s), comma list taken in turn: ws://host/v1/ws, http://host/v1/sse or ws://host/v1/graphql")
	transport := fs.String("transport", "", "ws, sse or graphql (default: from the URL scheme)")
	query := fs.String("query", defaultGraphQLQuery, "graphql: the subscription every client runs (graphql-transport-ws)")
	clients := fs.Int("clients", 100, "number of clients")
	topics := fs.String("topics", "quote:@VN30", "comma list of topics every client subscribes to")
	duration := fs.Duration("duration", 20*time.Second, "measured window (with --until-resumed: the most to wait)")
	warmup := fs.Duration("warmup", 3*time.Second, "time after connecting that is excluded from the stats")
	ramp := fs.Float64("ramp", 2000, "new connections per second while connecting (0: all at once)")
	sources := fs.String("sources", "", "local source addresses, e.g. 127.0.0.1,127.0.0.2 or 127.0.0.1-127.0.0.8")
	asJSON := fs.Bool("json", false, "print the report as one JSON object")
	idle := fs.Bool("idle", false, "connect and subscribe, then only hold the connections (RSS measurement)")
	pid := fs.Int("server-pid", 0, "server process id: report its VmRSS and RSS per connection")
	apiKey := fs.String("api-key", "", "sent as the X-API-Key header (and in graphql's connection_init)")
	connectTimeout := fs.Duration("connect-timeout", 10*time.Second, "time allowed for one connection's handshake")
	cpuProfile := fs.String("cpuprofile", "", "write the bench's own CPU profile to this file")
	finishStorm := stormFlags(fs)
	if err := fs.Parse(args); err != nil {
		return benchConfig{}, err
	}
	if fs.NArg() > 0 {
		return benchConfig{}, fmt.Errorf("bench: unexpected arguments %q", fs.Args())
	}
	cfg := benchConfig{
		clients: *clients, topics: splitList(*topics), duration: *duration, warmup: *warmup,
		ramp: *ramp, json: *asJSON, idle: *idle, serverPID: *pid, apiKey: *apiKey,
		connectTimeout: *connectTimeout, cpuProfile: *cpuProfile, query: strings.TrimSpace(*query),
		storm: finishStorm(),
	}
	var err error
	if cfg.sources, err = parseSources(*sources); err != nil {
		return cfg, fmt.Errorf("bench: %w", err)
	}
	if cfg.urls, cfg.transport, err = benchURLs(*rawURL, *transport); err != nil {
		return cfg, fmt.Errorf("bench: %w", err)
	}
	return cfg, cfg.validate()
}

// setBenchProcs raises GOMAXPROCS to benchProcs, unless the GOMAXPROCS
// environment variable chose it: every poll loop gets a P of its own, so
// that the kernel, not the Go scheduler, shares the CPUs between the loops
// and the servers beside them. Bytes that wait in a client's socket for
// its loop are measured as the server's latency.
func setBenchProcs() {
	if os.Getenv("GOMAXPROCS") != "" {
		return
	}
	if n := benchProcs(); n > runtime.GOMAXPROCS(0) {
		runtime.GOMAXPROCS(n)
	}
}

// benchURLs resolves a comma list of endpoints, which must all use the
// same transport.
func benchURLs(raw, transport string) ([]*url.URL, string, error) {
	var out []*url.URL
	for _, one := range splitList(raw) {
		u, tr, err := benchURL(one, transport)
		if err != nil {
			return nil, "", err
		}
		if transport == "" {
			transport = tr
		}
		out = append(out, u)
	}
	if len(out) == 0 {
		return nil, "", fmt.Errorf("url: give at least one endpoint")
	}
	return out, transport, nil
}

func (c benchConfig) validate() error {
	checks := []struct {
		ok  bool
		msg string
	}{
		{c.clients >= 1 && c.clients <= 1_000_000, "clients: must be in [1, 1000000]"},
		{len(c.topics) > 0, "topics: must name at least one topic"},
		{c.duration > 0, "duration: must be positive"},
		{c.warmup >= 0, "warmup: must not be negative"},
		{c.ramp >= 0, "ramp: must not be negative"},
		{c.serverPID >= 0, "server-pid: must not be negative"},
		{c.connectTimeout > 0, "connect-timeout: must be positive"},
		{c.transport != "graphql" || strings.HasPrefix(c.query, "subscription"), "query: must be a subscription"},
		{!c.storm.reconnect || c.transport == "ws", "reconnect: only the ws transport resumes"},
		{!c.storm.untilResumed || c.storm.reconnect, "until-resumed: needs --reconnect"},
		{c.storm.backoff > 0 && c.storm.backoffMax >= c.storm.backoff, "backoff: must be positive and at most backoff-max"},
		{c.storm.settle >= 0, "settle: must not be negative"},
	}
	for _, ch := range checks {
		if !ch.ok {
			return fmt.Errorf("bench: %s", ch.msg)
		}
	}
	return nil
}

// benchURL resolves the endpoint and transport: the scheme picks the
// transport unless one is named, an empty path gets the transport's
// default, and SSE URLs get the topics in the query at run time.
func benchURL(raw, transport string) (*url.URL, string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, "", fmt.Errorf("url: %q is not an absolute URL", raw)
	}
	if transport == "" {
		switch u.Scheme {
		case "ws", "wss":
			transport = "ws"
			if u.Path == "/v1/graphql" {
				transport = "graphql"
			}
		case "http", "https":
			transport = "sse"
		}
	}
	secure := u.Scheme == "wss" || u.Scheme == "https"
	switch transport {
	case "ws":
		u.Scheme = map[bool]string{false: "ws", true: "wss"}[secure]
		if u.Path == "" || u.Path == "/" || u.Path == "/v1/sse" || u.Path == "/v1/graphql" {
			u.Path = "/v1/ws"
		}
	case "graphql":
		u.Scheme = map[bool]string{false: "ws", true: "wss"}[secure]
		if u.Path == "" || u.Path == "/" || u.Path == "/v1/sse" || u.Path == "/v1/ws" {
			u.Path = "/v1/graphql"
		}
	case "sse":
		u.Scheme = map[bool]string{false: "http", true: "https"}[secure]
		if u.Path == "" || u.Path == "/" || u.Path == "/v1/ws" {
			u.Path = "/v1/sse"
		}
	default:
		return nil, "", fmt.Errorf("transport: %q is not ws, sse or graphql (or use a ws:// or http:// URL)", transport)
	}
	return u, transport, nil
}

// sseURL adds the topics to an SSE URL unless it names them already.
func sseURL(u *url.URL, topics []string) string {
	v := *u
	q := v.Query()
	if q.Get("topics") == "" {
		q.Set("topics", strings.Join(topics, ","))
		v.RawQuery = q.Encode()
	}
	return v.String()
}

// startCPUProfile profiles the bench process into path ("" does nothing);
// the returned function stops it.
func startCPUProfile(path string) (func() error, error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("bench: cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("bench: cpuprofile: %w", err)
	}
	return func() error {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			return fmt.Errorf("cpuprofile: %w", err)
		}
		return nil
	}, nil
}
