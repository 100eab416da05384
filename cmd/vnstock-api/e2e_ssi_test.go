package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vnstock-api/vnstock-api/feeds/ssifake"
)

// The recorded iBoard session (VCB, FPT, MBB on 2026-04-14) and the golden
// of its 135 records as the iBoard parser reads them, checked by hand.
const (
	ssiSession       = "../../testdata/ssi/session_2026-04-14_VCB-FPT-MBB.jsonl"
	ssiSessionGolden = "../../testdata/ssi/session_2026-04-14.golden.json"
)

// ssiGoldenQuotes returns the golden quote rows by symbol.
func ssiGoldenQuotes(t *testing.T) map[string][]map[string]any {
	t.Helper()
	raw, err := os.ReadFile(ssiSessionGolden)
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(raw, &rows); err != nil {
		t.Fatal(err)
	}
	out := map[string][]map[string]any{}
	for _, r := range rows {
		sym, _ := r["symbol"].(string)
		out[sym] = append(out[sym], r)
	}
	for _, sym := range []string{"VCB", "FPT", "MBB"} {
		if len(out[sym]) == 0 {
			t.Fatalf("golden has no %s row", sym)
		}
	}
	return out
}

// isGoldenRow reports whether a published quote is, field for field, one
// of the golden rows of its symbol; a replay that loops can be anywhere in
// the session, so any row of the symbol will do, but only a whole one.
func isGoldenRow(golden map[string][]map[string]any, got map[string]any) bool {
	sym, _ := got["symbol"].(string)
	for _, want := range golden[sym] {
		if cmp.Equal(want, got) {
			return true
		}
	}
	return false
}

// closestGoldenDiff explains a mismatch against the symbol's first row.
func closestGoldenDiff(golden map[string][]map[string]any, got map[string]any) string {
	sym, _ := got["symbol"].(string)
	if len(golden[sym]) == 0 {
		return "no golden row for symbol " + sym
	}
	return cmp.Diff(golden[sym][0], got)
}

// snapshotQuotes returns the snapshot's quote rows by symbol.
func snapshotQuotes(p *proc, syms ...string) map[string]map[string]any {
	topics := make([]string, len(syms))
	for i, s := range syms {
		topics[i] = "quote:" + s
	}
	code, body := p.get("/v1/market/snapshot?topics="+strings.Join(topics, ","), "")
	out := map[string]map[string]any{}
	if code != http.StatusOK {
		return out
	}
	rows, _ := body["data"].([]any)
	for _, r := range rows {
		row, _ := r.(map[string]any)
		data, _ := row["data"].(map[string]any)
		if sym, ok := data["symbol"].(string); ok && row["topic"] == "quote:"+sym {
			out[sym] = data
		}
	}
	return out
}

// checkSnapshotQuotes waits until the snapshot holds VCB, FPT and MBB and
// checks each against the parser's golden.
func checkSnapshotQuotes(t *testing.T, p *proc, golden map[string][]map[string]any) {
	t.Helper()
	syms := []string{"VCB", "FPT", "MBB"}
	var got map[string]map[string]any
	waitFor(t, "quote:VCB, quote:FPT and quote:MBB on the snapshot", func() bool {
		got = snapshotQuotes(p, syms...)
		return len(got) == len(syms)
	})
	for _, sym := range syms {
		q := got[sym]
		if !isGoldenRow(golden, q) {
			t.Errorf("quote:%s is no row of the golden (-first golden row +got):\n%s", sym, closestGoldenDiff(golden, q))
		}
		// The day's constants are the same in every row of the session.
		want := golden[sym][0]
		for _, f := range []string{"exchange", "reference_price", "ceiling_price", "floor_price", "source"} {
			if q[f] != want[f] {
				t.Errorf("quote:%s %s = %v, want %v", sym, f, q[f], want[f])
			}
		}
	}
}

// TestE2EReplayIBoard: `--feeds replay` with an iBoard capture plays it
// through the iBoard parser: the snapshot holds the three symbols with the
// values the parser's golden gives, while the replay loops at full speed.
func TestE2EReplayIBoard(t *testing.T) {
	golden := ssiGoldenQuotes(t)
	_, env := fakeEnv(t)
	p := startProc(t, env, "--data-dir", t.TempDir(), "--auth", "off", "--session", "always",
		"--feeds", "replay", "--replay-file", ssiSession, "--replay-speed", "0")
	checkSnapshotQuotes(t, p, golden)
	if logs := p.logs(); strings.Contains(logs, "malformed") {
		t.Errorf("the replay logged malformed lines:\n%s", logs)
	}
	if err := p.stop(); err != nil {
		t.Fatalf("exit: %v", err)
	}
}

