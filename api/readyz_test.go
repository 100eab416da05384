package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestReadyzStates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		ready    error
		degraded func(context.Context) error
		status   int
		want     string
	}{
		{"ready", nil, nil, 200, "ready"},
		{"ready, not degraded", nil, func(context.Context) error { return nil }, 200, "ready"},
		{"degraded serves", nil, func(context.Context) error { return errors.New("redis away") }, 200, "degraded"},
		{"not ready wins", errors.New("draining"), func(context.Context) error { return errors.New("redis away") }, 503, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := NewRouter(Deps{
				WS: http.NotFoundHandler(), SSE: http.NotFoundHandler(), Logger: slog.New(slog.DiscardHandler),
				Ready: func(context.Context) error { return tt.ready }, Degraded: tt.degraded,
			})
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/readyz", nil))
			var body map[string]any
			_ = json.Unmarshal(w.Body.Bytes(), &body)
			if w.Code != tt.status || (tt.want != "" && body["status"] != tt.want) {
				t.Fatalf("status %d body %s, want %d %q", w.Code, w.Body.String(), tt.status, tt.want)
			}
		})
	}
}
