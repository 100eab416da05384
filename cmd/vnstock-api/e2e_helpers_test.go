package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/cmd/internal/e2etest"
	"github.com/vnstock-api/vnstock-api/cmd/internal/queryhalf"
	"github.com/vnstock-api/vnstock-api/feeds/fakeupstream"
)

// e2eBinary builds this command once per test run.
var e2eBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "vnstock-e2e-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "vnstock-api")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// proc is one running vnstock-api process.
type proc struct {
	t      *testing.T
	name   string
	cmd    *exec.Cmd
	addr   string
	mu     sync.Mutex
	stdout strings.Builder
	stderr strings.Builder
	exited chan struct{} // closed when the process has exited; err is then set
	err    error
}

// startProc runs `serve` with args and env and waits for its listening line.
func startProc(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	return launchServe(t, "server", env, args...)
}

// launchServe runs `serve --log-format text --addr 127.0.0.1:0 args...` named
// name (in failure messages) with env on top of PATH and HOME only, so no
// VNSTOCK_*, DATABASE_URL or REDIS_URL of the caller leaks in, and waits for
// its listening line. The process is killed when the test ends, its log
// shown when the test failed.
func launchServe(t *testing.T, name string, env []string, args ...string) *proc {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test builds and runs the binary")
	}
	bin, err := e2eBinary()
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{t: t, name: name, exited: make(chan struct{}),
		cmd: exec.Command(bin, append([]string{"serve", "--log-format", "text", "--addr", "127.0.0.1:0"}, args...)...)}
	p.cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	outPipe, _ := p.cmd.StdoutPipe()
	errPipe, _ := p.cmd.StderrPipe()
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addrCh := make(chan string, 1)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		buf := make([]byte, 4096)
		for {
			n, err := outPipe.Read(buf)
			p.mu.Lock()
			p.stdout.Write(buf[:n])
			p.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	go func() {
		defer wg.Done()
		re := regexp.MustCompile(`msg=listening addr=(\S+)`)
		sc := bufio.NewScanner(errPipe)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.stderr.WriteString(line + "\n")
			p.mu.Unlock()
			if m := re.FindStringSubmatch(line); m != nil {
				select {
				case addrCh <- m[1]:
				default:
				}
			}
		}
	}()
	go func() { wg.Wait(); p.err = p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			t.Logf("log of %s:\n%s", p.name, p.logs())
		}
	})
	select {
	case p.addr = <-addrCh:
	case <-p.exited:
		t.Fatalf("%s exited before listening: %v\n%s", name, p.err, p.logs())
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not listen within 30s\n%s", name, p.logs())
	}
	return p
}

func (p *proc) logs() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

func (p *proc) out() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stdout.String()
}

// stop sends SIGTERM and returns the exit error.
func (p *proc) stop() error {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
		return p.err
	case <-time.After(15 * time.Second):
		p.kill()
		return fmt.Errorf("%s did not stop within 15 s of SIGTERM", p.name)
	}
}

// kill ends the process at once (SIGKILL) and waits for its exit.
func (p *proc) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// key returns the bootstrap admin key the first start printed.
func (p *proc) key() string {
	deadline := time.Now().Add(5 * time.Second)
	re := regexp.MustCompile(`vk_live_[A-Za-z0-9_-]{43}`)
	for time.Now().Before(deadline) {
		if k := re.FindString(p.out()); k != "" {
			return k
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.t.Fatalf("no bootstrap key on stdout: %q", p.out())
	return ""
}

// get performs a GET with key (may be empty) and decodes the JSON body.
func (p *proc) get(path, key string) (int, map[string]any) {
	p.t.Helper()
	return p.do(http.MethodGet, path, key, "")
}

func (p *proc) do(method, path, key, body string) (int, map[string]any) {
	p.t.Helper()
	req, _ := http.NewRequest(method, "http://"+p.addr+path, strings.NewReader(body))
	if key != "" {
		req.Header.Set("X-API-Key", key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		p.t.Fatalf("%s %s: %d, not JSON: %.300s", method, path, resp.StatusCode, raw)
	}
	return resp.StatusCode, out
}

// fakeEnv starts a fake upstream and returns it with the env pointing every
// source at it.
func fakeEnv(t *testing.T) (*fakeupstream.Server, []string) {
	t.Helper()
	fake := fakeupstream.New(fakeupstream.Config{})
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	env := []string{}
	for _, v := range queryhalf.URLVars() {
		if v.Name != "ssi" {
			env = append(env, v.Env+"="+srv.URL+"/"+v.Name)
		}
	}
	return fake, env
}

// testPostgresURL returns a URL on a fresh schema of the test database,
// skipping when it is unreachable (failing under VNSTOCK_INTEGRATION=1).
func testPostgresURL(t *testing.T) string {
	t.Helper()
	return e2etest.PostgresURL(t)
}
