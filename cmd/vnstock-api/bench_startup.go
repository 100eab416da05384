package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// `vnstock-api bench startup --url http://ADDR/readyz -- CMD ARGS…` starts
// CMD --runs times and measures each time from the process's start to the
// first 200 from the URL, polling every millisecond, then stops it with
// SIGTERM (SIGKILL after --timeout) before the next run.

// startupReport is the result of a startup measurement.
type startupReport struct {
	URL      string    `json:"url"`
	Runs     int       `json:"runs"`
	ReadyMs  []float64 `json:"ready_ms"`
	MinMs    float64   `json:"min_ms"`
	MedianMs float64   `json:"median_ms"`
	MaxMs    float64   `json:"max_ms"`
}

type startupConfig struct {
	url     string
	runs    int
	timeout time.Duration
	json    bool
	argv    []string
}

func parseStartupConfig(args []string, stderr io.Writer) (startupConfig, error) {
	fs := flag.NewFlagSet("bench startup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c startupConfig
	fs.StringVar(&c.url, "url", "http://127.0.0.1:8080/readyz", "the readiness URL the command's server answers")
	fs.IntVar(&c.runs, "runs", 5, "how many times to start the command")
	fs.DurationVar(&c.timeout, "timeout", 10*time.Second, "most to wait for readiness, and then for the exit")
	fs.BoolVar(&c.json, "json", false, "print the report as one JSON object")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	c.argv = fs.Args()
	switch {
	case len(c.argv) == 0:
		return c, errors.New("bench startup: give the server command after --")
	case c.runs < 1 || c.runs > 1000:
		return c, errors.New("bench startup: runs must be in [1, 1000]")
	case c.timeout <= 0:
		return c, errors.New("bench startup: timeout must be positive")
	case !strings.HasPrefix(c.url, "http://") && !strings.HasPrefix(c.url, "https://"):
		return c, fmt.Errorf("bench startup: url %q is not http(s)", c.url)
	}
	return c, nil
}

// benchStartup runs the startup measurement.
func benchStartup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseStartupConfig(args, stderr)
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	rep := startupReport{URL: cfg.url, Runs: cfg.runs}
	for i := range cfg.runs {
		d, err := startupOnce(ctx, cfg, client)
		if err != nil {
			return fmt.Errorf("bench startup: run %d: %w", i+1, err)
		}
		rep.ReadyMs = append(rep.ReadyMs, float64(d.Microseconds())/1000)
	}
	sorted := slices.Sorted(slices.Values(rep.ReadyMs))
	rep.MinMs, rep.MaxMs = sorted[0], sorted[len(sorted)-1]
	rep.MedianMs = sorted[len(sorted)/2]
	if len(sorted)%2 == 0 {
		rep.MedianMs = (sorted[len(sorted)/2-1] + sorted[len(sorted)/2]) / 2
	}
	if cfg.json {
		return json.NewEncoder(stdout).Encode(rep)
	}
	_, err = fmt.Fprintf(stdout, "start → ready  %d runs: min %.1f ms, median %.1f ms, max %.1f ms (%s)\n",
		rep.Runs, rep.MinMs, rep.MedianMs, rep.MaxMs, rep.URL)
	return err
}

// startupOnce starts the command once and returns the time until the URL
// answered 200. The command is stopped before it returns.
func startupOnce(ctx context.Context, cfg startupConfig, client *http.Client) (time.Duration, error) {
	if ready(ctx, client, cfg.url) {
		return 0, fmt.Errorf("%s answers before the command started: another server holds the address", cfg.url)
	}
	var out tailBuffer
	cmd := exec.Command(cfg.argv[0], cfg.argv[1:]...)
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	d, err := waitReady(ctx, cfg, client, start, exited)
	if stopErr := stopProcess(cmd, exited, cfg.timeout, err != nil); stopErr != nil && err == nil {
		err = stopErr
	}
	if err != nil {
		return 0, fmt.Errorf("%w; output: %s", err, bytes.TrimSpace(out.Bytes()))
	}
	return d, nil
}

// waitReady polls the URL until it answers 200, the process exits, the
// timeout passes or ctx ends.
func waitReady(ctx context.Context, cfg startupConfig, client *http.Client, start time.Time, exited <-chan error) (time.Duration, error) {
	for {
		if ready(ctx, client, cfg.url) {
			return time.Since(start), nil
		}
		select {
		case err := <-exited:
			return 0, fmt.Errorf("the command exited before it was ready: %v", err)
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(time.Millisecond):
		}
		if time.Since(start) > cfg.timeout {
			return 0, fmt.Errorf("not ready after %s", cfg.timeout)
		}
	}
}

// stopProcess sends SIGTERM (SIGKILL when kill is set or the process
// outlives timeout) and waits for the exit.
func stopProcess(cmd *exec.Cmd, exited <-chan error, timeout time.Duration, kill bool) error {
	sig := syscall.SIGTERM
	if kill {
		sig = syscall.SIGKILL
	}
	_ = cmd.Process.Signal(sig)
	select {
	case <-exited:
		return nil
	case <-time.After(timeout):
		_ = cmd.Process.Kill()
		<-exited
		return fmt.Errorf("the command did not exit within %s of SIGTERM", timeout)
	}
}

func ready(ctx context.Context, client *http.Client, url string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// tailBuffer keeps the last 4 KiB written to it; the command's output
// goes there so that a failure can show it.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - 4096; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) Bytes() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.buf)
}
