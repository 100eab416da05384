package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// keySet is one key of every state, made through the admin API.
type keySet struct {
	admin, reader, streamer, revoked, expired, wrong string
	readerID                                         string
}

func makeKeys(t *testing.T, p *proc) keySet {
	t.Helper()
	ks := keySet{admin: p.key(), wrong: "vk_live_" + strings.Repeat("A", 43)}
	create := func(body string) (string, string) {
		code, out := p.do(http.MethodPost, "/v1/admin/keys", ks.admin, body)
		if code != http.StatusCreated {
			t.Fatalf("create key %s: %d %v", body, code, out)
		}
		d := out["data"].(map[string]any)
		return d["key"].(string), d["id"].(string)
	}
	ks.reader, ks.readerID = create(`{"name":"reader","scopes":["read"]}`)
	ks.streamer, _ = create(`{"name":"streamer","scopes":["stream"]}`)
	var revokedID string
	ks.revoked, revokedID = create(`{"name":"revoked","scopes":["read","stream"]}`)
	if code, _ := p.do(http.MethodDelete, "/v1/admin/keys/"+revokedID, ks.admin, ""); code != http.StatusOK {
		t.Fatalf("revoke: %d", code)
	}
	ks.expired, _ = create(`{"name":"expired","scopes":["read","stream"],"ttl":"1ns"}`)
	return ks
}

// status performs method path with key and returns the status code.
func status(t *testing.T, p *proc, method, path, key, body string) int {
	t.Helper()
	req, _ := http.NewRequest(method, "http://"+p.addr+path, strings.NewReader(body))
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// wsStatus dials a WebSocket with ?api_key= and returns the HTTP status of
// the handshake (101 when it upgraded).
func wsStatus(t *testing.T, p *proc, path, key string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	u := "ws://" + p.addr + path
	if key != "" {
		u += "?api_key=" + key
	}
	c, resp, err := websocket.Dial(ctx, u, nil)
	if err == nil {
		c.Close(websocket.StatusNormalClosure, "")
		return http.StatusSwitchingProtocols
	}
	if resp == nil {
		t.Fatalf("dial %s: %v", path, err)
	}
	return resp.StatusCode
}

// TestE2EAuthSurfaces checks no key, a wrong, revoked or expired key and a
// key without the scope on every surface, that keys never reach the logs,
// and that usage equals the requests made, across a SIGTERM.
func TestE2EAuthSurfaces(t *testing.T) {
	_, env := fakeEnv(t)
	dir := t.TempDir()
	p := startProc(t, env, "--data-dir", dir, "--feeds", "sim", "--sim-rate", "50", "--log-level", "debug")
	ks := makeKeys(t, p)
	time.Sleep(10 * time.Millisecond) // the 1ns key is past its expiry
	const rest, gql = "/v1/reference/market/status", `{"query":"{ __typename }"}`
	tests := []struct {
		name     string
		key      string
		rest     int // GET rest
		graphql  int // POST /v1/graphql
		ws, sse  int
		admin    int
		graphqWS bool // a graphql-transport-ws connection_init with this key is accepted
	}{
		{"no key", "", 401, 401, 401, 401, 401, false},
		{"wrong key", ks.wrong, 401, 401, 401, 401, 401, false},
		{"revoked", ks.revoked, 401, 401, 401, 401, 401, false},
		{"expired", ks.expired, 401, 401, 401, 401, 401, false},
		{"read scope", ks.reader, 200, 200, 403, 403, 403, true},
		{"stream scope", ks.streamer, 403, 403, 101, 200, 403, false},
		{"admin", ks.admin, 200, 200, 101, 200, 200, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := []int{
				status(t, p, http.MethodGet, rest, tt.key, ""),
				status(t, p, http.MethodPost, "/v1/graphql", tt.key, gql),
				wsStatus(t, p, "/v1/ws", tt.key),
				sseStatus(t, p, tt.key),
				status(t, p, http.MethodGet, "/v1/admin/keys", tt.key, ""),
			}
			want := []int{tt.rest, tt.graphql, tt.ws, tt.sse, tt.admin}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("rest, graphql, ws, sse, admin = %v, want %v", got, want)
			}
			if ok := graphQLInit(t, p, tt.key); ok != tt.graphqWS {
				t.Fatalf("graphql-transport-ws connection_init accepted = %v, want %v", ok, tt.graphqWS)
			}
		})
	}

	// Usage: the reader's REST and GraphQL requests above, counted after a SIGTERM.
	var readerRequests int64 = 2
	for range 5 {
		status(t, p, http.MethodGet, rest, ks.reader, "")
		readerRequests++
	}
	if err := p.stop(); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	logs := p.logs()
	for _, k := range []string{ks.admin, ks.reader, ks.streamer, ks.revoked, ks.expired, ks.wrong} {
		if strings.Contains(logs, k) || strings.Contains(logs, k[12:]) {
			t.Fatal("an API key appears in the server's log")
		}
	}
	var out, errb bytes.Buffer
	getenv := func(k string) string {
		if k == "VNSTOCK_DATA_DIR" {
			return dir
		}
		return ""
	}
	if err := run(context.Background(), []string{"keys", "usage", "--key", ks.readerID}, getenv, &out, &errb); err != nil {
		t.Fatalf("keys usage: %v %s", err, errb.String())
	}
	var total int64
	for _, m := range regexp.MustCompile(`"requests":(\d+)`).FindAllStringSubmatch(out.String(), -1) {
		var n int64
		fmt.Sscan(m[1], &n)
		total += n
	}
	if total != readerRequests {
		t.Fatalf("usage shows %d requests for the reader, made %d:\n%s", total, readerRequests, out.String())
	}
}

// sseStatus opens the SSE stream and returns its status (200 when streaming).
func sseStatus(t *testing.T, p *proc, key string) int {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+p.addr+"/v1/sse?topics=quote:VNM", nil)
	if key != "" {
		req.Header.Set("X-API-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("sse: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		buf := make([]byte, 16)
		_, _ = io.ReadAtLeast(resp.Body, buf, 1)
	}
	return resp.StatusCode
}

// graphQLInit opens graphql-transport-ws without a key in the handshake and
// sends connection_init with key; true when connection_ack comes back.
func graphQLInit(t *testing.T, p *proc, key string) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws://"+p.addr+"/v1/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatalf("graphql dial: %v", err)
	}
	defer c.CloseNow()
	payload := `{}`
	if key != "" {
		payload = `{"apiKey":"` + key + `"}`
	}
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"type":"connection_init","payload":`+payload+`}`)); err != nil {
		t.Fatalf("graphql init: %v", err)
	}
	_, msg, err := c.Read(ctx)
	return err == nil && bytes.Contains(msg, []byte(`"connection_ack"`))
}
