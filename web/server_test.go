package web_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/api"
	"github.com/vnstock-api/vnstock-api/api/live"
	"github.com/vnstock-api/vnstock-api/api/sse"
	"github.com/vnstock-api/vnstock-api/api/ws"
	"github.com/vnstock-api/vnstock-api/feeds"
	"github.com/vnstock-api/vnstock-api/hub"
	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/web"
)

// buildDir holds the server binary the browser tests start; TestMain
// removes it.
var buildDir = sync.OnceValues(func() (string, error) { return os.MkdirTemp("", "vnstock-web-e2e-") })

// serverBinary builds cmd/vnstock-api once per test run.
var serverBinary = sync.OnceValues(func() (string, error) {
	dir, err := buildDir()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "vnstock-api")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/vnstock-api/vnstock-api/cmd/vnstock-api").CombinedOutput()
	if err != nil {
		return "", errors.New("go build ./cmd/vnstock-api: " + err.Error() + "\n" + string(out))
	}
	return bin, nil
})

func TestMain(m *testing.M) {
	code := m.Run()
	if dir, err := buildDir(); err == nil {
		_ = os.RemoveAll(dir)
	}
	os.Exit(code)
}

// proc is a running vnstock-api binary.
type proc struct {
	cmd  *exec.Cmd
	addr string
	done chan struct{}

	mu  sync.Mutex
	log strings.Builder
}

var listeningRE = regexp.MustCompile(`msg=listening addr=(\S+)`)

// binaryEnv is the environment of the binary: its store in dataDir, text
// logs (startBinary reads the listening line).
func binaryEnv(dataDir string) []string {
	return append(os.Environ(), "VNSTOCK_DATA_DIR="+dataDir, "VNSTOCK_LOG_FORMAT=text", "DATABASE_URL=", "REDIS_URL=")
}

// createKey makes an API key in the store of dataDir with
// `vnstock-api keys create` and returns it.
func createKey(t testing.TB, dataDir string) string {
	t.Helper()
	bin, err := serverBinary()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "keys", "create", "--name", "dashboard-e2e", "--scopes", "read,stream")
	cmd.Env = binaryEnv(dataDir)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("keys create: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 2 || strings.TrimSpace(lines[1]) == "" {
		t.Fatalf("keys create printed no key:\n%s", out)
	}
	return strings.TrimSpace(lines[1])
}

// startBinary starts `vnstock-api serve --feeds sim` on addr
// ("127.0.0.1:0" for any port) with its store in dataDir and waits until
// it listens.
func startBinary(t testing.TB, addr, dataDir string, extra ...string) *proc {
	t.Helper()
	bin, err := serverBinary()
	if err != nil {
		t.Fatal(err)
	}
	args := append([]string{"serve", "--log-format", "text", "--addr", addr, "--feeds", "sim", "--shutdown-timeout", "2s"}, extra...)
	p := &proc{cmd: exec.Command(bin, args...), done: make(chan struct{})}
	p.cmd.Env = binaryEnv(dataDir)
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	found := make(chan string, 1)
	go func() {
		defer close(p.done)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.log.WriteString(line + "\n")
			p.mu.Unlock()
			if m := listeningRE.FindStringSubmatch(line); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
		_ = p.cmd.Wait()
	}()
	t.Cleanup(p.kill)
	select {
	case p.addr = <-found:
	case <-p.done:
		t.Fatalf("server exited before listening:\n%s", p.output())
	case <-time.After(20 * time.Second):
		t.Fatalf("server did not listen within 20s:\n%s", p.output())
	}
	return p
}

// kill ends the process at once (SIGKILL: no graceful close frames).
func (p *proc) kill() {
	if p.cmd.Process != nil {
		_ = p.cmd.Process.Kill()
	}
	<-p.done
}

