package e2etest

import (
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// GoBuild builds the main package pkg (a directory or import path of this
// module) into the file out, statically linked, and returns out.
func GoBuild(t testing.TB, out, pkg string, flags ...string) string {
	t.Helper()
	cmd := exec.Command("go", append(append([]string{"build", "-trimpath", "-o", out}, flags...), pkg)...)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
	return out
}

// GoInstall builds a tool from another module (path@version) with that
// module's own go.mod into dir, and returns the binary's path. It needs the
// module in the module cache or a reachable proxy.
func GoInstall(dir, pathAtVersion string) (string, error) {
	cmd := exec.Command("go", "install", pathAtVersion)
	cmd.Env = append(os.Environ(), "GOBIN="+dir, "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go install %s: %v\n%s", pathAtVersion, err, b)
	}
	pkg, _, _ := strings.Cut(pathAtVersion, "@")
	return filepath.Join(dir, path.Base(pkg)), nil
}
