package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps the failures instead of reporting them.
type recorder struct {
	testing.TB
	failures []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Fatal(args ...any) {
	r.failures = append(r.failures, fmt.Sprint(args...))
	runtime.Goexit()
}

// run calls f with a recorder on its own goroutine (Fatal ends it) and
// returns the failures.
func run(t *testing.T, f func(tb testing.TB)) []string {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r.failures
}

// module makes a module root in a temporary directory and moves the test
// into its sub-directory feeds/x, as a feed's test runs.
func module(t *testing.T) string {
	root := t.TempDir()
	pkg := filepath.Join(root, "feeds", "x")
	if err := os.MkdirAll(pkg, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module m\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(pkg)
	return root
}

func TestDirFindsModuleRoot(t *testing.T) {
	root := module(t)
	want := filepath.Join(root, "testdata", "src")
	if got := Dir(t, "src"); got != want {
		t.Errorf("Dir = %q, want %q", got, want)
	}
	if got := Path(t, "src", "expected/a.json"); got != filepath.Join(want, "expected", "a.json") {
		t.Errorf("Path = %q", got)
	}
}

func TestCompareRoundTrip(t *testing.T) {
	root := module(t)
	got := []byte(`{"b":1,"a":[1,2]}`)
	if f := run(t, func(tb testing.TB) { Compare(tb, "src", "v.golden.json", got, true) }); f != nil {
		t.Fatalf("update: %v", f)
	}
	written, err := os.ReadFile(filepath.Join(root, "testdata", "src", "v.golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"b\": 1,\n  \"a\": [\n    1,\n    2\n  ]\n}\n"; string(written) != want {
		t.Errorf("written %q, want %q", written, want)
	}
	if f := run(t, func(tb testing.TB) { Compare(tb, "src", "v.golden.json", got, false) }); f != nil {
		t.Errorf("same value: %v", f)
	}
	if f := run(t, func(tb testing.TB) { CompareIndent(tb, "src", "v.golden.json", " ", got, false) }); len(f) != 1 {
		t.Errorf("other indent: failures %v, want one", f)
	}
	if b := Read(t, "src", "v.golden.json"); string(b) != string(written) {
		t.Errorf("Read = %q", b)
	}
}

func TestCompareFailures(t *testing.T) {
	module(t)
	cases := []struct {
		name, file, got, want string
	}{
		{"missing golden", "none.json", `{}`, "-update to create it"},
		{"not JSON", "none.json", `{`, "is not JSON"},
		{"different value", "v.json", `{"a":2}`, "mismatch"},
	}
	if f := run(t, func(tb testing.TB) { CompareBytes(tb, "src", "v.json", []byte("{\n  \"a\": 1\n}\n"), true) }); f != nil {
		t.Fatal(f)
	}
	for _, c := range cases {
		f := run(t, func(tb testing.TB) { Compare(tb, "src", c.file, []byte(c.got), false) })
		if len(f) != 1 || !strings.Contains(f[0], c.want) {
			t.Errorf("%s: failures %q, want one containing %q", c.name, f, c.want)
		}
	}
	if f := run(t, func(tb testing.TB) { Read(tb, "src", "none.json") }); len(f) != 1 {
		t.Errorf("Read of a missing file: failures %q", f)
	}
}
