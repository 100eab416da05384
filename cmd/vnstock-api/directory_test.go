package main

import (
	"net/http"
	"strings"
	"testing"
)

// TestE2EDirectoryFromListings: with an upstream feed the server loads the
// real listings and index baskets, so @VN100 (absent from the built-in
// sample) expands to the upstream's members.
func TestE2EDirectoryFromListings(t *testing.T) {
	_, env := fakeEnv(t)
	p := startProc(t, env, "--data-dir", t.TempDir(), "--auth", "off", "--feeds", "kbs",
		"--session", "always", "--poll-interval", "1s")
	waitFor(t, "quote:@VN100 to expand", func() bool {
		code, body := p.get("/v1/market/snapshot?topics=quote:@VN100", "")
		rows, _ := body["data"].([]any)
		return code == http.StatusOK && len(rows) > 0
	})
	waitFor(t, "the directory load in the log", func() bool {
		return strings.Contains(p.logs(), "directory loaded from the upstream listings")
	})
}
