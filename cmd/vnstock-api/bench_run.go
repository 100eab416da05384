package main

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// runner runs one bench: it owns the clients, their shared HTTP transport,
// and the measurement phase every client reads.
type runner struct {
	cfg        benchConfig
	url        string
	header     http.Header
	subscribe  []byte // the WebSocket subscribe message
	httpClient *http.Client
	transport  *http.Transport
	phase      atomic.Int32
	bufs       sync.Pool // *[]byte frame buffers, shared by the WS readers
}

func newRunner(cfg benchConfig) (*runner, error) {
	r := &runner{cfg: cfg, header: http.Header{}}
	if cfg.apiKey != "" {
		r.header.Set("X-API-Key", cfg.apiKey)
	}
	sub, err := json.Marshal(map[string]any{"op": "subscribe", "id": 1, "topics": cfg.topics})
	if err != nil {
		return nil, err
	}
	r.subscribe = sub
	r.url = cfg.url.String()
	if cfg.transport == "sse" {
		r.url = sseURL(cfg.url, cfg.topics)
	}
	d := &benchDialer{sources: cfg.sources, timeout: cfg.connectTimeout}
	r.transport = &http.Transport{
		DialContext:         d.DialContext,
		DisableCompression:  true,
		DisableKeepAlives:   true,
		MaxIdleConnsPerHost: -1,
		WriteBufferSize:     1 << 10,
		ReadBufferSize:      4 << 10,
	}
	r.httpClient = &http.Client{Transport: r.transport}
	r.bufs.New = func() any { b := make([]byte, 0, 64<<10); return &b }
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
		clients.Go(func() { r.runClient(runCtx, st, sync.OnceFunc(connecting.Done)) })
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
	sleepCtx(ctx, r.cfg.warmup)
	if ctx.Err() == nil {
		r.phase.Store(phaseMeasure)
		m.bytes0, m.start = sumBytes(stats), time.Now()
		sleepCtx(ctx, r.cfg.duration)
		r.phase.Store(phaseDone)
		m.window, m.bytes1 = time.Since(m.start), sumBytes(stats)
	}
	m.open = countAlive(stats)
	m.rss, m.rssErr = readRSS(r.cfg.serverPID)
	m.interrupted = ctx.Err() != nil
	stop()
	clients.Wait()
	<-connectDone // every client has reported: the waiter has exited
	r.transport.CloseIdleConnections()
	return r.report(stats[:launched], m)
}

func (r *runner) runClient(ctx context.Context, st *clientStats, connected func()) {
	if r.cfg.transport == "sse" {
		r.runSSE(ctx, st, connected)
		return
	}
	r.runWS(ctx, st, connected)
}

// measurement is what the runner observed outside the clients.
type measurement struct {
	connect, warmup, window time.Duration
	start                   time.Time
	bytes0, bytes1          int64
	open                    int
	rss                     int64
	rssErr                  error
	interrupted             bool
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
