package main

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/vnstock-api/vnstock-api/api/auth"
	"github.com/vnstock-api/vnstock-api/cmd/internal/queryhalf"
	"github.com/vnstock-api/vnstock-api/feeds/fakeupstream"
)

const (
	marchOHLCV = "/v1/market/equity/VNM/ohlcv?start=2026-03-02&end=2026-03-31&interval=1D"
	gqlOHLCV   = `{"query":"{ ohlcv(symbol: \"VNM\", start: \"2026-03-02\", end: \"2026-03-31\") { symbol interval bars { time open close volume } } }"}`
)

// fakeUpstreamEnv starts a fake upstream and returns it with the
// environment pointing every source at it.
func fakeUpstreamEnv(t *testing.T) (*fakeupstream.Server, map[string]string) {
	t.Helper()
	fake := fakeupstream.New(fakeupstream.Config{})
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	env := map[string]string{}
	for _, v := range queryhalf.URLVars() {
		env[v.Env] = srv.URL + "/" + v.Name
	}
	return fake, env
}

// createKey issues a key with scopes in the store at databaseURL (or the
// SQLite file in dataDir) and returns it in plain text.
func createKey(t *testing.T, databaseURL, dataDir string, scopes ...string) (string, string) {
	t.Helper()
	ctx := context.Background()
	st, err := queryhalf.OpenStore(ctx, databaseURL, dataDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	plain, k, err := (&auth.Keys{Store: st}).Create(ctx, auth.NewKey{Name: "lambda-test", Scopes: scopes})
	if err != nil {
		t.Fatal(err)
	}
	return plain, k.ID
}

// testApp is the function in process over the SQLite fallback, with a key.
type testApp struct {
	*app
	fake *fakeupstream.Server
	dir  string
	key  string
	id   string
}

func newTestApp(t *testing.T, extra map[string]string) *testApp {
	t.Helper()
	fake, env := fakeUpstreamEnv(t)
	dir := t.TempDir()
	env["VNSTOCK_DATA_DIR"] = dir
	for k, v := range extra {
		env[k] = v
	}
	cfg, err := loadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	key, id := createKey(t, "", dir, "read", "stream")
	a, err := newApp(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.close(context.Background()) })
	return &testApp{app: a, fake: fake, dir: dir, key: key, id: id}
}

// do sends r through the JSON of an API Gateway event, as Lambda does.
func (ta *testApp) do(t *testing.T, r req) response {
	t.Helper()
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(event(t, r), &ev); err != nil {
		t.Fatal(err)
	}
	out, err := ta.invoke(context.Background(), ev)
	if err != nil {
		t.Fatalf("invoke: %v", err)
	}
	raw, _ := json.Marshal(out)
	var resp response
	if err := json.Unmarshal(raw, &resp); err != nil {
		t.Fatal(err)
	}
	return resp
}

func keyed(key string) map[string]string { return map[string]string{"X-API-Key": key} }

