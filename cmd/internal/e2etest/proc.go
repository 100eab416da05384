package e2etest

import (
	"bytes"
	"os/exec"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Proc is a child process (in its own process group) whose stdout and
// stderr are kept, so that a test can wait for a line and show the output
// when it fails.
type Proc struct {
	cmd     *exec.Cmd
	mu      sync.Mutex
	out     bytes.Buffer
	changed chan struct{} // signalled after each write
}

// Start runs name with args and env (the whole environment of the child).
// Cleanup kills its process group, so that what it started goes too.
func Start(t testing.TB, env []string, name string, args ...string) *Proc {
	t.Helper()
	p := &Proc{cmd: exec.Command(name, args...), changed: make(chan struct{}, 1)}
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = p, p
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	pid := p.cmd.Process.Pid
	t.Cleanup(func() {
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		_ = p.cmd.Wait()
	})
	return p
}

// Write implements io.Writer for the child's output.
func (p *Proc) Write(b []byte) (int, error) {
	p.mu.Lock()
	p.out.Write(b)
	p.mu.Unlock()
	select {
	case p.changed <- struct{}{}:
	default:
	}
	return len(b), nil
}

// Output is everything the process has written so far.
func (p *Proc) Output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// WaitFor waits up to d for re to match the output and returns the
// match's submatches; it fails t when d passes first.
func (p *Proc) WaitFor(t testing.TB, re *regexp.Regexp, d time.Duration) []string {
	t.Helper()
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		if m := re.FindStringSubmatch(p.Output()); m != nil {
			return m
		}
		select {
		case <-p.changed:
		case <-deadline.C:
			t.Fatalf("%s: no output matching %q within %s; output:\n%s", p.cmd.Path, re, d, p.Output())
			return nil
		}
	}
}
