package graph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vnstock-api/vnstock-api/hub"
	"github.com/vnstock-api/vnstock-api/market"
)

// Errors carry extensions.code (and extensions.field for bad input),
// mapped from the market error kinds; unknown errors never leak detail.
func TestErrorCodes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.svc.fail[market.CapIndices] = fmt.Errorf("kbs: status 503: %w", market.ErrUpstream)
	e.svc.fail[market.CapFunds] = errors.New("pq: connection refused to 10.0.0.7")
	e.svc.fail[market.CapIndustries] = fmt.Errorf("1m interval for forex: %w", market.ErrUnsupported)
	tests := []struct {
		name, query, code, field, msg string
	}{
		{"bad symbol", `{ ohlcv(symbol: "VN M") { symbol } }`, CodeBadUserInput, "symbol", "letters and digits"},
		{"bad interval", `{ ohlcv(symbol: "VNM", interval: "2m") { symbol } }`, CodeBadUserInput, "interval", "1m,5m"},
		{"end before start", `{ ohlcv(symbol: "VNM", start: "2025-03-21", end: "2025-03-01") { symbol } }`, CodeBadUserInput, "end", "before start"},
		{"bad date", `{ ohlcv(symbol: "VNM", start: "21/03/2025") { symbol } }`, CodeBadUserInput, "start", "YYYY-MM-DD"},
		{"bad time", `{ trades(symbol: "VNM", before: "yesterday") { symbol } }`, CodeBadUserInput, "before", "RFC 3339"},
		{"limit", `{ trades(symbol: "VNM", limit: 0) { symbol } }`, CodeBadUserInput, "limit", "1 to 10000"},
		{"no symbols", `{ quotes { meta { source } } }`, CodeBadUserInput, "symbols", "give symbols"},
		{"empty search", `{ search(q: "  ") { count } }`, CodeBadUserInput, "q", "1 to 64"},
		{"bad topic", `{ snapshot(topics: ["quote:XXXX"]) { seq } }`, CodeBadUserInput, "topics", "unknown symbol XXXX"},
		{"unknown symbol", `{ ohlcv(symbol: "XYZ") { symbol } }`, CodeNotFound, "", "not found"},
		{"unknown group", `{ group(code: "VN99") { code } }`, CodeNotFound, "", "not found"},
		{"upstream down", `{ indices { count } }`, CodeUpstreamUnavailable, "", "upstream sources are unavailable"},
		{"unsupported", `{ industries { count } }`, CodeBadUserInput, "", "not supported"},
		{"internal", `{ funds { count } }`, CodeInternal, "", "internal error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.post(tt.query, nil)
			if len(r.Errors) != 1 {
				t.Fatalf("errors %+v, want one", r.Errors)
			}
			got := r.Errors[0]
			if got.code() != tt.code || !strings.Contains(got.Message, tt.msg) {
				t.Errorf("got %q %q, want code %s and a message with %q", got.code(), got.Message, tt.code, tt.msg)
			}
			if f, _ := got.Extensions["field"].(string); f != tt.field {
				t.Errorf("extensions.field %q, want %q", f, tt.field)
			}
			if strings.Contains(got.Message, "10.0.0.7") {
				t.Error("internal detail leaked")
			}
		})
	}
}

// The auth hook sees the key from each place a client may put it, and its
// refusals become 401/429 with the matching code.
func TestAuthenticate(t *testing.T) {
	t.Parallel()
	seen := make(chan string, 16)
	e := newEnv(t, func(c *Config, _ *hub.Config) {
		c.Authenticate = func(ctx context.Context, key string) (context.Context, error) {
			seen <- key
			switch key {
			case "good":
				return ctx, nil
			case "busy":
				return ctx, fmt.Errorf("key busy: 100 requests/s: %w", ErrRateLimited)
			}
			return ctx, errors.New("unknown API key")
		}
	})
	const q = `{ indices { count } }`
	tests := []struct {
		name   string
		header []string
		path   string
		status int
		code   string
	}{
		{"X-API-Key", []string{"X-API-Key", "good"}, "", 200, ""},
		{"bearer", []string{"Authorization", "Bearer good"}, "", 200, ""},
		{"query", nil, "?api_key=good", 200, ""},
		{"missing", nil, "", 401, CodeUnauthenticated},
		{"wrong", []string{"X-API-Key", "nope"}, "", 401, CodeUnauthenticated},
		{"rate limited", []string{"X-API-Key", "busy"}, "", 429, CodeRateLimited},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, _ := json.Marshal(map[string]string{"query": q})
			req, _ := http.NewRequest(http.MethodPost, e.url+tt.path, strings.NewReader(string(body)))
			req.Header.Set("Content-Type", "application/json")
			for i := 0; i+1 < len(tt.header); i += 2 {
				req.Header.Set(tt.header[i], tt.header[i+1])
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status || tt.code != "" && !strings.Contains(string(b), `"code":"`+tt.code+`"`) {
				t.Fatalf("status %d body %s, want %d %s", resp.StatusCode, b, tt.status, tt.code)
			}
			<-seen
		})
	}
}

