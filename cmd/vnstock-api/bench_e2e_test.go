package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"
)

// startTestServer runs the real server on a loopback port until the test
// ends, and returns its address.
func startTestServer(t *testing.T) string {
	t.Helper()
	cfg, err := parseConfig([]string{"--addr", "127.0.0.1:0", "--feeds", "sim", "--sim-rate", "500", "--auth", "off",
		"--data-dir", t.TempDir()}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	s, err := newServer(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.run(ctx, ln) }()
	// The sim's opening state is delivered by the hub's own goroutine: wait
	// for every VN30 quote, so that every client's subscribe finds its
	// snapshot however loaded the machine is.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		evs, _ := s.hub.Snapshot(ctx, []string{"quote:@VN30"})
		delivered := len(evs) == 30
		for _, ev := range evs {
			delivered = delivered && ev.Seq <= s.hub.Head() // published and fanned out here
		}
		if delivered {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the sim's VN30 quotes were not delivered within 30 s")
		}
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server run: %v", err)
		}
	})
	return ln.Addr().String()
}

// runBench runs the bench command with --json and decodes its report.
func runBench(t *testing.T, args ...string) benchReport {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := bench(context.Background(), append(args, "--json"), &out, &errOut); err != nil {
		t.Errorf("bench %q: %v\nstderr: %s", args, err, errOut.String())
	}
	var rep benchReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("bench report %q: %v", out.String(), err)
	}
	return rep
}

// TestBenchEndToEnd runs 20 WebSocket and 5 SSE clients against the real
// server at the same time. It is not parallel: it checks that every
// goroutine the bench and the server started has exited.
func TestBenchEndToEnd(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) }) // runs after the server's cleanup
	addr := startTestServer(t)
	runs := []struct {
		name string
		args []string
	}{
		{"ws", []string{"--url", "ws://" + addr + "/v1/ws", "--clients", "20"}},
		{"sse", []string{"--url", "http://" + addr + "/v1/sse", "--clients", "5"}},
	}
	reports := make([]benchReport, len(runs))
	var wg sync.WaitGroup
	for i, run := range runs {
		wg.Go(func() {
			reports[i] = runBench(t, append(run.args, "--duration", "1500ms", "--warmup", "300ms", "--ramp", "0")...)
		})
	}
	wg.Wait()
	for i, rep := range reports {
		t.Run(runs[i].name, func(t *testing.T) {
			checkReport(t, rep, runs[i].name)
		})
	}
}

func checkReport(t *testing.T, rep benchReport, transport string) {
	t.Helper()
	if rep.Transport != transport || rep.Connected != rep.Clients || rep.Failed != 0 || rep.Dropped != 0 {
		t.Errorf("transport %s: %d of %d connected, %d failed, %d dropped", rep.Transport, rep.Connected, rep.Clients, rep.Failed, rep.Dropped)
	}
	if len(rep.Errors) > 0 {
		t.Errorf("errors: %v", rep.Errors)
	}
	if rep.Events == 0 || rep.EventsPerSec <= 0 || rep.LatencyMs.Count != rep.Events {
		t.Errorf("events %d (%.0f/s), %d latencies", rep.Events, rep.EventsPerSec, rep.LatencyMs.Count)
	}
	// quote:@VN30 sends a snapshot of each of its 30 members to each client.
	if want := int64(30 * rep.Clients); rep.Snapshots != want {
		t.Errorf("snapshots = %d, want %d", rep.Snapshots, want)
	}
	l := rep.LatencyMs
	if !(l.P50 <= l.P90 && l.P90 <= l.P99 && l.P99 <= l.Max && l.P99 < 1000 && l.P50 >= 0) {
		t.Errorf("latency ms: %+v", l)
	}
	if rep.BytesPerEvent < 50 || rep.BytesPerEvent > 5000 {
		t.Errorf("bytes per event = %.0f", rep.BytesPerEvent)
	}
}

func TestBenchFailures(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close() // nothing listens here now
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	limited := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "slow down", http.StatusTooManyRequests)
	}))
	t.Cleanup(limited.Close)
	limitedWS := "ws" + strings.TrimPrefix(limited.URL, "http")
	tests := []struct {
		name        string
		ctx         context.Context
		args        []string
		wantErr     bool
		interrupted bool
		errors      map[string]int
	}{
		{"refused ws", context.Background(), []string{"--url", "ws://" + closed, "--clients", "3"}, true, false,
			map[string]int{"connection refused": 3}},
		{"refused sse", context.Background(), []string{"--url", "http://" + closed, "--clients", "2"}, true, false,
			map[string]int{"connection refused": 2}},
		{"refused handshake", context.Background(), []string{"--url", limitedWS, "--clients", "2"}, true, false,
			map[string]int{"handshake: http 429 Too Many Requests": 2}},
		{"refused graphql handshake", context.Background(), []string{"--url", limitedWS + "/v1/graphql", "--clients", "1"}, true, false,
			map[string]int{"handshake: http 429 Too Many Requests": 1}},
		{"interrupted", cancelled, []string{"--url", "ws://" + closed, "--clients", "4"}, false, true, map[string]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			args := append(tt.args, "--json", "--duration", "1ms", "--warmup", "0s", "--ramp", "0")
			err := bench(tt.ctx, args, &out, io.Discard)
			if (err != nil) != tt.wantErr {
				t.Errorf("bench error = %v, want error %v", err, tt.wantErr)
			}
			var rep benchReport
			if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
				t.Fatalf("report %q: %v", out.String(), err)
			}
			if rep.Connected != 0 || rep.Failed != rep.Clients || rep.Interrupted != tt.interrupted {
				t.Errorf("connected %d, failed %d of %d, interrupted %v", rep.Connected, rep.Failed, rep.Clients, rep.Interrupted)
			}
			if diff := cmp.Diff(tt.errors, rep.Errors); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}
