package rest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/gorilla/mux"
)

// CheckRouter compares the routes of r with the OpenAPI document, as
// "METHOD /path" strings: undocumented are served by r but missing from the
// document, unserved are in the document but not served by r. Prefix
// routes (static file trees), the debugging endpoints under /debug/ and
// HEAD/OPTIONS are not compared. Run it on
// the server's full router in a test: both lists must be empty.
func CheckRouter(r *mux.Router) (undocumented, unserved []string, err error) {
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(OpenAPI(), &doc); err != nil {
		return nil, nil, fmt.Errorf("read openapi document: %w", err)
	}
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for m := range ops {
			documented[strings.ToUpper(m)+" "+p] = true
		}
	}
	served := map[string]bool{}
	err = r.Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		tpl, err := route.GetPathTemplate()
		if err != nil {
			return nil // a route without a path
		}
		if re, err := route.GetPathRegexp(); err == nil && !strings.HasSuffix(re, "$") {
			return nil // a PathPrefix tree
		}
		if strings.HasPrefix(tpl, "/debug/") {
			return nil
		}
		methods, err := route.GetMethods()
		if err != nil {
			methods = []string{http.MethodGet}
		}
		for _, m := range methods {
			if m != http.MethodHead && m != http.MethodOptions {
				served[m+" "+varPattern.ReplaceAllString(tpl, "{$1}")] = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("walk router: %w", err)
	}
	for k := range served {
		if !documented[k] {
			undocumented = append(undocumented, k)
		}
	}
	for k := range documented {
		if !served[k] {
			unserved = append(unserved, k)
		}
	}
	slices.Sort(undocumented)
	slices.Sort(unserved)
	return undocumented, unserved, nil
}

// varPattern strips a mux variable's pattern: {id:[0-9]+} becomes {id}.
var varPattern = regexp.MustCompile(`\{([^{}:]+)(?::[^{}]*)?\}`)
