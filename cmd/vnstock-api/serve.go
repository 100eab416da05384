package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vnstock-api/vnstock-api/api"
	"github.com/vnstock-api/vnstock-api/api/auth"
	"github.com/vnstock-api/vnstock-api/api/live"
	"github.com/vnstock-api/vnstock-api/api/rest"
	"github.com/vnstock-api/vnstock-api/api/sse"
	"github.com/vnstock-api/vnstock-api/api/ws"
	"github.com/vnstock-api/vnstock-api/feeds"
	"github.com/vnstock-api/vnstock-api/hub"
	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/web"
)

// server is one running vnstock-api process.
type server struct {
	cfg      Config
	log      *slog.Logger
	hub      *hub.Hub
	ws       *ws.Handler
	sse      *sse.Handler
	http     *http.Server
	draining atomic.Bool
	store    store
	prot     *protection
	query    *queryHalf
	chain    *reloadable       // the upstream live feeds, nil when none runs
	dir      *market.Directory // symbols and groups; real listings replace the built-in ones
	redis    *scaleOut         // nil: one process, memory broker
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	s, err := newServer(ctx, cfg, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		s.closeStore()
		return fmt.Errorf("listen: %w", err)
	}
	if err := s.prot.bootstrap(ctx, cfg, "http://"+ln.Addr().String(), stdout); err != nil {
		ln.Close()
		s.closeStore()
		return fmt.Errorf("bootstrap admin key: %w", err)
	}
	return s.run(ctx, &api.PerIPListener{Listener: sendBufferListener{ln, cfg.SocketBuffer}, Max: cfg.MaxConnsPerIP})
}

// sendBufferListener sets each accepted TCP connection's kernel send buffer.
// A stream to a slow reader then backs up into the hub's queue, where state
// topics conflate, instead of into megabytes of stale bytes in the kernel.
type sendBufferListener struct {
	net.Listener
	size int
}

func (l sendBufferListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok && err == nil && l.size > 0 {
		_ = tc.SetWriteBuffer(l.size) // best effort: the kernel default still works
	}
	return c, err
}

