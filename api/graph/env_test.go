package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/vnstock-api/vnstock-api/api/live"
	"github.com/vnstock-api/vnstock-api/hub"
	"github.com/vnstock-api/vnstock-api/market"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// httptest servers' idle keep-alive conns close asynchronously.
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"),
	)
}

// env is a handler on a fake service and a memory hub, served by httptest.
type env struct {
	t   testing.TB
	svc *fakeService
	hub *hub.Hub
	h   *Handler
	srv *httptest.Server
	url string // http://.../v1/graphql
}

func newEnv(t testing.TB, opts ...func(*Config, *hub.Config)) *env {
	t.Helper()
	tp := live.Topics{Dir: market.DefaultDirectory()}
	hc := hub.Config{Classify: tp.Classify, Expand: tp.Expand}
	svc := newFakeService(t)
	cfg := Config{Service: svc, Topics: tp, Now: func() time.Time { return time.Date(2025, 3, 21, 10, 0, 0, 0, market.ICT) }}
	for _, o := range opts {
		o(&cfg, &hc)
	}
	hb, err := hub.New(hc, hub.NewMemoryBroker(hub.MemoryConfig{}))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Hub = hb
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/v1/graphql", h)
	srv := httptest.NewUnstartedServer(mux)
	// Small kernel send buffers, as `serve` sets them: a stuck client backs
	// up into the hub's queue quickly instead of into megabytes of socket.
	srv.Listener = smallBufListener{srv.Listener}
	srv.Start()
	t.Cleanup(func() {
		_ = h.Shutdown(context.Background())
		srv.CloseClientConnections()
		srv.Close()
		_ = hb.Close(context.Background())
	})
	return &env{t: t, svc: svc, hub: hb, h: h, srv: srv, url: srv.URL + "/v1/graphql"}
}

type smallBufListener struct{ net.Listener }

func (l smallBufListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(32 << 10)
	}
	return c, err
}

// gqlResult is a GraphQL response.
type gqlResult struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
	status int
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

func (e gqlError) code() string { c, _ := e.Extensions["code"].(string); return c }

// post sends one operation and decodes the answer.
func (e *env) post(query string, vars map[string]any, header ...string) gqlResult {
	e.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return e.postRaw(body, header...)
}

func (e *env) postRaw(body []byte, header ...string) gqlResult {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var r gqlResult
	if err := json.Unmarshal(b, &r); err != nil {
		e.t.Fatalf("status %d, body %s: %v", resp.StatusCode, b, err)
	}
	r.status = resp.StatusCode
	return r
}

// mustData fails on errors and returns the data.
func (r gqlResult) mustData(t testing.TB) json.RawMessage {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	return r.Data
}

// golden compares got (JSON) with testdata/golden/name.json, indented.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	var buf bytes.Buffer // json.Indent keeps key order: records keep vnstock's column order
	if err := json.Indent(&buf, got, "", "  "); err != nil {
		t.Fatalf("%s: %v", got, err)
	}
	pretty := append(buf.Bytes(), '\n')
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, pretty, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if d := cmp.Diff(string(want), string(pretty)); d != "" {
		t.Errorf("%s differs from the golden file (-want +got):\n%s", name, d)
	}
}

func compact(s string) string { return strings.Join(strings.Fields(s), " ") }
