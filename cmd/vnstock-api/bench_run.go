package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// runner runs one bench: it owns the clients, their shared HTTP transport,
// and the measurement phase every client reads.
type runner struct {
	cfg        benchConfig
	urls       []string // client i connects to urls[i%len(urls)]
	header     http.Header
	subscribe  []byte // the WebSocket subscribe message
	gqlInit    []byte // graphql: the connection_init message
	gqlSub     []byte // graphql: the subscribe message
	progress   io.Writer
	storm      stormState
	httpClient *http.Client
	transport  *http.Transport
	dialer     *benchDialer
	polls      pollSet // reads the WebSocket clients
	phase      atomic.Int32
}

func newRunner(cfg benchConfig, progress io.Writer) (*runner, error) {
	r := &runner{cfg: cfg, header: http.Header{}, progress: progress}
	if cfg.apiKey != "" {
		r.header.Set("X-API-Key", cfg.apiKey)
	}
	sub, err := json.Marshal(map[string]any{"op": "subscribe", "id": 1, "topics": cfg.topics})
	if err != nil {
		return nil, err
	}
	r.subscribe = sub
	if r.gqlInit, r.gqlSub, err = graphQLMessages(cfg.apiKey, cfg.query); err != nil {
		return nil, err
	}
	for _, u := range cfg.urls {
		s := u.String()
		if cfg.transport == "sse" {
			s = sseURL(u, cfg.topics)
		}
		r.urls = append(r.urls, s)
	}
	r.dialer = &benchDialer{sources: cfg.sources, timeout: cfg.connectTimeout}
	r.transport = &http.Transport{
		DialContext:         r.dialer.DialContext,
		DisableCompression:  true,
		DisableKeepAlives:   true,
		MaxIdleConnsPerHost: -1,
		WriteBufferSize:     1 << 10,
		ReadBufferSize:      4 << 10,
	}
	r.httpClient = &http.Client{Transport: r.transport}
	return r, nil
}

// run connects the clients at the ramp rate, waits out the warmup, measures
// for the duration, and returns the report once every client goroutine has
// exited. Cancelling ctx ends the run early with what was measured.
func (r *runner) run(ctx context.Context) *benchReport {
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	stats := make([]*clientStats, r.cfg.clients)
	var clients, connecting sync.WaitGroup
	connecting.Add(len(stats))
	start := time.Now()
	launched := launch(runCtx, len(stats), r.cfg.ramp, func(i int) {
		st := newClientStats(&r.phase, r.cfg.idle)
		stats[i] = st
		u := r.urls[i%len(r.urls)]
		clients.Go(func() { r.runClient(runCtx, u, st, sync.OnceFunc(connecting.Done)) })
	})
	for range len(stats) - launched {
		connecting.Done()
	}
	connectDone := make(chan struct{})
	go func() { connecting.Wait(); close(connectDone) }()
	select {
	case <-connectDone:
	case <-ctx.Done():
	}
	m := measurement{connect: time.Since(start), warmup: r.cfg.warmup}
	r.progressf("bench: %d of %d clients connected in %.2fs\n", countAlive(stats), len(stats), m.connect.Seconds())
	if r.cfg.storm.untilResumed {
		r.waitResumed(ctx, stats, &m)
	} else {
		r.measure(ctx, stats, &m)
	}
	m.open = countAlive(stats)
	m.rss, m.rssErr = readRSS(r.cfg.serverPID)
	m.interrupted = ctx.Err() != nil
	stop()
	clients.Wait()
	<-connectDone // every client has reported: the waiter has exited
	r.transport.CloseIdleConnections()
	r.polls.close()
	return r.report(stats[:launched], m)
}

// measure waits out the warmup, then counts for the duration.
func (r *runner) measure(ctx context.Context, stats []*clientStats, m *measurement) {
	sleepCtx(ctx, r.cfg.warmup)
	if ctx.Err() == nil {
		r.phase.Store(phaseMeasure)
		cpu0, err0 := sampleCPU(r.cfg.serverPID)
		m.bytes0, m.start = sumBytes(stats), time.Now()
		sleepCtx(ctx, r.cfg.duration)
		r.phase.Store(phaseDone)
		m.window, m.bytes1 = time.Since(m.start), sumBytes(stats)
		cpu1, err1 := sampleCPU(r.cfg.serverPID)
		m.cpu, m.cpuErr = cpuBetween(cpu0, cpu1, m.window), errors.Join(err0, err1)
	}
}

func (r *runner) runClient(ctx context.Context, url string, st *clientStats, connected func()) {
	switch {
	case r.cfg.transport == "sse":
		r.runSSE(ctx, url, st, connected)
	case r.cfg.transport == "graphql":
		r.runGraphQL(ctx, url, st, connected)
	case r.cfg.storm.reconnect:
		r.runResuming(ctx, url, st, connected)
	default:
		r.runWS(ctx, url, st, connected)
	}
}

// urlList is the endpoints for the report.
func (r *runner) urlList() string { return strings.Join(r.urls, ",") }

// measurement is what the runner observed outside the clients.
type measurement struct {
	connect, warmup, window time.Duration
	start                   time.Time
	bytes0, bytes1          int64
	open                    int
	rss                     int64
	rssErr                  error
	cpu                     cpuUse // over the window
	cpuErr                  error
	interrupted             bool
	target                  int64 // reconnect runs: clients connected when the wait began
	timedOut                bool  // reconnect runs: --duration passed before all resumed
}

// progressf prints a progress line to the bench's stderr.
func (r *runner) progressf(format string, args ...any) {
	if r.progress != nil {
		fmt.Fprintf(r.progress, format, args...)
	}
}

// launch calls start(0..n-1) at about ramp calls per second (all at once
// when ramp is 0) and returns how many it started before ctx ended.
func launch(ctx context.Context, n int, ramp float64, start func(i int)) int {
	t0 := time.Now()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	i := 0
	for ctx.Err() == nil {
		want := n
		if ramp > 0 {
			want = min(n, int(time.Since(t0).Seconds()*ramp)+1)
		}
		for ; i < want; i++ {
			start(i)
		}
		if i >= n {
			break
		}
		select {
		case <-ctx.Done():
		case <-tick.C:
		}
	}
	return i
}

// sleepCtx sleeps for d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

func sumBytes(stats []*clientStats) int64 {
	var n int64
	for _, st := range stats {
		if st != nil {
			n += st.bytes.Load()
		}
	}
	return n
}

func countAlive(stats []*clientStats) int {
	n := 0
	for _, st := range stats {
		if st != nil && st.alive.Load() {
			n++
		}
	}
	return n
}
