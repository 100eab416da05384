package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

// The stream subcommand prints envelopes as JSON lines and returns when its
// context ends (SIGTERM / Ctrl-C).
func TestStreamCommand(t *testing.T) {
	addr := startTestServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- stream(ctx, []string{"--url", "http://" + addr, "--topics", "quote:VNM,quote:FPT"},
			func(string) string { return "" }, &out, io.Discard)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(out.String(), "\n") < 5 {
		if time.Now().After(deadline) {
			t.Fatalf("stream printed %q", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("stream: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("stream did not return after its context ended")
	}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if !strings.HasPrefix(line, `{"type":`) {
			t.Fatalf("not an envelope line: %q", line)
		}
	}
}

// A refused key ends the stream at once with the server's answer; the
// right key streams.
func TestStreamCommandAuth(t *testing.T) {
	_, env := fakeEnv(t)
	p := startProc(t, env, "--data-dir", t.TempDir(), "--feeds", "sim")
	key := p.key()
	getenv := func(string) string { return "" }
	start := time.Now()
	err := stream(context.Background(), []string{"--url", "http://" + p.addr, "--api-key", "vk_live_wrong"}, getenv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "401") || time.Since(start) > 5*time.Second {
		t.Fatalf("wrong key: %v after %s", err, time.Since(start))
	}
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- stream(ctx, []string{"--url", "http://" + p.addr, "--topics", "quote:VNM"},
			func(k string) string {
				if k == "VNSTOCK_API_KEY" {
					return key
				}
				return ""
			}, &out, io.Discard)
	}()
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(out.String(), `"topic":"quote:VNM"`); {
		if time.Now().After(deadline) {
			t.Fatalf("no quote with the key from VNSTOCK_API_KEY: %q", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
