// Package api mounts the HTTP surface on gorilla/mux: the live transports
// (api/ws, api/sse), the service endpoints and the REST resources, with the
// middleware they share. It holds no business logic.
package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"net/http/pprof"

	"github.com/gorilla/mux"

	"github.com/vnstock-api/vnstock-api/api/auth"
	"github.com/vnstock-api/vnstock-api/api/reply"
	"github.com/vnstock-api/vnstock-api/hub"
)

// Snapshotter reads the hub's last values.
type Snapshotter interface {
	Snapshot(ctx context.Context, topics []string) ([]*hub.Event, map[string]error)
}

// Registrar mounts a group of routes (api/rest, api/admin) on a router.
type Registrar interface {
	Register(r *mux.Router)
}

// Deps are the handlers and services the router mounts. Everything but WS,
// SSE, Snapshot, Ready and Logger may be nil (not mounted).
type Deps struct {
	WS       http.Handler
	SSE      http.Handler
	Web      http.Handler // the dashboard at /
	Snapshot Snapshotter
	Ready    func(ctx context.Context) error // nil error: ready
	// Degraded, when set and non-nil, makes a ready /readyz answer 200
	// {"status":"degraded","reason":...}: the instance serves, with less
	// (e.g. Redis away: local feeds only). Nil: never degraded.
	Degraded func(ctx context.Context) error
	Logger   *slog.Logger

	REST    Registrar    // the query resources under /v1
	Graph   http.Handler // /v1/graphql (queries, subscriptions, GraphiQL)
	Admin   Registrar    // /v1/admin/...
	Metrics http.Handler // /metrics
	Observe mux.MiddlewareFunc
	OpenAPI http.Handler // /openapi.json
	Docs    http.Handler // /docs/ (the API reference UI)
	// Guard protects every /v1 route (nil: open, as in tests of one part).
	Guard       *auth.Guard
	CORSOrigins []string
	MaxBody     int64 // request body cap; default 1 MiB
}

// NewRouter returns the server's handler.
func NewRouter(d Deps) http.Handler {
	maxBody := d.MaxBody
	if maxBody <= 0 {
		maxBody = 1 << 20
	}
	return RequestID(recoverer(d.Logger, SecurityHeaders(CORS(d.CORSOrigins, LimitBody(maxBody, newMux(d))))))
}

// newMux mounts every route of d.
func newMux(d Deps) *mux.Router {
	r := mux.NewRouter()
	if d.Observe != nil {
		r.Use(d.Observe)
	}
	r.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	}).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		if err := d.Ready(r.Context()); err != nil {
			writeError(w, http.StatusServiceUnavailable, "unavailable", err.Error(), "")
			return
		}
		if d.Degraded != nil {
			if err := d.Degraded(r.Context()); err != nil {
				writeJSON(w, http.StatusOK, map[string]string{"status": "degraded", "reason": err.Error()})
				return
			}
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	}).Methods(http.MethodGet, http.MethodHead)
	if d.Metrics != nil {
		r.Handle("/metrics", d.Metrics).Methods(http.MethodGet)
	}
	if d.OpenAPI != nil {
		r.Handle("/openapi.json", d.OpenAPI).Methods(http.MethodGet, http.MethodHead)
	}
	if d.Docs != nil {
		r.Handle("/docs", d.Docs).Methods(http.MethodGet, http.MethodHead)
		r.PathPrefix("/docs/").Handler(d.Docs).Methods(http.MethodGet, http.MethodHead)
	}
	mountV1(r, d)
	if d.Web != nil {
		r.PathPrefix("/").Handler(d.Web).Methods(http.MethodGet, http.MethodHead)
	}
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "no resource at "+r.URL.Path, "")
	})
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" is not allowed on "+r.URL.Path, "")
	})
	return r
}

