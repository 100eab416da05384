package graph

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"mime"
	"net/http"
	"path"
	"strings"
)

// graphiqlFiles are the explorer's page and vendored assets (see
// graphiql/vendor.sh and graphiql/THIRD_PARTY_LICENSES.txt).
//
//go:embed graphiql/index.html graphiql/init.js graphiql/*.min.js graphiql/*.min.css graphiql/THIRD_PARTY_LICENSES.txt
var graphiqlFiles embed.FS

// explorer serves GraphiQL: the page at GET /v1/graphql for browsers and its
// assets at ?asset=<name>, every byte from the binary (no CDN).
type explorer struct {
	page   *template.Template
	assets map[string]asset
}

type asset struct {
	body []byte
	typ  string
	etag string
}

func newExplorer() (*explorer, error) {
	ex := &explorer{assets: map[string]asset{}}
	entries, err := graphiqlFiles.ReadDir("graphiql")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.Name() == "index.html" {
			continue
		}
		b, err := graphiqlFiles.ReadFile("graphiql/" + e.Name())
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		typ := mime.TypeByExtension(path.Ext(e.Name()))
		if strings.HasSuffix(e.Name(), ".txt") {
			typ = "text/plain; charset=utf-8"
		}
		ex.assets[e.Name()] = asset{body: b, typ: typ, etag: hex.EncodeToString(sum[:8])}
	}
	ex.page, err = template.New("index.html").Funcs(template.FuncMap{}).ParseFS(graphiqlFiles, "graphiql/index.html")
	if err != nil {
		return nil, err
	}
	return ex, nil
}

// serve answers the page or an asset and reports whether it did.
func (ex *explorer) serve(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	q := r.URL.Query()
	if name := q.Get("asset"); name != "" {
		ex.serveAsset(w, r, name)
		return true
	}
	if q.Has("query") || q.Has("extensions") || isUpgrade(r) || !strings.Contains(r.Header.Get("Accept"), "text/html") {
		return false
	}
	var buf bytes.Buffer
	data := pageData{endpoint: r.URL.Path, assets: ex.assets}
	if err := ex.page.Execute(&buf, data); err != nil {
		http.Error(w, "explorer page: "+err.Error(), http.StatusInternalServerError)
		return true
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "+
		"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(buf.Bytes())
	return true
}

func (ex *explorer) serveAsset(w http.ResponseWriter, r *http.Request, name string) {
	a, ok := ex.assets[name]
	if !ok {
		writeGraphQLError(w, http.StatusNotFound, CodeNotFound, "no explorer asset "+name)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.typ)
	h.Set("ETag", `"`+a.etag+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	if r.URL.Query().Get("v") == a.etag {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if match := r.Header.Get("If-None-Match"); match == `"`+a.etag+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	_, _ = w.Write(a.body)
}

// pageData fills index.html.
type pageData struct {
	endpoint string
	assets   map[string]asset
}

// Endpoint is the path the page was served at: queries and subscriptions go
// to the same path.
func (p pageData) Endpoint() string { return p.endpoint }

// Asset is the versioned URL of an asset.
func (p pageData) Asset(name string) string {
	return p.endpoint + "?asset=" + name + "&v=" + p.assets[name].etag
}
