package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	"github.com/redis/go-redis/v9"

	"github.com/vnstock-api/vnstock-api/api/auth"
	"github.com/vnstock-api/vnstock-api/api/live"
	"github.com/vnstock-api/vnstock-api/cmd/internal/queryhalf"
	"github.com/vnstock-api/vnstock-api/hub"
	"github.com/vnstock-api/vnstock-api/market"
)

// app is the function of one execution environment: what main builds once,
// and the handler the first invocation builds over the store.
type app struct {
	cfg  config
	log  *slog.Logger
	hub  *hub.Hub      // GraphQL needs one; nothing publishes to it here
	rdb  *redis.Client // nil without REDIS_URL; it dials at first use
	open func(ctx context.Context) (queryhalf.Store, error)
	now  func() time.Time

	mu        sync.Mutex
	built     *built // nil until an invocation has built it
	lastFlush time.Time
}

// built is what serves invocations once the store is open.
type built struct {
	store   queryhalf.Store
	usage   *auth.Usage
	adapter *httpadapter.HandlerAdapterV2
}

// newApp builds what needs no network: the (idle) hub and the Redis client.
func newApp(cfg config, log *slog.Logger) (*app, error) {
	topics := live.Topics{Dir: market.DefaultDirectory()}
	h, err := hub.New(hub.Config{Classify: topics.Classify, Expand: topics.Expand, Logger: log},
		hub.NewMemoryBroker(hub.MemoryConfig{}))
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, log: log, hub: h, now: time.Now}
	if cfg.RedisURL != "" {
		opt, err := redis.ParseURL(cfg.RedisURL)
		if err != nil {
			return nil, fmt.Errorf("REDIS_URL: %w", err)
		}
		a.rdb = redis.NewClient(opt)
	}
	if cfg.DatabaseURL == "" {
		log.Warn("DATABASE_URL is not set: the store is an embedded SQLite file that lives and dies with this execution environment (tests and trials only)",
			"dir", cfg.DataDir)
	}
	a.open = func(ctx context.Context) (queryhalf.Store, error) {
		return queryhalf.OpenStore(ctx, cfg.DatabaseURL, cfg.DataDir, log)
	}
	return a, nil
}

// invoke serves one API Gateway (HTTP API, payload 2.0) request.
func (a *app) invoke(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	b, err := a.handler(ctx)
	if err != nil {
		a.log.Error("store unavailable", "request_id", ev.RequestContext.RequestID, "err", err)
		return errorResponse(http.StatusServiceUnavailable, "unavailable", "the store is unreachable; retry shortly"), nil
	}
	resp, err := b.adapter.ProxyWithContext(ctx, ev)
	if err != nil {
		a.log.Warn("unreadable event", "request_id", ev.RequestContext.RequestID, "err", err)
		resp = errorResponse(http.StatusBadRequest, "invalid_argument", "the request could not be read (body encoding or URL)")
	}
	a.flushUsage(ctx, b)
	return resp, nil
}

// handler returns the built handler, opening the store and building it at
// the first call. A failure is not kept: the next invocation tries again.
func (a *app) handler(ctx context.Context) (*built, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.built != nil {
		return a.built, nil
	}
	start := a.now()
	st, err := a.open(ctx)
	if err != nil {
		return nil, err
	}
	h, prot, err := a.routes(st)
	if err != nil {
		_ = st.Close()
		return nil, err
	}
	a.built = &built{store: st, usage: prot.Usage, adapter: httpadapter.NewV2(h)}
	a.lastFlush = a.now()
	a.log.Info("ready", "postgres", a.cfg.DatabaseURL != "", "redis", a.rdb != nil, "build_ms", a.now().Sub(start).Milliseconds())
	return a.built, nil
}

// flushUsage writes the usage counters when UsageFlush has passed since
// the last write. It runs before the response returns: once it has, Lambda
// may freeze the environment, and work in the background would stall.
func (a *app) flushUsage(ctx context.Context, b *built) {
	a.mu.Lock()
	now := a.now()
	due := now.Sub(a.lastFlush) >= a.cfg.UsageFlush
	if due {
		a.lastFlush = now
	}
	a.mu.Unlock()
	if !due {
		return
	}
	if err := b.usage.Flush(ctx); err != nil {
		a.log.Warn("usage flush", "err", err) // the rows stay for the next flush
	}
}

// close writes what usage is left and closes the store and Redis client.
func (a *app) close(ctx context.Context) {
	a.mu.Lock()
	b := a.built
	a.mu.Unlock()
	if b != nil {
		if err := b.usage.Flush(ctx); err != nil {
			a.log.Error("usage not flushed", "err", err)
		}
		if err := b.store.Close(); err != nil {
			a.log.Warn("close store", "err", err)
		}
	}
	if a.rdb != nil {
		_ = a.rdb.Close()
	}
	_ = a.hub.Close(ctx)
}

// errorResponse is the API's JSON error as a proxy response, for what
// happens before the router runs.
func errorResponse(status int, code, msg string) events.APIGatewayV2HTTPResponse {
	body, _ := json.Marshal(map[string]any{"error": map[string]string{"code": code, "message": msg}})
	return events.APIGatewayV2HTTPResponse{
		StatusCode: status,
		Headers:    map[string]string{"Content-Type": "application/json", "Cache-Control": "no-store"},
		Body:       string(body),
	}
}
