// Package graph serves the GraphQL API at /v1/graphql (gqlgen, schema-first:
// schema.graphqls, gqlgen.yml and the committed generated.go): a Query field
// for every capability of api.md, each answered by one call to the same
// Service REST uses; live subscriptions fed by the hub with the WebSocket
// transport's queues, conflation and slow-consumer rule; HTTP POST/GET and
// both GraphQL WebSocket protocols on one path; depth, complexity and batch
// limits, automatic persisted queries; and GraphiQL with embedded assets.
package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/vnstock-api/vnstock-api/api/graph/internal/gen"
	"github.com/vnstock-api/vnstock-api/api/live"
	"github.com/vnstock-api/vnstock-api/api/wsio"
	"github.com/vnstock-api/vnstock-api/hub"
	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
)

// Service answers queries; *storage.Service implements it. Every Query
// resolver makes exactly one Get.
type Service interface {
	Get(ctx context.Context, q market.Query) (storage.Answer, error)
}

// Authenticator checks an API key ("" when the client sent none) and returns
// the context the request runs with. An error refuses the request: one
// wrapping ErrRateLimited is reported as RATE_LIMITED (HTTP 429), any other
// as UNAUTHENTICATED (HTTP 401).
type Authenticator func(ctx context.Context, apiKey string) (context.Context, error)

// ErrRateLimited is what an Authenticator wraps to refuse a client that is
// over its limits.
var ErrRateLimited = errors.New("rate limited")

// Config configures the handler. Service and Hub are required; zero values
// of the rest take the defaults noted.
type Config struct {
	Service Service
	Hub     *hub.Hub
	// Topics knows the directory; it names the members of a quotes(group:)
	// query. Its Dir may be nil (groups are then asked of the Service).
	Topics live.Topics
	Logger *slog.Logger
	// Authenticate is the auth hook; nil allows every request.
	Authenticate Authenticator
	// Limits, when set, returns the client's own topic cap (its API key's
	// plan, from the context Authenticate returned); 0 keeps the hub's.
	Limits func(ctx context.Context) (maxTopics int, messagesPerS float64)
	// OriginPatterns are the cross-origin hosts allowed to open a WebSocket
	// (path.Match patterns on the Origin's host, as coder/websocket).
	OriginPatterns []string
	// Stream is the subscription pacing shared with /v1/ws:
	// FlushInterval is the least time between two messages of one
	// subscription (what arrives meanwhile is batched and conflated),
	// Heartbeat the keepalive interval (default 15s), WriteTimeout the
	// bound on one write (default 5s) after which a stuck client is closed,
	// and OnWrite (optional) sees each batch a subscription sends, with the
	// context the Authenticator returned.
	Stream live.Config
	// Writers bounds the subscriptions preparing a message at once where
	// gqlgen writes them (NoSharedRender, or a connection the writer pool
	// cannot serve): live.Turns; a turn is given back when the next message
	// is asked for, or after 50 ms, so a client slow to take its message
	// keeps none. Default 8 × GOMAXPROCS. Shared subscriptions on a
	// WebSocket are written by a pool of 2 × GOMAXPROCS workers (pool.go).
	Writers int
	// FrameRate is the messages per second all subscriptions together aim
	// at: a subscription rests at least open subscriptions / FrameRate
	// between two messages (and never less than Stream.FlushInterval), so
	// that with many subscribers each message carries more events instead
	// of the server and the clients spending their time on system calls.
	// Default 100,000 (5,000 subscriptions: a message per 50 ms each).
	FrameRate      int
	MaxDepth       int // default 12 (introspection fields are not counted)
	MaxComplexity  int // default 1,000
	MaxBatch       int // operations in one batched POST; default 10
	APQCacheSize   int // automatic persisted queries kept; default 1,000
	QueryCacheSize int // parsed documents kept; default 1,000
	// LoaderWait is how long a batch loader collects keys before it loads.
	// Default 1ms.
	LoaderWait time.Duration
	// OnStreamEnd (optional) receives each subscription's usage when it
	// ends: the live events it delivered (snapshots excluded, as on
	// /v1/ws), their payload bytes and how long it ran, with the context
	// the Authenticator returned (it carries the principal). Shutdown waits
	// for these reports.
	OnStreamEnd func(ctx context.Context, events, bytes int64, d time.Duration)
	// NoSharedRender renders every subscription message with gqlgen's
	// per-subscriber execution instead of once per event and selection.
	NoSharedRender bool
	Calendar       *market.Calendar // default market.DefaultCalendar()
	Now            func() time.Time // default time.Now
}