// mountV1 mounts the /v1 surfaces, each group behind the Guard with its
// class and scope.
func mountV1(r *mux.Router, d Deps) {
	group := func(rt auth.Route) *mux.Router {
		sub := r.NewRoute().Subrouter()
		if d.Guard != nil {
			sub.Use(func(next http.Handler) http.Handler { return d.Guard.Protect(rt, next) })
		}
		return sub
	}
	stream := group(auth.Route{Class: auth.ClassWS, Scope: auth.ScopeStream, Stream: true})
	stream.Handle("/v1/ws", d.WS).Methods(http.MethodGet)
	sseGroup := group(auth.Route{Class: auth.ClassSSE, Scope: auth.ScopeStream, Stream: true})
	sseGroup.Handle("/v1/sse", d.SSE).Methods(http.MethodGet)
	if d.Graph != nil {
		g := group(auth.Route{Class: auth.ClassGraphQL, Scope: auth.ScopeRead, DeferUpgrade: true})
		g.Handle("/v1/graphql", d.Graph).Methods(http.MethodGet, http.MethodPost)
	}
	if d.Admin != nil || d.Guard != nil {
		admin := group(auth.Route{Class: auth.ClassAdmin, Scope: auth.ScopeAdmin})
		if d.Admin != nil {
			d.Admin.Register(admin)
		}
		if d.Guard != nil {
			admin.HandleFunc("/debug/pprof/", pprof.Index)
			admin.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
			admin.HandleFunc("/debug/pprof/profile", pprof.Profile)
			admin.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
			admin.HandleFunc("/debug/pprof/trace", pprof.Trace)
			admin.PathPrefix("/debug/pprof/").HandlerFunc(pprof.Index)
		}
	}
	rest := group(auth.Route{Class: auth.ClassREST, Scope: auth.ScopeRead})
	rest.HandleFunc("/v1/market/snapshot", snapshotHandler(d.Snapshot)).Methods(http.MethodGet)
	if d.REST != nil {
		d.REST.Register(rest)
	}
}

// snapshotHandler serves GET /v1/market/snapshot?topics=...: the hub's last
// values with their seq.
func snapshotHandler(s Snapshotter) http.HandlerFunc {
	type row struct {
		Topic string          `json:"topic"`
		Seq   uint64          `json:"seq"`
		TS    int64           `json:"ts"`
		Data  json.RawMessage `json:"data"`
	}
	return func(w http.ResponseWriter, r *http.Request) {
		var topics []string
		for t := range strings.SplitSeq(r.URL.Query().Get("topics"), ",") {
			if t = strings.TrimSpace(t); t != "" {
				topics = append(topics, t)
			}
		}
		if len(topics) == 0 || len(topics) > 1024 {
			writeError(w, http.StatusBadRequest, "invalid_argument", "topics: give 1 to 1024 topics, e.g. ?topics=quote:VNM,index:VNINDEX", "topics")
			return
		}
		evs, errs := s.Snapshot(r.Context(), topics)
		for t, err := range errs {
			writeError(w, http.StatusBadRequest, "invalid_argument", t+": "+err.Error(), "topics")
			return
		}
		rows := make([]row, len(evs))
		for i, ev := range evs {
			rows[i] = row{ev.Topic, ev.Seq, ev.TS, ev.Data}
		}
		writeJSON(w, http.StatusOK, map[string]any{"data": rows, "meta": map[string]any{"count": len(rows)}})
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) { _ = reply.JSON(w, status, v) }

func writeError(w http.ResponseWriter, status int, code, msg, field string) {
	reply.Error(w, status, code, msg, field)
}

// recoverer turns a handler panic into a 500 JSON error without a stack
// trace in the response; the stack goes to the log.
func recoverer(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.ErrorContext(r.Context(), "handler panic", "path", r.URL.Path, "panic", v)
				writeError(w, http.StatusInternalServerError, "internal", "internal error", "")
			}
		}()
		next.ServeHTTP(w, r)
	})
}
