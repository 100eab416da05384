package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vnstock-api/vnstock-api/cmd/internal/e2etest"
)

// rieModule is the Lambda Runtime Interface Emulator the end-to-end test
// runs the function under (the proxy serves it as a pseudo-version only).
const rieModule = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@v0.0.0-20261030222936-bef5c4ba774d"

// TestRIE runs the bootstrap binary under the Runtime Interface Emulator
// with Postgres and the fake upstream, invokes it with API Gateway v2
// events, and compares its answers with the long-running server's. It
// reports the cold start (the first invocation, which starts the process,
// opens the store and builds the handler) without asserting on time.
func TestRIE(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the function, the emulator and the server")
	}
	dir := t.TempDir()
	rie, err := e2etest.GoInstall(dir, rieModule)
	if err != nil {
		e2etest.SkipOrFail(t, "the Lambda Runtime Interface Emulator cannot be built here: %v", err)
	}
	bootstrap := e2etest.GoBuild(t, filepath.Join(dir, "bootstrap"), ".", "-tags", "lambda.norpc")
	server := e2etest.GoBuild(t, filepath.Join(dir, "vnstock-api"), "../vnstock-api")
	dbURL := e2etest.PostgresURL(t)
	key, _ := createKey(t, dbURL, "", "read", "stream")
	fake, upstreams := fakeUpstreamEnv(t)

	fn := startRIE(t, rie, bootstrap, withEnv(upstreams, "DATABASE_URL="+dbURL, "VNSTOCK_USAGE_FLUSH=0s"))
	srv := startServer(t, server, dir, upstreams)

	marketStatus := req{method: "GET", target: "/v1/reference/market/status", headers: keyed(key)}
	start := time.Now()
	first := fn.invoke(t, marketStatus)
	cold := time.Since(start)
	start = time.Now()
	fn.invoke(t, marketStatus)
	warm := time.Since(start)
	build := regexp.MustCompile(`"build_ms":(\d+)`).FindStringSubmatch(fn.proc.Output())
	if build == nil {
		t.Fatalf("the function logged no ready line:\n%s", fn.proc.Output())
	}
	t.Logf("cold start (process start to first response, under the RIE): %s, of which %s ms opening Postgres and building the handler; warm invocation: %s",
		cold.Round(time.Microsecond), build[1], warm.Round(time.Microsecond))

	sameShape(t, "market status", srv.get(t, marketStatus.target), okJSON(t, first))

	n0 := fake.Count("kbs", "")
	ohlcv := okJSON(t, fn.invoke(t, req{method: "GET", target: marchOHLCV, headers: keyed(key)}))
	if fake.Count("kbs", "") == n0 {
		t.Fatal("the OHLCV invocation made no upstream call")
	}
	want := srv.get(t, marchOHLCV)
	sameShape(t, "ohlcv", want, ohlcv)
	if d := cmp.Diff(want["data"], ohlcv["data"]); d != "" {
		t.Fatalf("ohlcv rows differ from the server's (-server +lambda):\n%s", d)
	}

	gql := req{method: "POST", target: "/v1/graphql", body: gqlOHLCV, base64: true,
		headers: map[string]string{"X-API-Key": key, "Content-Type": "application/json"}}
	if d := cmp.Diff(srv.post(t, "/v1/graphql", gqlOHLCV), okJSON(t, fn.invoke(t, gql))); d != "" {
		t.Fatalf("GraphQL answer differs from the server's (-server +lambda):\n%s", d)
	}

	for _, r := range []req{
		{method: "GET", target: marchOHLCV},
		{method: "POST", target: "/v1/graphql", body: gqlOHLCV},
	} {
		status(http.StatusUnauthorized, "unauthenticated")(t, fn.invoke(t, r))
	}
	status(http.StatusNotImplemented, "not_implemented")(t, fn.invoke(t, req{method: "GET", target: "/v1/sse?topics=quote:VNM", headers: keyed(key)}))
}

