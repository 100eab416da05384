package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// The API reference UI: Swagger UI (vendored from npm, see docs/VENDOR.md)
// reading the server's own /openapi.json.
//
//go:embed docs
var docsFiles embed.FS

// DocsCSP is the Content-Security-Policy of the reference page: scripts,
// styles, images and requests from this origin only, so the page cannot
// reach the internet whatever the vendored bundle contains.
const DocsCSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// DocsHandler serves the API reference UI: the page at /docs (and /docs/)
// and its files under /docs/. Mount it on both:
//
//	r.Handle("/docs", web.DocsHandler())
//	r.PathPrefix("/docs/").Handler(web.DocsHandler())
func DocsHandler() http.Handler {
	sub, err := fs.Sub(docsFiles, "docs")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	d := &docs{files: sub}
	return d
}

type docs struct {
	files fs.FS
	once  sync.Once
	etags map[string]string // file name -> strong ETag, computed on first use
}

func (d *docs) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/docs"), "/")
	if name == "" {
		name = "index.html"
	}
	name = path.Clean(name)
	data, err := fs.ReadFile(d.files, name)
	if err != nil || strings.HasPrefix(name, ".") {
		http.NotFound(w, r)
		return
	}
	d.once.Do(d.hash)
	h := w.Header()
	h.Set("Content-Security-Policy", DocsCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("ETag", d.etags[name])
	if name == "index.html" {
		h.Set("Cache-Control", "no-cache")
	} else {
		h.Set("Cache-Control", "public, max-age=86400")
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(data))
}

// hash computes every file's ETag once.
func (d *docs) hash() {
	d.etags = map[string]string{}
	_ = fs.WalkDir(d.files, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := fs.ReadFile(d.files, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		d.etags[p] = `"` + hex.EncodeToString(sum[:12]) + `"`
		return nil
	})
}
