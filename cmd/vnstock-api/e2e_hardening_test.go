package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestE2EHardening: a slowloris client is cut off by the header timeout
// while others are served, oversized headers and bodies are refused, and
// cross-origin WebSocket upgrades are refused.
func TestE2EHardening(t *testing.T) {
	_, env := fakeEnv(t)
	p := startProc(t, env, "--data-dir", t.TempDir(), "--feeds", "sim", "--auth", "off")

	slow, err := net.Dial("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	if _, err := io.WriteString(slow, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if code := status(t, p, http.MethodGet, "/healthz", "", ""); code != http.StatusOK {
		t.Fatalf("a normal request while a slowloris client waits: %d", code)
	}
	_ = slow.SetReadDeadline(time.Now().Add(20 * time.Second))
	_, _ = io.ReadAll(slow) // returns when the server closes the connection
	if waited := time.Since(start); waited > 15*time.Second {
		t.Fatalf("the slow client held its connection %s", waited)
	}

	req, _ := http.NewRequest(http.MethodGet, "http://"+p.addr+"/healthz", nil)
	req.Header.Set("X-Big", strings.Repeat("a", 64<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("64 KiB header: %d", resp.StatusCode)
	}

	body := strings.NewReader(strings.Repeat("x", 2<<20))
	resp, err = http.Post("http://"+p.addr+"/v1/graphql", "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("2 MiB body: %d", resp.StatusCode)
	}

	req, _ = http.NewRequest(http.MethodGet, "http://"+p.addr+"/v1/ws", nil)
	for k, v := range map[string]string{"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
		"Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Origin": "https://evil.example"} {
		req.Header.Set(k, v)
	}
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-origin WebSocket upgrade: %d", resp.StatusCode)
	}
}