func (c Config) withDefaults() Config {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Authenticate == nil {
		c.Authenticate = func(ctx context.Context, _ string) (context.Context, error) { return ctx, nil }
	}
	c.Stream = c.Stream.WithDefaults()
	if c.FrameRate <= 0 {
		c.FrameRate = 100_000
	}
	if c.MaxDepth <= 0 {
		c.MaxDepth = 12
	}
	if c.MaxComplexity <= 0 {
		c.MaxComplexity = 1000
	}
	if c.MaxBatch <= 0 {
		c.MaxBatch = 10
	}
	if c.APQCacheSize <= 0 {
		c.APQCacheSize = 1000
	}
	if c.QueryCacheSize <= 0 {
		c.QueryCacheSize = 1000
	}
	if c.LoaderWait <= 0 {
		c.LoaderWait = time.Millisecond
	}
	if c.Calendar == nil {
		c.Calendar = market.DefaultCalendar()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Handler serves /v1/graphql. Shutdown ends its WebSocket connections.
type Handler struct {
	cfg      Config
	es       graphql.ExecutableSchema
	srv      *handler.Server
	explorer *explorer
	renders  *renderCache
	turns    *live.Turns

	pool *wsio.Pool // writes for connections with pooled subscriptions (pool.go)

	mu      sync.Mutex
	conns   map[*context.CancelCauseFunc]struct{}
	closed  bool
	streams int           // subscriptions open now
	open    atomic.Int64  // streams, read without the lock
	drained chan struct{} // closed when streams falls to 0 during Shutdown
}

// New returns the GraphQL handler.
func New(cfg Config) (*Handler, error) {
	if cfg.Service == nil || cfg.Hub == nil {
		return nil, errors.New("graph: Config needs a Service and a Hub")
	}
	h := &Handler{cfg: cfg.withDefaults(), renders: newRenderCache(), conns: map[*context.CancelCauseFunc]struct{}{}}
	h.turns = live.NewTurns(h.cfg.Writers)
	h.pool = wsio.NewPool(2*runtime.GOMAXPROCS(0), h.rest)
	ex, err := newExplorer()
	if err != nil {
		return nil, fmt.Errorf("graph: explorer: %w", err)
	}
	h.explorer = ex
	h.es = gen.NewExecutableSchema(gen.Config{Resolvers: &resolver{h: h}, Complexity: complexity()})
	h.srv = h.newServer()
	return h, nil
}

// newServer assembles gqlgen's server: transports, caches and extensions.
func (h *Handler) newServer() *handler.Server {
	c := h.cfg
	srv := handler.New(h.es)
	srv.AddTransport(transport.Websocket{
		Implementation:        wsImplementation{writeTimeout: c.Stream.WriteTimeout, h: h},
		InitFunc:              h.initConnection,
		InitTimeout:           10 * time.Second,
		KeepAlivePingInterval: c.Stream.Heartbeat, // graphql-ws "ka"
		PingPongInterval:      c.Stream.Heartbeat, // graphql-transport-ws ping, pong awaited
		PayloadReadLimit:      ptr(int64(64 << 10)),
	})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(newLRU[*ast.QueryDocument](c.QueryCacheSize))
	srv.Use(extension.Introspection{})
	srv.Use(extension.AutomaticPersistedQuery{Cache: newLRU[string](c.APQCacheSize)})
	srv.Use(extension.FixedComplexityLimit(c.MaxComplexity))
	srv.Use(depthLimit{max: c.MaxDepth})
	srv.Use(opIDs{})
	srv.SetErrorPresenter(h.presentError)
	srv.SetRecoverFunc(func(ctx context.Context, v any) error {
		h.cfg.Logger.Error("graphql resolver panic", "panic", fmt.Sprint(v))
		return errors.New("internal error")
	})
	srv.AroundOperations(h.aroundOperation)
	return srv
}

// aroundOperation gives queries their per-request batch loaders and serves
// subscriptions (only over WebSocket).
func (h *Handler) aroundOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	op := graphql.GetOperationContext(ctx).Operation
	if op == nil || op.Operation != ast.Subscription {
		return next(withLoaders(ctx, h.newLoaders(ctx)))
	}
	if !onWebsocket(ctx) {
		return graphql.OneShot(graphql.ErrorResponse(ctx,
			"subscriptions are served over WebSocket (graphql-transport-ws or graphql-ws) at this path"))
	}
	if h.cfg.NoSharedRender {
		return next(ctx)
	}
	return h.subscribeShared(ctx)
}

// ServeHTTP serves GraphiQL to browsers, batched POSTs, and everything else
// through gqlgen, after authentication.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.explorer.serve(w, r) {
		return
	}
	if r.Method == http.MethodPost {
		batch, err := readBody(r)
		switch {
		case errors.Is(err, errTooLarge):
			writeGraphQLError(w, http.StatusRequestEntityTooLarge, CodeBadUserInput, err.Error())
			return
		case err != nil:
			writeGraphQLError(w, http.StatusBadRequest, CodeBadUserInput, err.Error())
			return
		case batch:
			h.serveBatch(w, r)
			return
		}
	}
	ctx, ok := h.authenticate(w, r)
	if !ok {
		return
	}
	if isUpgrade(r) {
		if !originAllowed(r, h.cfg.OriginPatterns) {
			writeGraphQLError(w, http.StatusForbidden, "FORBIDDEN", "origin "+r.Header.Get("Origin")+" is not allowed")
			return
		}
		var release func()
		ctx, release = h.track(withSlot(ctx))
		defer release()
	}
	h.srv.ServeHTTP(w, r.WithContext(ctx))
}

