// Package rest serves the query API of api.md under /v1 on gorilla/mux:
// one resource per vnstock capability, each answered by one call to the
// read-through Service, rendered as `{"data":[...],"meta":{...}}` or CSV.
// Every route, its parameters and its row schema are declared once in
// routes.go; the handlers, the strict parameter check and the OpenAPI
// document at /openapi.json all come from that table.
package rest

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/gorilla/mux"

	"github.com/vnstock-api/vnstock-api/hub"
	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
)

// Service answers queries; *storage.Service implements it.
type Service interface {
	Get(ctx context.Context, q market.Query) (storage.Answer, error)
}

// Snapshotter reads the hub's last values; *hub.Hub implements it.
type Snapshotter interface {
	Snapshot(ctx context.Context, topics []string) ([]*hub.Event, map[string]error)
}

// Config configures the REST handlers. Service is required.
type Config struct {
	Service Service
	// Snapshot serves GET /v1/market/snapshot; nil leaves that route to
	// whoever mounts it.
	Snapshot Snapshotter
	// LiveBars supplies today's forming OHLCV bars: the last value of the
	// hub's `bar:<SYM>:<interval>` topics (*hub.Hub). Unlike Snapshot it
	// mounts no route; nil serves stored and upstream bars only.
	LiveBars Snapshotter
	// Calendar answers /v1/reference/market/status (nil:
	// market.DefaultCalendar()).
	Calendar *market.Calendar
	Now      func() time.Time // default time.Now
	Logger   *slog.Logger     // default: discard
}

// Server holds the REST handlers. It is safe for concurrent use.
type Server struct {
	svc  Service
	snap Snapshotter
	live Snapshotter
	cal  *market.Calendar
	now  func() time.Time
	log  *slog.Logger
	bars *barsMemo
}

// New returns the REST handlers.
func New(cfg Config) *Server {
	s := &Server{svc: cfg.Service, snap: cfg.Snapshot, live: cfg.LiveBars, cal: cfg.Calendar, now: cfg.Now, log: cfg.Logger, bars: newBarsMemo(memoSeries, memoBytes)}
	if s.cal == nil {
		s.cal = market.DefaultCalendar()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s
}

// Register mounts every route of api.md under /v1 on r (a router or a
// subrouter with the auth middleware). /v1/market/snapshot is mounted only
// when the Config has a Snapshotter. The OpenAPI document is mounted apart,
// with OpenAPIHandler.
func (s *Server) Register(r *mux.Router) {
	for _, rt := range routes() {
		if rt.snapshot && s.snap == nil {
			continue
		}
		r.Handle(prefix+rt.path, s.handler(rt)).Methods(http.MethodGet).Name(rt.id)
	}
}

// The bounds of the bar series whose rendered rows are remembered: a year
// of daily bars pins about 60 KB.
const (
	memoSeries = 512
	memoBytes  = 64 << 20
)

// prefix is the API version every route lives under.
const prefix = "/v1"

// request is what a route's builder reads: path variables and query values.
type request struct {
	vars  map[string]string
	query url.Values
	now   time.Time
}

// handler wraps a route: strict parameter check, then the route's own
// function; every error goes to writeError, the one status mapping.
func (s *Server) handler(rt route) http.Handler {
	allowed := map[string]bool{"format": true}
	for _, p := range rt.params {
		if p.in == inQuery {
			allowed[p.name] = true
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := &request{vars: mux.Vars(r), query: r.URL.Query(), now: s.now()}
		f, err := checkParams(req.query, allowed, r.Header.Get("Accept"))
		if err == nil {
			err = s.serve(w, r, rt, req, f)
		}
		if err != nil {
			s.writeError(w, r, err)
		}
	})
}

// serve runs a route: a query route makes one Service call and renders it;
// the others have their own function.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, rt route, req *request, f format) error {
	if rt.serve != nil {
		return rt.serve(s, w, r, req, f)
	}
	q, v, err := rt.query(req)
	if err != nil {
		return err
	}
	a, err := s.svc.Get(r.Context(), q)
	if err != nil {
		return err
	}
	if v.kind == rowsBars {
		a, v = s.mergeLive(r.Context(), q, req.now, a, v)
	}
	return s.render(w, f, a, v)
}