// TestE2ESSIStream: `--feeds ssi` against the fake iBoard push stream
// (a recorded session, looping at 50×): quotes reach the snapshot with the
// golden's values, and a live quote:FPT event reaches an SSE client.
func TestE2ESSIStream(t *testing.T) {
	golden := ssiGoldenQuotes(t)
	frames, err := ssifake.LoadRecording(ssiSession)
	if err != nil {
		t.Fatal(err)
	}
	iboard := ssifake.NewServer(frames, ssifake.Options{Speed: 50, Loop: true})
	t.Cleanup(iboard.Close)
	_, env := fakeEnv(t)
	env = append(env, "VNSTOCK_SSI_IBOARD_URL="+iboard.WSURL())
	p := startProc(t, env, "--data-dir", t.TempDir(), "--auth", "off", "--session", "always", "--feeds", "ssi")
	checkSnapshotQuotes(t, p, golden)

	ev := readSSEEvent(t, p, "quote:FPT")
	if !isGoldenRow(golden, ev) {
		t.Errorf("SSE quote:FPT is no row of the golden (-first golden row +got):\n%s", closestGoldenDiff(golden, ev))
	}
	if iboard.Connections() < 1 {
		t.Error("the server never connected to the fake iBoard")
	}
	select {
	case sub := <-iboard.Subscriptions():
		if !strings.Contains(string(sub.Raw), `"FPT"`) {
			t.Errorf("subscription %s does not name FPT", sub.Raw)
		}
	default:
		t.Error("the fake iBoard received no subscription")
	}
	if err := p.stop(); err != nil {
		t.Fatalf("exit: %v", err)
	}
}

// readSSEEvent subscribes to topic over SSE and returns the data of the
// first live `event` frame (not the snapshot) on it.
func readSSEEvent(t *testing.T, p *proc, topic string) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+p.addr+"/v1/sse?topics="+topic, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("sse: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sse: status %d", resp.StatusCode)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	kind := ""
	for sc.Scan() {
		line := sc.Text()
		if k, ok := strings.CutPrefix(line, "event: "); ok {
			kind = k
			continue
		}
		data, ok := strings.CutPrefix(line, "data: ")
		if !ok {
			continue
		}
		var env struct {
			Type  string         `json:"type"`
			Topic string         `json:"topic"`
			Data  map[string]any `json:"data"`
		}
		if err := json.Unmarshal([]byte(data), &env); err != nil {
			t.Fatalf("sse data %q: %v", data, err)
		}
		if kind == "quote" && env.Type == "event" && env.Topic == topic {
			return env.Data
		}
	}
	t.Fatalf("no %s event over SSE within 15 s: %v", topic, sc.Err())
	return nil
}

// TestE2EReplayEvents: a file of event envelopes still replays as before
// (its format is told from its first line): quote:FPT is the recorded row.
func TestE2EReplayEvents(t *testing.T) {
	const sample = "../../testdata/replay/vn30_sample.jsonl"
	raw, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	var want []map[string]any
	for line := range strings.SplitSeq(string(raw), "\n") {
		var env struct {
			Topic string         `json:"topic"`
			Data  map[string]any `json:"data"`
		}
		if json.Unmarshal([]byte(line), &env) == nil && env.Topic == "quote:FPT" {
			want = append(want, env.Data)
		}
	}
	if len(want) == 0 {
		t.Fatal("the sample has no quote:FPT")
	}
	_, env := fakeEnv(t)
	p := startProc(t, env, "--data-dir", t.TempDir(), "--auth", "off", "--session", "always",
		"--feeds", "replay", "--replay-file", sample, "--replay-speed", "0")
	var got map[string]any
	waitFor(t, "quote:FPT on the snapshot", func() bool {
		got = snapshotQuotes(p, "FPT")["FPT"]
		return got != nil
	})
	if !isGoldenRow(map[string][]map[string]any{"FPT": want}, got) {
		t.Errorf("quote:FPT is no recorded row (-first recorded +got):\n%s", cmp.Diff(want[0], got))
	}
	if err := p.stop(); err != nil {
		t.Fatalf("exit: %v", err)
	}
}
