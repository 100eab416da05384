package main

import (
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

func TestReadWatchlist(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name, body string
		want       int // items, -1 for an error
	}{
		{"lines, commas and comments", "VNM, FPT # dairy and tech\n@VN30\n\n# done\n", 3},
		{"empty", "# nothing\n", -1},
		{"unknown group", "@NOPE\n", -1},
		{"bad symbol", "VN-M\n", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, tt.name)
			if err := os.WriteFile(p, []byte(tt.body), 0o600); err != nil {
				t.Fatal(err)
			}
			items, err := readWatchlist(p, market.DefaultDirectory())
			if (err != nil) != (tt.want < 0) || (err == nil && len(items) != tt.want) {
				t.Fatalf("items %v err %v, want %d", items, err, tt.want)
			}
		})
	}
	if _, err := readWatchlist(filepath.Join(dir, "missing"), market.DefaultDirectory()); err == nil {
		t.Fatal("a missing file was read")
	}
}

// TestE2EReloadWatchlist: SIGHUP makes the running server follow the
// symbols now in the watchlist file.
func TestE2EReloadWatchlist(t *testing.T) {
	_, env := fakeEnv(t)
	file := filepath.Join(t.TempDir(), "watchlist")
	if err := os.WriteFile(file, []byte("VNM\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := startProc(t, env, "--data-dir", t.TempDir(), "--auth", "off", "--feeds", "kbs",
		"--session", "always", "--poll-interval", "1s", "--watchlist-file", file)
	has := func(sym string) bool {
		code, body := p.get("/v1/market/snapshot?topics=quote:"+sym, "")
		rows, _ := body["data"].([]any)
		return code == http.StatusOK && len(rows) == 1
	}
	waitFor(t, "quote:VNM from the first watchlist", func() bool { return has("VNM") })
	if has("FPT") {
		t.Fatal("FPT is published before it is in the watchlist")
	}
	if err := os.WriteFile(file, []byte("FPT\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "quote:FPT after SIGHUP", func() bool { return has("FPT") })
	if err := p.stop(); err != nil {
		t.Fatalf("exit after SIGHUP: %v", err)
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
