package web_test

import (
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestScreenshots writes board.png and symbol.png of the dashboard, served
// by the real binary with the sim feed, into $VNSTOCK_SCREENSHOTS (`make
// screenshots` points it at docs/). It is skipped when the variable is unset.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("VNSTOCK_SCREENSHOTS")
	if dir == "" {
		t.Skip("set VNSTOCK_SCREENSHOTS=<dir> to write the README screenshots")
	}
	dataDir := t.TempDir()
	key := createKey(t, dataDir)
	// A calmer market than the default 200 updates/s, so that a still image
	// is not mostly flashing cells.
	p := startBinary(t, "127.0.0.1:0", dataDir, "--sim-rate", "40")
	b := newBrowser(t, 1440, 900)
	b.do(chromedp.EmulateViewport(1440, 900), chromedp.Navigate("http://"+p.addr+"/?key="+url.QueryEscape(key)))
	b.waitFor("board", 5*time.Second, rowsJS+` === 30`)
	time.Sleep(6 * time.Second) // some trading: volumes, highs and lows, breadth
	shot(t, b, filepath.Join(dir, "board.png"))

	b.do(chromedp.Evaluate[chromedp.Void](`localStorage.setItem('vnstock.interval', '1D')`),
		chromedp.Click(chromedp.CSS(`#board a[href="#/s/FPT"]`)))
	b.waitFor("chart", 10*time.Second, `document.querySelector('#chart').dataset.history !== 'loading' && document.getElementById('company').dataset.state && document.getElementById('ratios').dataset.state`)
	time.Sleep(4 * time.Second) // trades on the tape, live bars
	b.do(chromedp.EmulateViewport(1440, 960))
	time.Sleep(500 * time.Millisecond) // the chart follows the resize
	shot(t, b, filepath.Join(dir, "symbol.png"))
}

func shot(t *testing.T, b *browser, path string) {
	t.Helper()
	buf, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d bytes)", path, len(buf))
}
