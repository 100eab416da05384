package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// freeAddr returns a loopback address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// startServerAt runs the real server (sim feed, auth off) on addr over the
// store in dataDir; stop shuts it down gracefully (1001 to every stream).
func startServerAt(t *testing.T, addr, dataDir string) (stop func()) {
	t.Helper()
	cfg, err := parseConfig([]string{"--addr", addr, "--feeds", "sim", "--sim-rate", "300", "--auth", "off",
		"--data-dir", dataDir, "--shutdown-timeout", "5s"}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	s, err := newServer(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.run(ctx, ln) }()
	stop = sync.OnceFunc(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server run: %v", err)
		}
	})
	t.Cleanup(stop)
	return stop
}

func TestBenchGraphQL(t *testing.T) {
	t.Parallel()
	addr := startTestServer(t)
	rep := runBench(t, "--url", "ws://"+addr+"/v1/graphql", "--clients", "5", "--duration", "1500ms", "--warmup", "300ms", "--ramp", "0")
	if rep.Transport != "graphql" || rep.Connected != 5 || rep.Failed != 0 || rep.Dropped != 0 || len(rep.Errors) > 0 {
		t.Errorf("transport %s: %d of %d connected, %d failed, %d dropped, errors %v",
			rep.Transport, rep.Connected, rep.Clients, rep.Failed, rep.Dropped, rep.Errors)
	}
	if rep.Events == 0 || rep.LatencyMs.Count != rep.Events || rep.LatencyMs.P99 > 1000 {
		t.Errorf("events %d, %d latencies, p99 %.1f ms", rep.Events, rep.LatencyMs.Count, rep.LatencyMs.P99)
	}
	// symbol, closePrice, seq and ts of one quote, plus its share of the envelope.
	if rep.BytesPerEvent < 30 || rep.BytesPerEvent > 300 {
		t.Errorf("bytes per event = %.0f", rep.BytesPerEvent)
	}
}

// TestBenchReconnectStorm restarts the server under resuming clients: every
// client is closed with 1001, reconnects with backoff to the new process on
// the same address, and resumes with since; the new process has a new
// epoch, so each recovery is incomplete.
func TestBenchReconnectStorm(t *testing.T) {
	t.Parallel()
	addr, dir := freeAddr(t), t.TempDir()
	stop := startServerAt(t, addr, dir)
	var out bytes.Buffer
	progress := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- bench(context.Background(), []string{"--url", "ws://" + addr, "--clients", "20", "--ramp", "0",
			"--reconnect", "--until-resumed", "--duration", "60s", "--backoff", "20ms", "--backoff-max", "200ms", "--json"},
			&out, progress)
	}()
	waitFor(t, "every client to see an event", func() bool {
		return strings.Contains(progress.String(), "20 of 20 clients have an event to resume from")
	})
	stop()
	startServerAt(t, addr, dir)
	if err := <-done; err != nil {
		t.Fatalf("bench: %v\n%s", err, progress.String())
	}
	var rep benchReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("report %q: %v", out.String(), err)
	}
	r := rep.Reconnect
	if r == nil {
		t.Fatal("report without a reconnect section")
	}
	if !r.AllResumed || r.Target != 20 || r.Dropped != 20 || r.ResumedNow != 20 || r.TimedOut {
		t.Errorf("reconnect: %+v", r)
	}
	if r.RecoveredIncomplete != 20 || r.RecoveredComplete != 0 {
		t.Errorf("recovered %d complete, %d incomplete; want 0 and 20 (new epoch)", r.RecoveredComplete, r.RecoveredIncomplete)
	}
	if r.Ends["closed with code 1001"] != 20 {
		t.Errorf("ends = %v, want 20 closed with 1001", r.Ends)
	}
	if !(r.FirstDropUnixMs > 0 && r.FirstDropUnixMs <= r.FirstReconnectUnixMs && r.FirstReconnectUnixMs <= r.LastResumeUnixMs) {
		t.Errorf("times out of order: drop %d, reconnect %d, resume %d", r.FirstDropUnixMs, r.FirstReconnectUnixMs, r.LastResumeUnixMs)
	}
	if r.ResumeMs.Count != 20 || r.Attempts < 20 || rep.Connected != 20 || len(rep.Errors) > 0 {
		t.Errorf("%d resume times, %d attempts, %d connected, errors %v", r.ResumeMs.Count, r.Attempts, rep.Connected, rep.Errors)
	}
}

