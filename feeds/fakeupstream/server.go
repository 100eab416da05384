// Package fakeupstream serves recorded upstream payloads (and payloads built
// from the catalogue where none was recorded) on the real upstream paths, one
// path prefix per source, with knobs for latency, errors, 429 and malformed
// bodies. Tests and `cmd/fakeupstream` point every VNSTOCK_*_URL at it.
package fakeupstream

import (
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Sources served, each under "/<name>" (the base URL to configure is
// server URL + "/" + name).
var Sources = []string{"kbs", "vci", "vciiq", "msn", "fmarket", "sjc", "btmc", "vcb"}

// Config holds the knobs. Fault knobs apply to every source unless Only
// names the sources they apply to.
type Config struct {
	Latency   time.Duration // added to every response
	FailEvery int           // every Nth request answers 500 (0 = never)
	Status    int           // when non-zero, every request answers this status
	Throttle  bool          // answer 429 with Retry-After: 1
	Malformed bool          // answer 200 with a truncated body
	Only      []string      // sources the fault knobs apply to (empty = all)
	Logger    *slog.Logger
}

// Server is the fake upstream. Safe for concurrent use; knobs may change
// while it serves (SetConfig).
type Server struct {
	mux *http.ServeMux

	mu     sync.Mutex
	cfg    Config
	n      int
	counts map[string]int // "<source> <path>" -> requests
}

// New returns a Server with every source mounted.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{mux: http.NewServeMux(), cfg: cfg, counts: map[string]int{}}
	s.mountKBS(s.mux)
	s.mountVCI(s.mux)
	s.mountVCIIQ(s.mux)
	s.mountMSN(s.mux)
	s.mountFMarket(s.mux)
	s.mountGold(s.mux)
	s.mountVCB(s.mux)
	return s
}

// SetConfig replaces the knobs.
func (s *Server) SetConfig(cfg Config) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cfg.Logger == nil {
		cfg.Logger = s.cfg.Logger
	}
	s.cfg = cfg
}

// Count returns how many requests reached source (all paths when path is "").
func (s *Server) Count(source, path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if path != "" {
		return s.counts[source+" "+path]
	}
	n := 0
	for k, v := range s.counts {
		if strings.HasPrefix(k, source+" ") {
			n += v
		}
	}
	return n
}

// ServeHTTP counts the request, applies the knobs, then serves it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	source, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	s.mu.Lock()
	s.counts[source+" "+r.URL.Path]++
	s.n++
	cfg, n := s.cfg, s.n
	s.mu.Unlock()
	if cfg.Latency > 0 {
		select {
		case <-time.After(cfg.Latency):
		case <-r.Context().Done():
			return
		}
	}
	if applies(cfg, source) {
		switch {
		case cfg.Status != 0:
			http.Error(w, http.StatusText(cfg.Status), cfg.Status)
			return
		case cfg.Throttle:
			w.Header().Set("Retry-After", "1")
			http.Error(w, "error code: 1015", http.StatusTooManyRequests)
			return
		case cfg.FailEvery > 0 && n%cfg.FailEvery == 0:
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		case cfg.Malformed:
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"data":[{"t":`))
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

func applies(cfg Config, source string) bool {
	if len(cfg.Only) == 0 {
		return true
	}
	for _, o := range cfg.Only {
		if o == source {
			return true
		}
	}
	return false
}
