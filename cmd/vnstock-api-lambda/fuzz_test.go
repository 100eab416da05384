package main

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzQueriesOnly: any POST body is either refused with the GraphQL error
// or reaches the handler whole; the filter never panics.
func FuzzQueriesOnly(f *testing.F) {
	for _, s := range []string{
		`{"query":"{ indices { columns } }"}`,
		`{"query":"subscription { quotes(symbols: [\"VNM\"]) { symbol } }"}`,
		`[{"query":"{ a }"},{"query":"subscription S { b }","operationName":"S"}]`,
		`{"query":"query { ...F } fragment F on Query { ...G } fragment G on Query { ...F }"}`,
		`{"query":"{ snapshot(topics: [\"quote:VNM\"]) { seq } }"}`,
		`{"query":5}`, `[`, ``, `{"query":"{"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var got *string
		next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, err := io.ReadAll(r.Body)
			if err != nil {
				t.Fatalf("replayed body: %v", err)
			}
			s := string(b)
			got = &s
		})
		w := httptest.NewRecorder()
		queriesOnly(next).ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/v1/graphql", strings.NewReader(body)))
		switch {
		case got == nil && (w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), codeStreamingServers)):
			t.Fatalf("neither passed on nor refused: %d %s", w.Code, w.Body)
		case got != nil && *got != body:
			t.Fatalf("the handler read %q, the client sent %q", *got, body)
		}
	})
}

// TestQueriesOnlyReplaysTheBodyLimit: a body over the router's limit
// reaches the GraphQL handler with the limit's error, which it answers 413.
func TestQueriesOnlyReplaysTheBodyLimit(t *testing.T) {
	t.Parallel()
	var readErr error
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, readErr = io.ReadAll(r.Body) })
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodPost, "/v1/graphql", strings.NewReader(`{"query":"{ indices { columns } }"}`))
	r.Body = http.MaxBytesReader(w, r.Body, 8)
	queriesOnly(next).ServeHTTP(w, r)
	if _, ok := errors.AsType[*http.MaxBytesError](readErr); !ok {
		t.Fatalf("the handler read error %v, want the body limit's", readErr)
	}
}
