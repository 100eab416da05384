package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// codeStreamingServers is the extensions.code of a GraphQL operation this
// deployment refuses because it needs the live hub.
const codeStreamingServers = "STREAMING_SERVERS_ONLY"

// gqlRequest is the part of a GraphQL HTTP request that names the operation.
type gqlRequest struct {
	Query         string `json:"query"`
	OperationName string `json:"operationName"`
}

// queriesOnly serves GraphQL queries through next and refuses, before
// they run, the operations that need the live hub: subscriptions (as a
// WebSocket upgrade or over HTTP) and the snapshot field, whose hub here
// never holds a value. What it cannot read (bad JSON, a syntax error, a
// persisted query's hash) goes to next, which reports it.
func queriesOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "" || r.Header.Get("Sec-WebSocket-Key") != "" {
			streamsElsewhere(w, r)
			return
		}
		for _, req := range operations(r) {
			if why := needsHub(req); why != "" {
				writeGraphRefusal(w, why)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// operations reads the GraphQL requests of r: the query parameters of a
// GET, the JSON object or batch array of a POST. It leaves r.Body as it
// found it for next, including a read error such as the body limit's.
func operations(r *http.Request) []gqlRequest {
	if r.Method == http.MethodGet {
		q := r.URL.Query()
		return []gqlRequest{{Query: q.Get("query"), OperationName: q.Get("operationName")}}
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	body, err := io.ReadAll(r.Body)
	var rest io.Reader = bytes.NewReader(body)
	if err != nil {
		rest = io.MultiReader(rest, errReader{err})
	}
	r.Body = readCloser{rest, r.Body}
	if err != nil {
		return nil
	}
	var one gqlRequest
	if json.Unmarshal(body, &one) == nil {
		return []gqlRequest{one}
	}
	var batch []gqlRequest
	_ = json.Unmarshal(body, &batch) // not JSON: next reports it
	return batch
}

// needsHub names why req cannot be served here, or returns "".
func needsHub(req gqlRequest) string {
	doc, err := parser.ParseQuery(&ast.Source{Input: req.Query})
	if err != nil {
		return ""
	}
	var op *ast.OperationDefinition
	switch {
	case req.OperationName != "":
		op = doc.Operations.ForName(req.OperationName)
	case len(doc.Operations) == 1:
		op = doc.Operations[0]
	}
	switch {
	case op == nil:
		return ""
	case op.Operation == ast.Subscription:
		return "GraphQL subscriptions are served over WebSocket at /v1/graphql by the streaming servers, not by this serverless deployment"
	case op.Operation == ast.Query && selects(doc, op.SelectionSet, "snapshot", 0):
		return "the snapshot field reads the live hub, which only the streaming servers hold: ask them, not this serverless deployment"
	}
	return ""
}

// selects reports whether set selects the top-level field name, directly or
// through fragments (followed to a bounded depth: cycles are invalid anyway).
func selects(doc *ast.QueryDocument, set ast.SelectionSet, name string, depth int) bool {
	if depth > 8 {
		return false
	}
	for _, s := range set {
		switch s := s.(type) {
		case *ast.Field:
			if s.Name == name {
				return true
			}
		case *ast.InlineFragment:
			if selects(doc, s.SelectionSet, name, depth+1) {
				return true
			}
		case *ast.FragmentSpread:
			if f := doc.Fragments.ForName(s.Name); f != nil && selects(doc, f.SelectionSet, name, depth+1) {
				return true
			}
		}
	}
	return false
}

// writeGraphRefusal answers a refused operation the GraphQL way.
func writeGraphRefusal(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []any{
		map[string]any{"message": msg, "extensions": map[string]string{"code": codeStreamingServers}},
	}})
}

// errReader replays a read error after the bytes read before it.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// readCloser reads the replayed body and closes the original.
type readCloser struct {
	io.Reader
	io.Closer
}