func TestInvoke(t *testing.T) {
	ta := newTestApp(t, nil)
	gql := func(body string) req {
		return req{method: http.MethodPost, target: "/v1/graphql", body: body,
			headers: map[string]string{"X-API-Key": ta.key, "Content-Type": "application/json"}}
	}
	refused := func(t *testing.T, resp response) {
		errs, _ := resp.json(t)["errors"].([]any)
		if resp.StatusCode != http.StatusBadRequest || len(errs) != 1 ||
			errs[0].(map[string]any)["extensions"].(map[string]any)["code"] != codeStreamingServers {
			t.Fatalf("want a %s refusal, got %d %s", codeStreamingServers, resp.StatusCode, resp.Body)
		}
	}
	cases := []struct {
		name  string
		r     req
		check func(t *testing.T, resp response)
	}{
		{"no key", req{method: "GET", target: "/v1/reference/market/status"}, status(http.StatusUnauthorized, "unauthenticated")},
		{"wrong key", req{method: "GET", target: "/v1/reference/market/status", headers: keyed("vk_live_nope")}, status(http.StatusUnauthorized, "unauthenticated")},
		{"market status", req{method: "GET", target: "/v1/reference/market/status", headers: keyed(ta.key)}, rows(4)},
		{"ohlcv", req{method: "GET", target: marchOHLCV, headers: keyed(ta.key)}, rows(20)},
		{"bad parameter", req{method: "GET", target: marchOHLCV + "&bogus=1", headers: keyed(ta.key)}, status(http.StatusBadRequest, "invalid_argument")},
		{"unknown route", req{method: "GET", target: "/v1/nope", headers: keyed(ta.key)}, status(http.StatusNotFound, "not_found")},
		{"snapshot", req{method: "GET", target: "/v1/market/snapshot?topics=quote:VNM", headers: keyed(ta.key)}, status(http.StatusNotImplemented, "not_implemented")},
		{"snapshot without key", req{method: "GET", target: "/v1/market/snapshot?topics=quote:VNM"}, status(http.StatusUnauthorized, "unauthenticated")},
		{"sse", req{method: "GET", target: "/v1/sse?topics=quote:VNM", headers: keyed(ta.key)}, status(http.StatusNotImplemented, "not_implemented")},
		{"websocket", req{method: "GET", target: "/v1/ws", headers: map[string]string{"X-API-Key": ta.key, "Upgrade": "websocket", "Connection": "Upgrade",
			"Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13"}}, status(http.StatusNotImplemented, "not_implemented")},
		{"graphql websocket", req{method: "GET", target: "/v1/graphql", headers: map[string]string{"X-API-Key": ta.key, "Upgrade": "websocket", "Connection": "Upgrade",
			"Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Protocol": "graphql-transport-ws"}}, status(http.StatusNotImplemented, "not_implemented")},
		{"graphql query", gql(gqlOHLCV), bars(20)},
		{"graphql base64 body", func() req { r := gql(gqlOHLCV); r.base64 = true; return r }(), bars(20)},
		{"graphql without key", req{method: "POST", target: "/v1/graphql", body: gqlOHLCV}, status(http.StatusUnauthorized, "unauthenticated")},
		{"graphql subscription", gql(`{"query":"subscription { quotes(symbols: [\"VNM\"]) { symbol } }"}`), refused},
		{"graphql named subscription", gql(`{"query":"query A { indices { columns } } subscription B { index(codes: [\"VNINDEX\"]) { code } }","operationName":"B"}`), refused},
		{"graphql batch with a subscription", gql(`[{"query":"{ indices { columns } }"},{"query":"subscription { session { phase } }"}]`), refused},
		{"graphql snapshot through a fragment", gql(`{"query":"query { ...F } fragment F on Query { snapshot(topics: [\"quote:VNM\"]) { seq } }"}`), refused},
		{"graphql over GET", req{method: "GET", target: "/v1/graphql?query=subscription%7Bsession%7Bphase%7D%7D", headers: keyed(ta.key)}, refused},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.check(t, ta.do(t, c.r)) })
	}
}

// status checks the status and the API error code of a response.
func status(code int, errCode string) func(t *testing.T, resp response) {
	return func(t *testing.T, resp response) {
		t.Helper()
		e, _ := resp.json(t)["error"].(map[string]any)
		if resp.StatusCode != code || e["code"] != errCode {
			t.Fatalf("want %d %s, got %d %s", code, errCode, resp.StatusCode, resp.Body)
		}
	}
}

// rows checks a 200 REST answer with at least min data rows and its meta.
func rows(min int) func(t *testing.T, resp response) {
	return func(t *testing.T, resp response) {
		t.Helper()
		body := resp.json(t)
		data, _ := body["data"].([]any)
		meta, _ := body["meta"].(map[string]any)
		if resp.StatusCode != http.StatusOK || len(data) < min || meta == nil {
			t.Fatalf("want 200 with ≥ %d rows and meta, got %d %.300s", min, resp.StatusCode, resp.Body)
		}
		if ct := resp.Headers["Content-Type"]; ct != "application/json" && ct != "application/json; charset=utf-8" {
			t.Fatalf("Content-Type %q", ct)
		}
	}
}

// bars checks a GraphQL ohlcv answer with at least min bars and no errors.
func bars(min int) func(t *testing.T, resp response) {
	return func(t *testing.T, resp response) {
		t.Helper()
		body := resp.json(t)
		data, _ := body["data"].(map[string]any)
		series, _ := data["ohlcv"].(map[string]any)
		got, _ := series["bars"].([]any)
		if resp.StatusCode != http.StatusOK || body["errors"] != nil || len(got) < min {
			t.Fatalf("want 200 with ≥ %d bars, got %d %.300s", min, resp.StatusCode, resp.Body)
		}
	}
}

