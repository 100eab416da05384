package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

const recording = "../../testdata/ssi/session_2026-04-14_VCB-FPT-MBB.jsonl"

// start runs the command and returns its address (read from the first log
// line) and a stop function that waits for run to return.
func start(t *testing.T, args ...string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, args, pw)
		pw.Close()
		done <- err
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("first log line: %v (run: %v)", err, <-done)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	m := regexp.MustCompile(`msg=listening addr=(\S+)`).FindStringSubmatch(line)
	if m == nil {
		cancel()
		t.Fatalf("first log line %q does not give the address", line)
	}
	return m[1], func() error { cancel(); return <-done }
}

func TestServesFakesAndSSI(t *testing.T) {
	t.Parallel()
	addr, stop := start(t, "--addr", "127.0.0.1:0", "--ssi-recording", recording, "--ssi-speed", "0",
		"--status", "503", "--only", "sjc")
	base := "http://" + addr
	get := func(method, path, body string) int {
		req, _ := http.NewRequestWithContext(t.Context(), method, base+path, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	checks := []struct {
		method, path, body string
		want               int
	}{
		{"GET", "/healthz", "", 200},
		{"GET", "/vcb/api/exchangerates/exportexcel?date=2025-01-15", "", 200},
		{"GET", "/btmc/api/BTMCAPI/getpricebtmc", "", 401},
		{"POST", "/sjc/GoldPrice/Services/PriceService.ashx", "method=GetSJCGoldPriceByDate&toDate=15/01/2025", 503},
	}
	for _, c := range checks {
		if got := get(c.method, c.path, c.body); got != c.want {
			t.Errorf("%s %s: %d, want %d", c.method, c.path, got, c.want)
		}
	}

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws://"+addr+"/ssi/realtime", nil)
	if err != nil {
		t.Fatalf("dial /ssi/realtime: %v", err)
	}
	defer conn.CloseNow()
	sub := `{"type":"sub","topic":"stockRealtimeBySymbolsAndBoards","variables":{"symbols":["VCB"],"boardIds":["MAIN"]},"component":"priceTableEquities"}`
	if err := conn.Write(ctx, websocket.MessageText, []byte(sub)); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"Subscribed stockRealtimeBySymbolsAndBoards", "MAIN|S#"} {
		_, msg, err := conn.Read(ctx)
		if err != nil || !strings.HasPrefix(string(msg), want) {
			t.Fatalf("message %d: %.60q, %v; want prefix %q", i, msg, err, want)
		}
	}
	conn.Close(websocket.StatusNormalClosure, "")
	if err := stop(); err != nil {
		t.Fatalf("run: %v", err)
	}
}

func TestFlagErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"--status", "42"},
		{"--only", "kbs,nosuch"},
		{"--fail-every", "-1"},
		{"--ssi-recording", "no/such/file.jsonl", "--addr", "127.0.0.1:0"},
		{"extra"},
	} {
		if err := run(t.Context(), args, io.Discard); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}
