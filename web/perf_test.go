package web_test

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/heapprofiler"
	"github.com/chromedp/cdproto/performance"
	"github.com/chromedp/chromedp"

	"github.com/vnstock-api/vnstock-api/market"
)

// perfDirectory is the default directory plus synthetic HOSE symbols up to
// n in all, so that the HOSE board shows n rows while VN30 stays VN30.
func perfDirectory(n int) *market.Directory {
	dir := market.DefaultDirectory()
	hose, _ := dir.Members(string(market.HOSE))
	for i := 1; len(hose)+i-1 < n; i++ {
		dir.AddSymbol(market.Symbol(fmt.Sprintf("Q%03d", i)), market.HOSE)
	}
	return dir
}

// metrics reads the page's DevTools performance metrics by name.
func metrics(b *browser) map[string]float64 {
	b.t.Helper()
	res, err := chromedp.Call(b.ctx, performance.GetMetrics, cdp.Empty{})
	if err != nil {
		b.t.Fatalf("Performance.getMetrics: %v", err)
	}
	out := map[string]float64{}
	for _, m := range res.Metrics {
		out[m.Name] = m.Value
	}
	return out
}

// heapAfterGC collects garbage, then returns the used JS heap in bytes.
func heapAfterGC(b *browser) float64 {
	b.t.Helper()
	if _, err := chromedp.Call(b.ctx, heapprofiler.CollectGarbage, cdp.Empty{}); err != nil {
		b.t.Fatalf("HeapProfiler.collectGarbage: %v", err)
	}
	return metrics(b)["JSHeapUsedSize"]
}

// TestDashboardPerf measures the page under the load: the sim at
// 200 VN30 updates per second and a board of 400 rows (HOSE), for
// VNSTOCK_E2E_PERF_SECONDS (default 60). It asserts the main thread is busy
// at most 25% of the time (DevTools TaskDuration over wall time) and that
// neither the JS heap (after GC) nor the DOM grows. Run it with
//
//	VNSTOCK_E2E_PERF=1 go test ./web -run TestDashboardPerf -v
func TestDashboardPerf(t *testing.T) {
	if os.Getenv("VNSTOCK_E2E_PERF") != "1" {
		t.Skip("set VNSTOCK_E2E_PERF=1 to run the dashboard load test")
	}
	seconds := 60
	if v, err := strconv.Atoi(os.Getenv("VNSTOCK_E2E_PERF_SECONDS")); err == nil && v >= 10 {
		seconds = v
	}
	const rows = 400
	s := startInproc(t, inprocConfig{Rate: 200, Dir: perfDirectory(rows)})
	b := newBrowser(t, 1440, 900)
	b.do(chromedp.Navigate("http://" + s.addr + "/"))
	selectGroup(b, "HOSE")
	b.waitFor("HOSE board with 400 rows", 10*time.Second, rowsJS+` === `+strconv.Itoa(rows))
	if _, err := chromedp.Call(b.ctx, performance.Enable, performance.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Second) // warm up: JIT, first layouts, flash timers

	heap0 := heapAfterGC(b)
	m0, head0, t0 := metrics(b), s.hub.Head(), time.Now()
	samples := []float64{heap0}
	for i := 0; i < seconds/10; i++ {
		time.Sleep(10 * time.Second)
		samples = append(samples, heapAfterGC(b))
	}
	m1, head1, wall := metrics(b), s.hub.Head(), time.Since(t0)

	busy := (m1["TaskDuration"] - m0["TaskDuration"]) / wall.Seconds()
	script := (m1["ScriptDuration"] - m0["ScriptDuration"]) / wall.Seconds()
	layout := (m1["LayoutDuration"] + m1["RecalcStyleDuration"] - m0["LayoutDuration"] - m0["RecalcStyleDuration"]) / wall.Seconds()
	heap1 := samples[len(samples)-1]
	t.Logf("load: %d rows, %.0f events/s published over %s", rows, float64(head1-head0)/wall.Seconds(), wall.Round(time.Second))
	cpu := (m1["ThreadTime"] - m0["ThreadTime"]) / wall.Seconds()
	t.Logf("main thread busy %.1f%% (script %.1f%%, style+layout %.1f%%); its CPU time %.1f%%; %.0f frames/s",
		busy*100, script*100, layout*100, cpu*100, (m1["LayoutCount"]-m0["LayoutCount"])/wall.Seconds())
	t.Logf("JS heap after GC: %.2f MB at start, %.2f MB at end (samples every 10 s: %s); DOM nodes %.0f -> %.0f; listeners %.0f -> %.0f",
		heap0/1e6, heap1/1e6, mb(samples), m0["Nodes"], m1["Nodes"], m0["JSEventListeners"], m1["JSEventListeners"])

	if busy > 0.25 {
		t.Errorf("main thread busy %.1f%% > 25%%", busy*100)
	}
	// Growth: the last third of the run must not sit above the first sample
	// by more than 2 MB (a leak of one row update's garbage per event would
	// add tens of MB over a minute).
	for _, h := range samples[len(samples)*2/3:] {
		if h > heap0+2e6 {
			t.Errorf("JS heap grew from %.2f MB to %.2f MB", heap0/1e6, h/1e6)
			break
		}
	}
	if m1["Nodes"] > m0["Nodes"]+200 {
		t.Errorf("DOM grew from %.0f to %.0f nodes", m0["Nodes"], m1["Nodes"])
	}
	if m1["JSEventListeners"] > m0["JSEventListeners"]+20 {
		t.Errorf("event listeners grew from %.0f to %.0f", m0["JSEventListeners"], m1["JSEventListeners"])
	}
	b.assertNoConsoleErrors(t, nil)
}

func mb(xs []float64) string {
	s := ""
	for i, x := range xs {
		if i > 0 {
			s += " "
		}
		s += fmt.Sprintf("%.2f", x/1e6)
	}
	return s
}