func TestInvokeUnreadableEvent(t *testing.T) {
	ta := newTestApp(t, nil)
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(event(t, req{method: "POST", target: "/v1/graphql", headers: keyed(ta.key)}), &ev); err != nil {
		t.Fatal(err)
	}
	ev.Body, ev.IsBase64Encoded = "%%% not base64", true
	out, err := ta.invoke(context.Background(), ev)
	if err != nil || out.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad base64 body: %d %v %s", out.StatusCode, err, out.Body)
	}
}

// TestInvokeRetriesTheStore: a store that cannot be opened answers 503 and
// is tried again at the next invocation, which then serves.
func TestInvokeRetriesTheStore(t *testing.T) {
	ta := newTestApp(t, nil)
	open, calls := ta.open, 0
	ta.open = func(ctx context.Context) (queryhalf.Store, error) {
		if calls++; calls == 1 {
			return nil, errors.New("dial tcp 10.0.0.5:5432: i/o timeout")
		}
		return open(ctx)
	}
	r := req{method: "GET", target: "/v1/reference/market/status", headers: keyed(ta.key)}
	status(http.StatusServiceUnavailable, "unavailable")(t, ta.do(t, r))
	rows(1)(t, ta.do(t, r))
	rows(1)(t, ta.do(t, r))
	if calls != 2 {
		t.Fatalf("store opened %d times, want 2 (a failure, then once for good)", calls)
	}
}

// TestInvokeUsage: usage is written at the end of an invocation once
// VNSTOCK_USAGE_FLUSH has passed, and what is left at shutdown.
func TestInvokeUsage(t *testing.T) {
	for _, c := range []struct {
		flush          string
		beforeShutdown int64
	}{{"0s", 2}, {"1h", 0}} {
		t.Run(c.flush, func(t *testing.T) {
			ta := newTestApp(t, map[string]string{"VNSTOCK_USAGE_FLUSH": c.flush})
			r := req{method: "GET", target: "/v1/reference/market/status", headers: keyed(ta.key)}
			rows(1)(t, ta.do(t, r))
			rows(1)(t, ta.do(t, r))
			if n := ta.requests(t); n != c.beforeShutdown {
				t.Fatalf("before shutdown: %d requests stored, want %d", n, c.beforeShutdown)
			}
			ta.close(context.Background())
			if n := ta.requests(t); n != 2 {
				t.Fatalf("after shutdown: %d requests stored, want 2", n)
			}
		})
	}
}

// requests sums the stored request counts of the test key.
func (ta *testApp) requests(t *testing.T) int64 {
	t.Helper()
	ctx := context.Background()
	st, err := queryhalf.OpenStore(ctx, "", ta.dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.Usage(ctx, ta.id, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, r := range rows {
		n += r.Requests
	}
	return n
}

func TestLoadConfig(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		want string // "" = valid
	}{
		{"defaults", nil, ""},
		{"postgres", map[string]string{"DATABASE_URL": "postgres://u@db:5432/v"}, ""},
		{"not postgres", map[string]string{"DATABASE_URL": "mysql://db/v"}, "database-url"},
		{"auth", map[string]string{"VNSTOCK_AUTH": "maybe"}, "auth"},
		{"redis", map[string]string{"REDIS_URL": "cache:6379"}, "REDIS_URL"},
		{"source url", map[string]string{"VNSTOCK_KBS_URL": "kbs.example"}, "kbs-url"},
		{"usage flush", map[string]string{"VNSTOCK_USAGE_FLUSH": "-1s"}, "VNSTOCK_USAGE_FLUSH"},
		{"log level", map[string]string{"VNSTOCK_LOG_LEVEL": "loud"}, "VNSTOCK_LOG_LEVEL"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := loadConfig(func(k string) string { return c.env[k] })
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("error %v, want one naming %s", err, c.want)
			case c.want == "" && (cfg.Auth != auth.ModeKeys || cfg.DataDir != "/tmp/vnstock" || cfg.UsageFlush != 10*time.Second):
				t.Fatalf("defaults: %+v", cfg)
			}
		})
	}
}