// startReference serves the bare reference on a loopback port until the
// test ends.
func startReference(t *testing.T, rate float64) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- serveReference(ctx, ln, refConfig{rate: rate, payload: 700, queue: 1024}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("reference: %v", err)
		}
	})
	return ln.Addr().String()
}

func TestBenchReference(t *testing.T) {
	t.Parallel()
	a, b := startReference(t, 500), startReference(t, 500)
	runs := []struct {
		name, transport string
		args            []string
	}{
		{"ws over two servers", "ws", []string{"--url", "ws://" + a + "/v1/ws,ws://" + b + "/v1/ws", "--clients", "10"}},
		{"sse", "sse", []string{"--url", "http://" + a + "/v1/sse", "--clients", "4"}},
	}
	for _, run := range runs {
		t.Run(run.name, func(t *testing.T) {
			t.Parallel()
			rep := runBench(t, append(run.args, "--duration", "1s", "--warmup", "200ms", "--ramp", "0")...)
			if rep.Transport != run.transport || rep.Connected != rep.Clients || len(rep.Errors) > 0 {
				t.Errorf("%s: %d of %d connected, errors %v", rep.Transport, rep.Connected, rep.Clients, rep.Errors)
			}
			if rep.Events == 0 || rep.Snapshots != 0 || rep.LatencyMs.Count != rep.Events {
				t.Errorf("events %d, snapshots %d, latencies %d", rep.Events, rep.Snapshots, rep.LatencyMs.Count)
			}
			// 700 bytes of data, the envelope and the framing.
			if rep.BytesPerEvent < 750 || rep.BytesPerEvent > 850 {
				t.Errorf("bytes per event = %.0f", rep.BytesPerEvent)
			}
		})
	}
}

// TestStartupHelperProcess is the server `bench startup` starts in
// TestBenchStartup: it listens on the address in its environment after a
// short delay, answers /readyz and exits on SIGTERM.
func TestStartupHelperProcess(t *testing.T) {
	addr := os.Getenv("VNSTOCK_BENCH_STARTUP_HELPER")
	if addr == "" {
		t.Skip("run by TestBenchStartup")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	time.Sleep(20 * time.Millisecond) // the start-up the measurement sees
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {})}
	go func() { <-ctx.Done(); _ = srv.Close() }()
	_ = srv.Serve(ln)
}

func TestBenchStartup(t *testing.T) {
	t.Parallel()
	addr := freeAddr(t)
	var out bytes.Buffer
	err := bench(context.Background(), []string{"startup", "--json", "--runs", "3", "--url", "http://" + addr + "/readyz", "--",
		"env", "VNSTOCK_BENCH_STARTUP_HELPER=" + addr, os.Args[0], "-test.run=^TestStartupHelperProcess$"}, &out, io.Discard)
	if err != nil {
		t.Fatalf("bench startup: %v", err)
	}
	var rep startupReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("report %q: %v", out.String(), err)
	}
	if rep.Runs != 3 || len(rep.ReadyMs) != 3 || !(20 <= rep.MinMs && rep.MinMs <= rep.MedianMs && rep.MedianMs <= rep.MaxMs && rep.MaxMs < 10000) {
		t.Errorf("report = %+v", rep)
	}
	// The helper is gone: a second measurement finds the address free.
	if ready(context.Background(), http.DefaultClient, "http://"+addr+"/readyz") {
		t.Error("the helper still answers after the measurement")
	}
}
