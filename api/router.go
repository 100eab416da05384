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

	"github.com/gorilla/mux"

	"github.com/vnstock-api/vnstock-api/hub"
)

// Snapshotter reads the hub's last values.
type Snapshotter interface {
	Snapshot(ctx context.Context, topics []string) ([]*hub.Event, map[string]error)
}

// Deps are the handlers and services the router mounts.
type Deps struct {
	WS       http.Handler
	SSE      http.Handler
	Web      http.Handler // the dashboard at /, may be nil
	Snapshot Snapshotter
	Ready    func(ctx context.Context) error // nil error: ready
	Logger   *slog.Logger
}

// NewRouter returns the server's handler.
func NewRouter(d Deps) http.Handler {
	r := mux.NewRouter()
	r.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	}).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		if err := d.Ready(r.Context()); err != nil {
			writeError(w, http.StatusServiceUnavailable, "unavailable", err.Error(), "")
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	}).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/v1/ws", d.WS).Methods(http.MethodGet)
	r.Handle("/v1/sse", d.SSE).Methods(http.MethodGet)
	r.HandleFunc("/v1/market/snapshot", snapshotHandler(d.Snapshot)).Methods(http.MethodGet)
	if d.Web != nil {
		r.PathPrefix("/").Handler(d.Web).Methods(http.MethodGet, http.MethodHead)
	}
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "no resource at "+r.URL.Path, "")
	})
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" is not allowed on "+r.URL.Path, "")
	})
	return recoverer(d.Logger, r)
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

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg, field string) {
	body := map[string]string{"code": code, "message": msg}
	if field != "" {
		body["field"] = field
	}
	writeJSON(w, status, map[string]any{"error": body})
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
				log.Error("handler panic", "path", r.URL.Path, "panic", v)
				writeError(w, http.StatusInternalServerError, "internal", "internal error", "")
			}
		}()
		next.ServeHTTP(w, r)
	})
}
