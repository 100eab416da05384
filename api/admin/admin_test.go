package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/mux"

	"github.com/vnstock-api/vnstock-api/api/auth"
	"github.com/vnstock-api/vnstock-api/storage/sqlite"
)

// server is the admin API on a real (embedded) store behind the Guard.
type server struct {
	url   string
	store *sqlite.Store
	admin string
	usage *auth.Usage
}

func newServer(t *testing.T) *server {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "v.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ks := &auth.Keys{Store: st}
	admin, err := ks.Bootstrap(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a, err := auth.NewAuthenticator(auth.Config{Keys: st})
	if err != nil {
		t.Fatal(err)
	}
	usage := auth.NewUsage(st, nil)
	g := &auth.Guard{Auth: a, Limiter: auth.NewLocal(nil, 0), Streams: auth.NewStreams(), Usage: usage, Logger: slog.New(slog.DiscardHandler)}
	h := &Handler{Keys: ks, Usage: st, Flush: usage.Flush, Forget: a.Forget, Logger: slog.New(slog.DiscardHandler)}
	r := mux.NewRouter()
	sub := r.NewRoute().Subrouter()
	h.Register(sub)
	sub.Use(func(next http.Handler) http.Handler {
		return g.Protect(auth.Route{Class: auth.ClassAdmin, Scope: auth.ScopeAdmin}, next)
	})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return &server{url: srv.URL, store: st, admin: admin, usage: usage}
}

func (s *server) call(t *testing.T, method, path, key, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, s.url+path, strings.NewReader(body))
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: not JSON: %s", method, path, raw)
	}
	return resp.StatusCode, out
}

func TestKeyLifecycle(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	code, out := s.call(t, "POST", "/v1/admin/keys", s.admin, `{"name":"reader","scopes":["read"]}`)
	if code != 201 {
		t.Fatalf("create: %d %v", code, out)
	}
	data := out["data"].(map[string]any)
	plain, id := data["key"].(string), data["id"].(string)
	if !strings.HasPrefix(plain, auth.LivePrefix) {
		t.Fatalf("created key %q", plain)
	}
	// The reader is refused on admin endpoints; the list never shows keys.
	if code, _ := s.call(t, "GET", "/v1/admin/keys", plain, ""); code != 403 {
		t.Fatalf("reader on admin: %d", code)
	}
	code, out = s.call(t, "GET", "/v1/admin/keys", s.admin, "")
	if code != 200 || bytes.Contains(mustJSON(out), []byte(plain)) || bytes.Contains(mustJSON(out), []byte(`"key":`)) {
		t.Fatalf("list: %d %v", code, out)
	}
	// Rotate: a new key comes back; revoke the new one.
	code, out = s.call(t, "POST", "/v1/admin/keys/"+id+"/rotate", s.admin, `{"grace":"1h"}`)
	if code != 201 {
		t.Fatalf("rotate: %d %v", code, out)
	}
	newID := out["data"].(map[string]any)["id"].(string)
	old, _ := s.store.KeyByID(context.Background(), id)
	if old.ExpiresAt.IsZero() || time.Until(old.ExpiresAt) > time.Hour {
		t.Fatalf("old key expiry %v, want within the 1h grace", old.ExpiresAt)
	}
	if code, _ := s.call(t, "DELETE", "/v1/admin/keys/"+newID, s.admin, ""); code != 200 {
		t.Fatalf("revoke: %d", code)
	}
	if k, _ := s.store.KeyByID(context.Background(), newID); !k.Revoked {
		t.Fatal("revoked key is not revoked in the store")
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	tests := []struct {
		name, method, path, body, field string
		status                          int
	}{
		{"unknown scope", "POST", "/v1/admin/keys", `{"scopes":["root"]}`, "scopes", 400},
		{"not JSON", "POST", "/v1/admin/keys", `{`, "body", 400},
		{"unknown field", "POST", "/v1/admin/keys", `{"scopes":["read"],"admin":true}`, "body", 400},
		{"bad ttl", "POST", "/v1/admin/keys", `{"scopes":["read"],"ttl":"forever"}`, "ttl", 400},
		{"rotate unknown", "POST", "/v1/admin/keys/key_nope/rotate", ``, "id", 404},
		{"revoke unknown", "DELETE", "/v1/admin/keys/key_nope", ``, "id", 404},
		{"bad date", "GET", "/v1/admin/usage?from=yesterday", ``, "from", 400},
		{"reversed range", "GET", "/v1/admin/usage?from=2026-02-02&to=2026-01-01", ``, "to", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out := s.call(t, tt.method, tt.path, s.admin, tt.body)
			e, _ := out["error"].(map[string]any)
			if code != tt.status || e == nil || e["field"] != tt.field {
				t.Fatalf("%d %v, want %d with field %s", code, out, tt.status, tt.field)
			}
		})
	}
}

func TestUsageEndpoint(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	for range 3 {
		s.call(t, "GET", "/v1/admin/keys", s.admin, "")
	}
	code, out := s.call(t, "GET", "/v1/admin/usage", s.admin, "")
	if code != 200 {
		t.Fatalf("usage: %d %v", code, out)
	}
	rows := out["data"].([]any)
	var requests float64
	for _, r := range rows {
		requests += r.(map[string]any)["requests"].(float64)
	}
	// Three list calls were flushed before the read (this read itself is counted after it answers).
	if requests != 3 {
		t.Fatalf("usage shows %v requests, want 3: %v", requests, rows)
	}
}

func mustJSON(v any) []byte { b, _ := json.Marshal(v); return b }