// Too deep and too complex operations are refused before any resolver
// runs, with a message that says which limit and by how much.
func TestLimits(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config, _ *hub.Config) { c.MaxDepth, c.MaxComplexity = 5, 200 })
	tests := []struct {
		name, query, code, msg string
	}{
		{"too deep", `{ group(code: "VN30") { members { company { info { meta { source } } } } } }`,
			CodeDepthLimit, "query depth 6 exceeds the limit of 5"},
		{"too deep through fragments", `query { group(code: "VN30") { ...M } }
			fragment M on Group { members { ... on GroupMember { company { ...C } } } }
			fragment C on Company { info { meta { source } } }`, CodeDepthLimit, "query depth 6 exceeds the limit of 5"},
		{"too complex", `{ group(code: "VN30") { members { quote { symbol price change volume bid { price } ask { price } } } } }`,
			"COMPLEXITY_LIMIT_EXCEEDED", "exceeds the limit of 200"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(e.svc.Calls())
			r := e.post(tt.query, nil)
			if len(r.Errors) != 1 || r.Errors[0].code() != tt.code || !strings.Contains(r.Errors[0].Message, tt.msg) {
				t.Fatalf("errors %+v, want %s %q", r.Errors, tt.code, tt.msg)
			}
			if n := len(e.svc.Calls()) - before; n != 0 {
				t.Errorf("%d service calls for a refused operation", n)
			}
		})
	}
	// At the limit is allowed; the introspection query is never too deep.
	e.post(`{ group(code: "VN30") { members { company { info { count } } } } }`, nil).mustData(t)
	e.post(introspectionQuery, nil).mustData(t)
}

// A deeply nested introspection query, like GraphiQL's TypeRef fragment.
const introspectionQuery = `{ __schema { types { name fields { name type { kind name ofType { kind name
	ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } } } } }`

func TestBatch(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config, _ *hub.Config) { c.MaxBatch = 3 })
	var got []gqlResult
	postJSON(t, e.url, `[{"query":"{ indices { count } }"},{"query":"{ funds { count } }"},{"query":"{ nope }"}]`, 200, &got)
	if len(got) != 3 || string(got[0].Data) != `{"indices":{"count":4}}` || string(got[1].Data) != `{"funds":{"count":1}}` ||
		len(got[2].Errors) != 1 || got[2].Errors[0].code() != "GRAPHQL_VALIDATION_FAILED" {
		t.Fatalf("batch answers %+v", got)
	}
	var tooLarge gqlResult
	postJSON(t, e.url, `{"query":"{ indices { count } }","pad":"`+strings.Repeat("x", maxBody)+`"}`, 413, &tooLarge)
	var refused gqlResult
	postJSON(t, e.url, `[{"query":"{ indices { count } }"},{"query":"{ indices { count } }"},{"query":"{ indices { count } }"},{"query":"{ indices { count } }"}]`, 400, &refused)
	if len(refused.Errors) != 1 || !strings.Contains(refused.Errors[0].Message, "1 to 3 operations, not 4") {
		t.Fatalf("oversized batch: %+v", refused)
	}
}

func postJSON(t *testing.T, u, body string, status int, v any) {
	t.Helper()
	resp, err := http.Post(u, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		t.Fatalf("status %d (%s), want %d", resp.StatusCode, b, status)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
}

// Automatic persisted queries: a hash alone is unknown until the query was
// sent once with it; then the hash alone runs it (also over GET).
func TestAPQ(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const q = `{ indices { count } }`
	sum := sha256.Sum256([]byte(q))
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}
	hashOnly, _ := json.Marshal(map[string]any{"extensions": ext})
	if r := e.postRaw(hashOnly); len(r.Errors) != 1 || r.Errors[0].code() != "PERSISTED_QUERY_NOT_FOUND" {
		t.Fatalf("unknown hash: %+v", r)
	}
	full, _ := json.Marshal(map[string]any{"query": q, "extensions": ext})
	e.postRaw(full).mustData(t)
	if r := e.postRaw(hashOnly); string(r.mustData(t)) != `{"indices":{"count":4}}` {
		t.Fatalf("persisted: %s", r.Data)
	}
	extJSON, _ := json.Marshal(ext)
	resp, err := http.Get(e.url + "?extensions=" + url.QueryEscape(string(extJSON)))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `{"indices":{"count":4}}`) {
		t.Fatalf("GET persisted: %s", b)
	}
}

// GET queries, introspection, and the refusal of subscriptions over HTTP.
func TestHTTPTransports(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	resp, err := http.Get(e.url + "?query=" + url.QueryEscape(`{ funds { count } }`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `{"data":{"funds":{"count":1}}}`) {
		t.Fatalf("GET: %d %s", resp.StatusCode, b)
	}
	if r := e.post(`{ __schema { queryType { name } subscriptionType { name } } }`, nil); !strings.Contains(string(r.mustData(t)), `"Subscription"`) {
		t.Fatalf("introspection: %s", r.Data)
	}
	r := e.post(`subscription { status { seq } }`, nil)
	if len(r.Errors) != 1 || !strings.Contains(r.Errors[0].Message, "over WebSocket") {
		t.Fatalf("subscription over POST: %+v", r)
	}
}