// withEnv is this process's environment without the settings the
// binaries read, plus upstreams and extra.
func withEnv(upstreams map[string]string, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "VNSTOCK_") && !strings.HasPrefix(kv, "DATABASE_URL=") && !strings.HasPrefix(kv, "REDIS_URL=") {
			env = append(env, kv)
		}
	}
	for k, v := range upstreams {
		env = append(env, k+"="+v)
	}
	return append(env, extra...)
}

// function is the bootstrap binary running under the emulator.
type function struct {
	proc *e2etest.Proc
	url  string // the emulator's invoke endpoint
}

// startRIE starts the emulator for bootstrap; it starts the bootstrap
// process itself at the first invocation.
func startRIE(t *testing.T, rie, bootstrap string, env []string) *function {
	t.Helper()
	invokeAddr, runtimeAddr := freeAddr(t), freeAddr(t)
	env = append(env, "AWS_LAMBDA_FUNCTION_TIMEOUT=30", "AWS_LAMBDA_FUNCTION_NAME=vnstock-api", "AWS_REGION=ap-southeast-1")
	p := e2etest.Start(t, env, rie, "--runtime-interface-emulator-address", invokeAddr, "--runtime-api-address", runtimeAddr, bootstrap)
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", invokeAddr, time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the emulator does not listen on %s: %v\n%s", invokeAddr, err, p.Output())
		}
		<-time.After(5 * time.Millisecond) // the emulator logs nothing once it listens
	}
	return &function{proc: p, url: "http://" + invokeAddr + "/2015-03-31/functions/function/invocations"}
}

// invoke posts r as an API Gateway v2 event and returns the function's
// proxy response.
func (f *function) invoke(t *testing.T, r req) response {
	t.Helper()
	resp, err := http.Post(f.url, "application/json", bytes.NewReader(event(t, r)))
	if err != nil {
		t.Fatalf("invoke %s %s: %v\n%s", r.method, r.target, err, f.proc.Output())
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out response
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &out) != nil || out.StatusCode == 0 {
		t.Fatalf("invoke %s %s: emulator answered %d %.500s\n%s", r.method, r.target, resp.StatusCode, raw, f.proc.Output())
	}
	return out
}

// server is the long-running vnstock-api serving the same upstreams.
type server struct{ base string }

// startServer runs `vnstock-api serve` with auth off, no live feeds and an
// embedded store in dir.
func startServer(t *testing.T, bin, dir string, upstreams map[string]string) *server {
	t.Helper()
	p := e2etest.Start(t, withEnv(upstreams), bin, "serve", "--log-format", "text", "--addr", "127.0.0.1:0", "--feeds", "", "--auth", "off",
		"--data-dir", filepath.Join(dir, "server-data"), "--log-format", "text")
	m := p.WaitFor(t, regexp.MustCompile(`msg=listening addr=(\S+)`), 30*time.Second)
	return &server{base: "http://" + m[1]}
}

func (s *server) get(t *testing.T, path string) map[string]any {
	t.Helper()
	resp, err := http.Get(s.base + path)
	return s.decode(t, resp, err)
}

func (s *server) post(t *testing.T, path, body string) map[string]any {
	t.Helper()
	resp, err := http.Post(s.base+path, "application/json", strings.NewReader(body))
	return s.decode(t, resp, err)
}

func (s *server) decode(t *testing.T, resp *http.Response, err error) map[string]any {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("server: %d %v", resp.StatusCode, err)
	}
	return out
}

// okJSON decodes a 200 proxy response.
func okJSON(t *testing.T, r response) map[string]any {
	t.Helper()
	if r.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %.500s", r.StatusCode, r.Body)
	}
	return r.json(t)
}

// sameShape fails t when two JSON documents differ in their keys or the
// kinds of their values (values themselves may differ: times, fetched_at).
func sameShape(t *testing.T, what string, server, lambda map[string]any) {
	t.Helper()
	if d := cmp.Diff(shape(server), shape(lambda)); d != "" {
		t.Fatalf("%s: the function's answer is not shaped like the server's (-server +lambda):\n%s", what, d)
	}
}

// shape replaces every value of a decoded JSON document by its kind.
func shape(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = shape(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = shape(x)
		}
		return out
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	}
	return "null"
}

// freeAddr returns a loopback address with a port free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
