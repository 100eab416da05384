package rest

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/mux"
)

// serviceStandIns mounts what the api package serves beside the REST
// routes, as the lead's router does.
func serviceStandIns(r *mux.Router) {
	ok := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	for _, p := range []string{"/healthz", "/readyz", "/metrics", "/docs", "/v1/ws", "/v1/sse"} {
		r.Handle(p, ok).Methods(http.MethodGet)
	}
	r.Handle("/v1/graphql", ok).Methods(http.MethodGet, http.MethodPost)
	r.Handle("/v1/admin/keys", ok).Methods(http.MethodGet, http.MethodPost)
	r.Handle("/v1/admin/keys/{id}", ok).Methods(http.MethodDelete)
	r.Handle("/v1/admin/keys/{id}/rotate", ok).Methods(http.MethodPost)
	r.Handle("/v1/admin/usage", ok).Methods(http.MethodGet)
	r.HandleFunc("/debug/pprof/cmdline", ok) // debugging: not compared
	r.PathPrefix("/docs/").Handler(ok)       // static files: not compared
	r.PathPrefix("/").Handler(ok)            // the dashboard: not compared
}

func TestOpenAPIMatchesRouter(t *testing.T) {
	t.Parallel()
	r, _ := testServer(t)
	serviceStandIns(r)
	undocumented, unserved, err := CheckRouter(r)
	if err != nil {
		t.Fatal(err)
	}
	if len(undocumented)+len(unserved) > 0 {
		t.Fatalf("routes missing from the document: %v\ndocumented but not served: %v", undocumented, unserved)
	}
}

func TestCheckRouterFindsDrift(t *testing.T) {
	t.Parallel()
	r := mux.NewRouter()
	New(Config{Service: &fakeService{t: t}}).Register(r) // no Snapshotter: no snapshot route
	r.Handle("/openapi.json", OpenAPIHandler())
	serviceStandIns(r)
	r.HandleFunc("/v1/extra/{id:[0-9]+}", func(http.ResponseWriter, *http.Request) {}).Methods(http.MethodGet, http.MethodDelete)
	undocumented, unserved, err := CheckRouter(r)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"DELETE /v1/extra/{id}", "GET /v1/extra/{id}"}, undocumented); diff != "" {
		t.Errorf("undocumented (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"GET /v1/market/snapshot"}, unserved); diff != "" {
		t.Errorf("unserved (-want +got):\n%s", diff)
	}
}

// openapiDoc is the part of the document the tests read.
type openapiDoc struct {
	OpenAPI string                                `json:"openapi"`
	Paths   map[string]map[string]json.RawMessage `json:"paths"`
}

type operationDoc struct {
	OperationID string `json:"operationId"`
	Parameters  []struct {
		Ref      string `json:"$ref"`
		Name     string `json:"name"`
		In       string `json:"in"`
		Required bool   `json:"required"`
	} `json:"parameters"`
	Responses map[string]struct {
		Ref     string                     `json:"$ref"`
		Content map[string]json.RawMessage `json:"content"`
	} `json:"responses"`
}

func TestOpenAPIDocument(t *testing.T) {
	t.Parallel()
	raw := OpenAPI()
	var doc openapiDoc
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi = %q", doc.OpenAPI)
	}
	ids := map[string]bool{}
	restPaths := map[string]bool{}
	for _, rt := range routes() {
		restPaths[prefix+rt.path] = true
	}
	pathVar := regexp.MustCompile(`\{([^}]+)\}`)
	for path, ops := range doc.Paths {
		for method, rawOp := range ops {
			var op operationDoc
			if err := json.Unmarshal(rawOp, &op); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			if op.OperationID == "" || ids[op.OperationID] {
				t.Errorf("%s %s: operationId %q missing or repeated", method, path, op.OperationID)
			}
			ids[op.OperationID] = true
			declared := map[string]bool{}
			for _, p := range op.Parameters {
				if p.In == "path" && p.Required {
					declared[p.Name] = true
				}
			}
			for _, m := range pathVar.FindAllStringSubmatch(path, -1) {
				if !declared[m[1]] {
					t.Errorf("%s %s: path variable %s not declared as a required path parameter", method, path, m[1])
				}
			}
			if restPaths[path] {
				ok := op.Responses["200"]
				if ok.Content["application/json"] == nil || ok.Content["text/csv"] == nil {
					t.Errorf("%s: 200 lacks JSON or CSV content", path)
				}
				for _, code := range []string{"400", "404", "503"} {
					if op.Responses[code].Ref == "" {
						t.Errorf("%s: no %s response", path, code)
					}
				}
			}
		}
	}
	// Every $ref points at a component that exists.
	var all map[string]any
	_ = json.Unmarshal(raw, &all)
	for _, m := range regexp.MustCompile(`"\$ref": "#/([^"]+)"`).FindAllStringSubmatch(string(raw), -1) {
		var node any = all
		for _, part := range strings.Split(m[1], "/") {
			obj, _ := node.(map[string]any)
			node = obj[part]
		}
		if node == nil {
			t.Errorf("$ref #/%s does not resolve", m[1])
		}
	}
}

// TestOpenAPIParamsMatchRoutes: the document lists exactly each route's
// declared parameters plus format.
func TestOpenAPIParamsMatchRoutes(t *testing.T) {
	t.Parallel()
	var doc openapiDoc
	_ = json.Unmarshal(OpenAPI(), &doc)
	for _, rt := range routes() {
		var op operationDoc
		if err := json.Unmarshal(doc.Paths[prefix+rt.path]["get"], &op); err != nil {
			t.Fatalf("%s: %v", rt.path, err)
		}
		var got, want []string
		for _, p := range op.Parameters {
			got = append(got, p.Name+p.Ref)
		}
		for _, p := range rt.params {
			want = append(want, p.name)
		}
		want = append(want, "#/components/parameters/format")
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s parameters (-route +document):\n%s", rt.path, diff)
		}
	}
}

func TestOpenAPIHandler(t *testing.T) {
	t.Parallel()
	r, _ := testServer(t)
	w := do(t, r, "/openapi.json")
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/json" || !json.Valid(w.Body.Bytes()) {
		t.Fatalf("GET /openapi.json = %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	etag := w.Header().Get("ETag")
	if w := do(t, r, "/openapi.json", "If-None-Match", etag); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Fatalf("with If-None-Match: %d, %d bytes", w.Code, w.Body.Len())
	}
}
