// Package golden is the feeds' test helper for the repository's
// testdata/<source>/ files: it reads recorded payloads and compares parser
// output with golden files, rewriting them when a test runs with -update.
//
// Each test package keeps its own flag and passes its value:
//
//	var update = flag.Bool("update", false, "rewrite golden files")
//	...
//	golden.Compare(t, "gold", "btmc.golden.json", golden.Marshal(t, f), *update)
package golden

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Indent is the indentation unit Compare writes golden files with.
const Indent = "  "

// Dir returns the testdata/<source> directory at the root of the module
// that holds the test's working directory (the package directory).
func Dir(t testing.TB, source string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("golden: %v", err)
	}
	for {
		_, err := os.Stat(filepath.Join(dir, "go.mod"))
		if err == nil {
			return filepath.Join(dir, "testdata", source)
		}
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("golden: %v", err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("golden: no go.mod above the test's directory")
		}
		dir = parent
	}
}

// Path returns the path of testdata/<source>/<name>; name may hold slashes.
func Path(t testing.TB, source, name string) string {
	t.Helper()
	return filepath.Join(Dir(t, source), filepath.FromSlash(name))
}

// Read returns the content of testdata/<source>/<name> or fails the test.
func Read(t testing.TB, source, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(Path(t, source, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Marshal returns v's JSON encoding or fails the test.
func Marshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Compare compares got, a JSON document, with the golden file
// testdata/<source>/<name>, after indenting it by Indent (key order kept)
// and ending it with a newline. With update it writes that form to the
// file instead.
func Compare(t testing.TB, source, name string, got []byte, update bool) {
	t.Helper()
	CompareIndent(t, source, name, Indent, got, update)
}

// CompareIndent is Compare with indent as the indentation unit, for golden
// files written with another one.
func CompareIndent(t testing.TB, source, name, indent string, got []byte, update bool) {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, got, "", indent); err != nil {
		t.Fatalf("golden %s: the value is not JSON: %v", name, err)
	}
	buf.WriteByte('\n')
	CompareBytes(t, source, name, buf.Bytes(), update)
}

// CompareBytes compares got, byte for byte, with the golden file
// testdata/<source>/<name>, or writes got to it under update.
func CompareBytes(t testing.TB, source, name string, got []byte, update bool) {
	t.Helper()
	path := Path(t, source, name)
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run '%s' -update to create it)", err, t.Name())
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, d)
	}
}