// newLogger builds the process's one logger: JSON (text on a terminal, or
// when asked), with the request id of the request a line was logged for.
func newLogger(cfg Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	format := cfg.LogFormat
	if format == "auto" {
		format = "json"
		if f, ok := w.(*os.File); ok && isTerminal(f) {
			format = "text"
		}
	}
	if format == "json" {
		return slog.New(api.LogHandler{Handler: slog.NewJSONHandler(w, opts)})
	}
	return slog.New(api.LogHandler{Handler: slog.NewTextHandler(w, opts)})
}

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func newServer(ctx context.Context, cfg Config, log *slog.Logger) (*server, error) {
	dir := market.DefaultDirectory()
	topics := live.Topics{Dir: dir, NoWildcards: cfg.NoWildcards}
	so, err := newScaleOut(cfg.redisConfig, log)
	if err != nil {
		return nil, err
	}
	var broker hub.Broker = hub.NewMemoryBroker(hub.MemoryConfig{})
	if so != nil {
		broker = so.broker
	}
	h, err := hub.New(hub.Config{
		Classify:   topics.Classify,
		Expand:     topics.Expand,
		QueueBytes: cfg.QueueBytes,
		MaxTopics:  cfg.MaxTopics,
		Logger:     log,
	}, broker)
	if err != nil {
		return nil, err
	}
	s := &server{cfg: cfg, log: log, hub: h, redis: so, dir: dir}
	var degraded func(context.Context) error
	if so != nil {
		so.attach(h)
		degraded = so.degraded
	}
	if s.store, err = openStore(ctx, cfg, log); err != nil {
		return nil, err
	}
	if s.prot, err = newProtection(cfg, s.store, s.limiter(), log); err != nil {
		s.closeStore()
		return nil, err
	}
	s.prot.Metrics.RegisterHub(h.Stats, h.StatsByKind)
	if s.query, err = newQueryHalf(cfg, s.store, h, dir, s.prot, s.cacheRedis(), log); err != nil {
		s.closeStore()
		return nil, err
	}
	s.registerStreamGauges()
	stream := live.Config{Heartbeat: cfg.Heartbeat, FlushInterval: cfg.FlushInterval}
	wsStream, sseStream := stream, stream
	wsStream.OnWrite, sseStream.OnWrite = s.prot.OnWrite("ws"), s.prot.OnWrite("sse")
	s.ws = ws.New(ws.Config{Stream: wsStream, MaxTopics: cfg.MaxTopics, QueueBytes: cfg.QueueBytes,
		OriginPatterns: cfg.WSOrigins, Limits: auth.StreamLimits, Detach: auth.Detach, Logger: log}, h)
	s.sse = sse.New(sse.Config{Stream: sseStream, MaxTopics: cfg.MaxTopics, Limits: auth.StreamLimits, Logger: log}, h)
	s.http = &http.Server{
		Handler: api.NewRouter(api.Deps{
			WS: s.ws, SSE: s.sse, Web: web.Handler(), Snapshot: h, Ready: s.ready, Degraded: degraded, Logger: log,
			Admin: s.prot.Admin, Metrics: s.prot.Metrics.Handler(), Observe: s.prot.Metrics.HTTP,
			Guard: s.prot.Guard, CORSOrigins: cfg.CORSOrigins,
			REST: s.query.REST, OpenAPI: rest.OpenAPIHandler(), Graph: s.query.Graph, Docs: web.DocsHandler(),
		}),
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	return s, nil
}

func (s *server) ready(ctx context.Context) error {
	if s.draining.Load() {
		return errors.New("draining")
	}
	if err := s.store.Ping(ctx); err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	return nil
}

func (s *server) closeStore() {
	if err := s.store.Close(); err != nil {
		s.log.Warn("close store", "err", err)
	}
}

// run serves on ln and runs the feeds until ctx ends, then shuts down
// gracefully within the configured deadline.
func (s *server) run(ctx context.Context, ln net.Listener) error {
	url := "http://" + ln.Addr().String()
	s.log.Info("listening", "addr", ln.Addr().String(), "dashboard", url+"/",
		"ws", "ws://"+ln.Addr().String()+"/v1/ws", "sse", url+"/v1/sse?topics=quote:@VN30", "feeds", s.cfg.Feeds)
	feedCtx, stopFeeds := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	if err := s.startFeeds(feedCtx, &wg); err != nil {
		stopFeeds()
		return err
	}
	wg.Add(3)
	go func() {
		defer wg.Done()
		s.watchHUP(feedCtx)
	}()
	go func() {
		defer wg.Done()
		s.keepDirectory(feedCtx)
	}()
	go func() {
		defer wg.Done()
		s.prot.Usage.Run(feedCtx, s.cfg.UsageFlush, func(err error) { s.log.Warn("usage flush", "err", err) })
	}()
	serveErr := make(chan error, 1)
	go func() { serveErr <- s.http.Serve(ln) }()
	var err error
	select {
	case <-ctx.Done():
	case err = <-serveErr:
	}
	s.shutdown(stopFeeds, &wg)
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

func (s *server) shutdown(stopFeeds func(), wg *sync.WaitGroup) {
	s.log.Info("shutting down", "deadline", s.cfg.ShutdownTimeout)
	s.draining.Store(true)
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	stopFeeds()
	if err := s.sse.Shutdown(ctx); err != nil {
		s.log.Warn("sse drain incomplete", "err", err)
	}
	if err := s.query.Graph.Shutdown(ctx); err != nil {
		s.log.Warn("graphql drain incomplete", "err", err)
	}
	if err := s.ws.Shutdown(ctx); err != nil {
		s.log.Warn("websocket drain incomplete", "err", err)
	}
	if err := s.http.Shutdown(ctx); err != nil {
		s.log.Warn("http drain incomplete", "err", err)
	}
	wg.Wait()
	if err := s.prot.Usage.Flush(ctx); err != nil {
		s.log.Error("usage not flushed", "err", err)
	}
	if err := s.hub.Close(ctx); err != nil {
		s.log.Warn("hub close", "err", err)
	}
	if s.redis != nil {
		s.redis.close()
	}
	s.closeStore()
	s.log.Info("stopped")
}

// hubPublisher adapts the hub to feeds.Publisher.
type hubPublisher struct {
	h       *hub.Hub
	observe func(time.Duration, error) // broker hand-off time and errors
}

// Publish does not wait for the event's seq: with Redis a feed publishes at
// its own pace and the broker batches (the memory broker is as before).
func (p hubPublisher) Publish(ctx context.Context, topic string, payload []byte, ts int64) error {
	t0 := time.Now()
	err := p.h.PublishAsync(ctx, topic, payload, ts)
	p.observe(time.Since(t0), err)
	return err
}

func (s *server) startFeeds(ctx context.Context, wg *sync.WaitGroup) error {
	for _, name := range s.cfg.Feeds {
		f, err := s.newFeed(name)
		if err != nil {
			return fmt.Errorf("feed %s: %w", name, err)
		}
		if f == nil {
			continue
		}
		s.prot.Metrics.GaugeFunc("vnstock_feed_leader", "1 while this instance runs the feed (holds its lease with Redis).",
			map[string]string{"source": f.Name()}, func() float64 {
				if s.redis == nil || s.redis.leading(f.Name()) {
					return 1
				}
				return 0
			})
		wg.Add(1)
		go func() {
			defer wg.Done()
			run := f.Run
			if s.redis != nil {
				run = func(ctx context.Context, pub feeds.Publisher) error { return s.redis.runFeed(ctx, f, pub) }
			}
			if err := run(ctx, hubPublisher{s.hub, s.prot.Metrics.ObservePublish}); err != nil && !errors.Is(err, context.Canceled) {
				s.log.Error("feed stopped", "source", f.Name(), "err", err)
			}
		}()
	}
	return nil
}

func (s *server) newFeed(name string) (feeds.Feed, error) {
	switch name {
	case "sim":
		return feeds.NewSim(feeds.SimConfig{
			Seed: s.cfg.SimSeed, Rate: s.cfg.SimRate, Clock: s.cfg.SimClock, Logger: s.log,
		})
	case "ssi", "kbs", "vci":
		if name != firstUpstreamFeed(s.cfg.Feeds) {
			return nil, nil // part of the chain the first one runs
		}
		items := s.cfg.Watchlist
		if s.cfg.WatchlistFile != "" {
			var err error
			if items, err = readWatchlist(s.cfg.WatchlistFile, s.dir); err != nil {
				return nil, err
			}
		}
		s.chain = newReloadable(upstreamChainName(s.cfg.Feeds), items, func(items []string) (feeds.Feed, error) {
			cfg := s.cfg
			cfg.Watchlist = items
			return newUpstreamChain(cfg.Feeds, cfg, s.dir, s.query.Upstreams, s.log)
		}, s.log)
		return s.chain, nil
	case "replay":
		return s.newReplayFeed()
	}
	return nil, fmt.Errorf("unknown feed %q", name)
}
