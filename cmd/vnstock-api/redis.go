package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vnstock-api/vnstock-api/feeds"
	"github.com/vnstock-api/vnstock-api/hub"
	"github.com/vnstock-api/vnstock-api/hub/redisbroker"
	"github.com/vnstock-api/vnstock-api/market"
)

// scaleOut is a server's Redis side: the broker that joins the process to
// the deployment, and a lease per feed source so that exactly one instance
// runs each feed.
type scaleOut struct {
	cfg    redisConfig
	client *redis.Client
	broker *redisbroker.Broker
	log    *slog.Logger
	hub    atomic.Pointer[hub.Hub] // where broker state changes are published
	leads  sync.Map                // feed name -> *atomic.Bool: this instance leads it now
}

// leading reports whether this instance runs feed name now (metrics).
func (so *scaleOut) leading(name string) bool {
	v, ok := so.leads.Load(name)
	return ok && v.(*atomic.Bool).Load()
}

// newScaleOut connects nothing yet (the hub starts the broker); it returns
// nil when no Redis URL is configured.
func newScaleOut(cfg redisConfig, log *slog.Logger) (*scaleOut, error) {
	if cfg.RedisURL == "" {
		return nil, nil
	}
	opt, err := redis.ParseURL(cfg.RedisURL)
	if err != nil {
		return nil, fmt.Errorf("redis-url: %w", err)
	}
	// go-redis logs dial failures itself, many per second while Redis is
	// away; the broker already reports the outage, so they go to debug.
	redis.SetLogger(redisLogger{log})
	so := &scaleOut{cfg: cfg, client: redis.NewClient(opt), log: log}
	so.broker, err = redisbroker.New(redisbroker.Config{
		Client: so.client, Prefix: cfg.RedisPrefix, Logger: log, OnState: so.onState,
	})
	if err != nil {
		_ = so.client.Close()
		return nil, err
	}
	return so, nil
}

// attach names the hub that broker state changes are published on.
func (so *scaleOut) attach(h *hub.Hub) { so.hub.Store(h) }

// onState publishes the broker's health on the `status` topic (source
// "redis"). While Redis is away the publish is local: this instance's
// clients learn that they get its own feeds only.
func (so *scaleOut) onState(st redisbroker.State, reason string) {
	h := so.hub.Load()
	if h == nil {
		return
	}
	now := time.Now()
	health := market.HealthOK
	if st != redisbroker.StateOK {
		health = market.HealthDegraded
	}
	b, err := json.Marshal(market.FeedStatus{Time: now, Sources: []market.SourceStatus{{
		Source: "redis", State: health, LastUpdate: now, Stale: health != market.HealthOK, Message: reason,
	}}})
	if err != nil { // cannot happen: strings, bools and times
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := h.Publish(ctx, "status", b, now.UnixMilli()); err != nil && !errors.Is(err, hub.ErrClosed) {
		so.log.Warn("status not published", "source", "redis", "err", err)
	}
}

// runFeed runs f only while this instance holds the lease of its source;
// the feed's context carries the lease's fence, so its publishes stop
// counting the moment another instance takes over.
func (so *scaleOut) runFeed(ctx context.Context, f feeds.Feed, pub feeds.Publisher) error {
	l, err := redisbroker.NewLease(so.client, redisbroker.LeaseConfig{
		Name: f.Name(), Prefix: so.cfg.RedisPrefix, Owner: so.broker.Instance(), TTL: so.cfg.LeaseTTL, Logger: so.log,
	})
	if err != nil {
		return err
	}
	lead, _ := so.leads.LoadOrStore(f.Name(), new(atomic.Bool))
	return l.Run(ctx, func(ctx context.Context) error {
		so.log.Info("leading feed", "source", f.Name())
		lead.(*atomic.Bool).Store(true)
		defer lead.(*atomic.Bool).Store(false)
		defer so.log.Info("no longer leading feed", "source", f.Name())
		return f.Run(ctx, pub)
	})
}

// degraded is the /readyz degraded check.
func (so *scaleOut) degraded(context.Context) error {
	if so.broker.Healthy() {
		return nil
	}
	return errors.New("redis unreachable: serving this instance's own feeds only")
}

// close releases the Redis connections, after the hub closed the broker.
func (so *scaleOut) close() {
	if err := so.client.Close(); err != nil {
		so.log.Warn("close redis client", "err", err)
	}
}

// redisLogger routes go-redis's own log lines to slog at debug level.
type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.DebugContext(ctx, fmt.Sprintf(format, v...), "component", "go-redis")
}
