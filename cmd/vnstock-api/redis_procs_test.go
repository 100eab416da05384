package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/redis/go-redis/v9"
)

// This file holds the helpers of the multi-process scale-out tests: the
// real binary, several `serve` processes, real Redis (the shared one of
// VNSTOCK_TEST_REDIS_URL or the test's own redis-server), WebSocket clients.

// requireRedisURL returns VNSTOCK_TEST_REDIS_URL (default db 15 on
// localhost) when it answers; otherwise it skips, or fails under
// VNSTOCK_INTEGRATION=1.
func requireRedisURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("VNSTOCK_TEST_REDIS_URL")
	if u == "" {
		u = "redis://127.0.0.1:6379/15"
	}
	opt, err := redis.ParseURL(u)
	if err != nil {
		t.Fatalf("VNSTOCK_TEST_REDIS_URL: %v", err)
	}
	c := redis.NewClient(opt)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		if os.Getenv("VNSTOCK_INTEGRATION") == "1" {
			t.Fatalf("redis at %s: %v", u, err)
		}
		t.Skipf("redis at %s unreachable: %v", u, err)
	}
	return u
}

func randomPrefix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "vnstocktest:procs:" + hex.EncodeToString(b[:]) + ":"
}

// serveProc is one running `vnstock-api serve` of the scale-out tests.
type serveProc struct{ *proc }

// startServe starts a server on a free loopback port with the sim feed and
// Redis at redisURL, and waits until it listens.
func startServe(t *testing.T, name, redisURL, prefix string, extra ...string) *serveProc {
	t.Helper()
	args := append([]string{"--auth", "off", "--data-dir", t.TempDir(),
		"--redis-url", redisURL, "--redis-prefix", prefix, "--feeds", "sim", "--sim-rate", "200", "--log-level", "info",
		"--shutdown-timeout", "3s", "--heartbeat", "1s"}, extra...)
	return &serveProc{launchServe(t, name, nil, args...)}
}

func (p *serveProc) logText() string { return p.logs() }

// count returns how many log lines contain s.
func (p *serveProc) count(s string) int { return strings.Count(p.logText(), s) }

// stop ends the process with SIGTERM and returns its exit error.
func (p *serveProc) stop(t *testing.T) error {
	t.Helper()
	return p.proc.stop()
}

// readyz returns the status field of /readyz.
func (p *serveProc) readyz() string {
	resp, err := http.Get("http://" + p.addr + "/readyz")
	if err != nil {
		return "unreachable"
	}
	defer resp.Body.Close()
	var body struct{ Status string }
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return body.Status
}

// wireMsg is any message of the live protocol.
type wireMsg struct {
	Type     string          `json:"type"`
	Topic    string          `json:"topic"`
	Seq      uint64          `json:"seq"`
	Epoch    string          `json:"epoch"`
	Complete bool            `json:"complete"`
	From     uint64          `json:"from"`
	To       uint64          `json:"to"`
	Data     json.RawMessage `json:"data"`
}

// wsClient is a WebSocket client that records every message.
type wsClient struct {
	c       *websocket.Conn
	welcome wireMsg
	mu      sync.Mutex
	msgs    []wireMsg
	more    chan struct{}
	done    chan struct{}
}

func dialWS(t *testing.T, addr string) *wsClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws://"+addr+"/v1/ws", nil)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	c.SetReadLimit(8 << 20)
	w := &wsClient{c: c, more: make(chan struct{}, 1), done: make(chan struct{})}
	go w.read()
	t.Cleanup(func() { _ = c.CloseNow(); <-w.done })
	w.welcome = w.wait(t, "welcome", func(ms []wireMsg) bool { return len(ms) > 0 })[0]
	return w
}

func (w *wsClient) read() {
	defer close(w.done)
	for {
		_, data, err := w.c.Read(context.Background())
		if err != nil {
			return
		}
		w.mu.Lock()
		for line := range bytes.SplitSeq(data, []byte("\n")) {
			var m wireMsg
			if json.Unmarshal(line, &m) == nil {
				w.msgs = append(w.msgs, m)
			}
		}
		w.mu.Unlock()
		select {
		case w.more <- struct{}{}:
		default:
		}
	}
}

func (w *wsClient) send(t *testing.T, msg string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := w.c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
		t.Fatalf("send %s: %v", msg, err)
	}
}

// all returns every message so far.
func (w *wsClient) all() []wireMsg {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]wireMsg(nil), w.msgs...)
}

// wait waits up to 20 s until ok holds for the messages so far.
func (w *wsClient) wait(t *testing.T, what string, ok func([]wireMsg) bool) []wireMsg {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		if ms := w.all(); ok(ms) {
			return ms
		}
		select {
		case <-w.more:
		case <-w.done:
			if ms := w.all(); ok(ms) {
				return ms
			}
			t.Fatalf("connection closed waiting for %s", what)
		case <-deadline:
			t.Fatalf("timed out waiting for %s (%d messages)", what, len(w.all()))
		}
	}
}

// events returns the seqs of the event messages, checking they increase.
func events(t *testing.T, ms []wireMsg) []uint64 {
	t.Helper()
	var out []uint64
	for _, m := range ms {
		if m.Type != "event" {
			continue
		}
		if len(out) > 0 && m.Seq <= out[len(out)-1] {
			t.Fatalf("event seq %d after %d", m.Seq, out[len(out)-1])
		}
		out = append(out, m.Seq)
	}
	return out
}

func lastSeq(seqs []uint64) uint64 {
	if len(seqs) == 0 {
		return 0
	}
	return seqs[len(seqs)-1]
}

// between returns the seqs in (lo, hi].
func between(seqs []uint64, lo, hi uint64) []uint64 {
	var out []uint64
	for _, s := range seqs {
		if s > lo && s <= hi {
			out = append(out, s)
		}
	}
	return out
}

// redisServer is the test's own redis-server on a spare port.
type redisServer struct {
	path, port string
	cmd        *exec.Cmd
}

func startRedisServer(t *testing.T) *redisServer {
	t.Helper()
	path, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("VNSTOCK_INTEGRATION") == "1" {
			t.Fatal("redis-server not installed")
		}
		t.Skip("redis-server not installed")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &redisServer{path: path, port: strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)}
	_ = ln.Close()
	s.start(t)
	t.Cleanup(s.stop)
	return s
}

func (s *redisServer) url() string { return "redis://127.0.0.1:" + s.port + "/0" }

func (s *redisServer) start(t *testing.T) {
	t.Helper()
	s.cmd = exec.Command(s.path, "--port", s.port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + s.port})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for c.Ping(context.Background()).Err() != nil {
		if time.Now().After(deadline) {
			t.Fatal("redis-server did not answer")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *redisServer) stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

// statusStates returns the states a status payload gives source.
func statusStates(data []byte, source string) []string {
	var st struct {
		Sources []struct{ Source, State string }
	}
	if json.Unmarshal(data, &st) != nil {
		return nil
	}
	var out []string
	for _, s := range st.Sources {
		if s.Source == source {
			out = append(out, s.State)
		}
	}
	return out
}

// deleteKeys removes the keys a test left under prefix in the Redis at url.
func deleteKeys(t *testing.T, url, prefix string) {
	t.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		return
	}
	c := redis.NewClient(opt)
	defer c.Close()
	ctx := context.Background()
	iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		c.Del(ctx, iter.Val())
	}
}
