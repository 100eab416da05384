package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
)

func TestKeysCLI(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := func(k string) string {
		if k == "VNSTOCK_DATA_DIR" {
			return dir
		}
		return ""
	}
	runOut := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if err := run(context.Background(), args, env, &out, &errb); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, errb.String())
		}
		return out.String()
	}
	created := runOut("keys", "create", "--name", "ci", "--scopes", "read,stream")
	key := regexp.MustCompile(`vk_live_[A-Za-z0-9_-]{43}`).FindString(created)
	id := regexp.MustCompile(`key_[0-9a-f]{16}`).FindString(created)
	if key == "" || id == "" {
		t.Fatalf("create printed no key/id: %s", created)
	}
	list := runOut("keys", "list")
	if strings.Contains(list, key) || !strings.Contains(list, id) || !strings.Contains(list, "active") {
		t.Fatalf("list:\n%s", list)
	}
	rotated := runOut("keys", "rotate", id, "--grace", "1h")
	if !strings.Contains(rotated, "rotated "+id) {
		t.Fatalf("rotate: %s", rotated)
	}
	runOut("keys", "revoke", id)
	if list := runOut("keys", "list"); !strings.Contains(list, "revoked") {
		t.Fatalf("list after revoke:\n%s", list)
	}
	if out := runOut("migrate"); !strings.Contains(out, "schema version") {
		t.Fatalf("migrate: %s", out)
	}
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"keys", "create", "--scopes", "root"}, env, &out, &errb); err == nil {
		t.Fatal("a bad scope was accepted")
	}
}