// track registers a WebSocket connection's context so Shutdown can end it.
func (h *Handler) track(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		cancel(errShuttingDown)
		return ctx, func() {}
	}
	h.conns[&cancel] = struct{}{}
	return ctx, func() {
		h.mu.Lock()
		delete(h.conns, &cancel)
		h.mu.Unlock()
		cancel(nil)
	}
}

var errShuttingDown = errors.New("server is shutting down")

// Shutdown ends every GraphQL WebSocket connection (their subscriptions end
// and the sockets close), refuses new ones, and waits, until ctx ends, for
// the subscriptions to end (and report their usage).
func (h *Handler) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	h.closed = true
	for c := range h.conns {
		(*c)(errShuttingDown)
	}
	if h.streams > 0 && h.drained == nil {
		h.drained = make(chan struct{})
	}
	drained := h.drained
	h.mu.Unlock()
	if drained != nil {
		select {
		case <-drained:
		case <-ctx.Done():
		}
	}
	return ctx.Err()
}

// Subscriptions returns how many subscriptions are open now (metrics).
func (h *Handler) Subscriptions() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.streams
}

// Connections returns how many GraphQL WebSocket connections are open now.
func (h *Handler) Connections() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.conns)
}

func (h *Handler) streamOpened() {
	h.mu.Lock()
	h.streams++
	h.open.Store(int64(h.streams))
	h.mu.Unlock()
}

// rest is how long a subscription waits between two messages.
func (h *Handler) rest() time.Duration {
	return wsio.Rest(h.open.Load(), h.cfg.FrameRate, h.cfg.Stream.FlushInterval)
}

func (h *Handler) streamClosed() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.streams--
	h.open.Store(int64(h.streams))
	if h.streams == 0 && h.drained != nil {
		close(h.drained)
		h.drained = nil
	}
}

func ptr[T any](v T) *T { return &v }