func (p *proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// inproc is the server's wiring built in the test process (the same hub,
// WebSocket, SSE, router and dashboard as `serve`), for what the binary
// cannot do: a custom symbol directory, recording published events, and
// restarting the HTTP side while the hub and its history live on.
type inproc struct {
	t    testing.TB
	hub  *hub.Hub
	addr string
	dir  *market.Directory

	srv *http.Server
	ws  *ws.Handler
	sse *sse.Handler

	mu        sync.Mutex
	published map[string][]uint64 // topic -> seqs, for the recorded topics
	record    func(topic string) bool
}

// inprocConfig configures startInproc.
type inprocConfig struct {
	Dir    *market.Directory // nil: market.DefaultDirectory()
	Rate   float64           // sim VN30 updates per second
	Record func(topic string) bool
}

func startInproc(t testing.TB, cfg inprocConfig) *inproc {
	t.Helper()
	if cfg.Dir == nil {
		cfg.Dir = market.DefaultDirectory()
	}
	topics := live.Topics{Dir: cfg.Dir}
	h, err := hub.New(hub.Config{Classify: topics.Classify, Expand: topics.Expand, Logger: slog.New(slog.DiscardHandler)},
		hub.NewMemoryBroker(hub.MemoryConfig{}))
	if err != nil {
		t.Fatal(err)
	}
	s := &inproc{t: t, hub: h, dir: cfg.Dir, published: map[string][]uint64{}, record: cfg.Record}
	sim, err := feeds.NewSim(feeds.SimConfig{Seed: 1, Rate: cfg.Rate, Directory: cfg.Dir})
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	feedDone := make(chan struct{})
	go func() {
		defer close(feedDone)
		_ = sim.Run(ctx, s)
	}()
	s.addr = "127.0.0.1:0"
	s.startHTTP()
	t.Cleanup(func() {
		s.stopHTTP()
		stop()
		<-feedDone
		_ = h.Close(context.Background())
	})
	return s
}

// Publish implements feeds.Publisher, recording the seqs of chosen topics.
func (s *inproc) Publish(ctx context.Context, topic string, payload []byte, ts int64) error {
	seq, err := s.hub.Publish(ctx, topic, payload, ts)
	if err == nil && s.record != nil && s.record(topic) {
		s.mu.Lock()
		s.published[topic] = append(s.published[topic], seq)
		s.mu.Unlock()
	}
	return err
}

func (s *inproc) seqs(topic string) []uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]uint64(nil), s.published[topic]...)
}

// startHTTP serves on s.addr (the same port again after stopHTTP).
func (s *inproc) startHTTP() {
	s.t.Helper()
	stream := live.Config{Heartbeat: 15 * time.Second, FlushInterval: 10 * time.Millisecond}
	s.ws = ws.New(ws.Config{Stream: stream}, s.hub)
	s.sse = sse.New(sse.Config{Stream: stream}, s.hub)
	s.srv = &http.Server{
		Handler: api.NewRouter(api.Deps{
			WS: s.ws, SSE: s.sse, Web: web.Handler(), Snapshot: s.hub,
			Ready: func(context.Context) error { return nil }, Logger: slog.New(slog.DiscardHandler),
		}),
		ReadHeaderTimeout: 5 * time.Second,
		ErrorLog:          slog.NewLogLogger(slog.DiscardHandler, slog.LevelError),
	}
	var ln net.Listener
	var err error
	for i := 0; i < 100; i++ { // the old socket may linger for a moment
		if ln, err = net.Listen("tcp", s.addr); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		s.t.Fatalf("listen %s: %v", s.addr, err)
	}
	s.addr = ln.Addr().String()
	go func() { _ = s.srv.Serve(ln) }()
}

// stopHTTP closes every connection (WebSocket clients get 1001) and the
// listener; the hub and the feed keep running.
func (s *inproc) stopHTTP() {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_ = s.sse.Shutdown(context.Background())
	_ = s.ws.Shutdown(ctx)
	_ = s.srv.Shutdown(ctx)
}

// getStatus returns the HTTP status and Content-Type of GET url, sent
// with key in X-API-Key when key is not empty.
func getStatus(t testing.TB, url, key string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("X-API-Key", key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode, res.Header.Get("Content-Type")
}
