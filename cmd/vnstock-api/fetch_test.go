package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/vnstock-api/vnstock-api/feeds/fakeupstream"
)

// fakeGetenv is an environment pointing every source at a fake upstream
// and the store at a temporary directory.
func fakeGetenv(t *testing.T) (*fakeupstream.Server, func(string) string) {
	t.Helper()
	fake, env := fakeEnv(t)
	m := map[string]string{"VNSTOCK_DATA_DIR": t.TempDir(), "VNSTOCK_BTMC_KEY": "test-key"}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return fake, func(k string) string { return m[k] }
}

func TestFetch(t *testing.T) {
	t.Parallel()
	_, getenv := fakeGetenv(t)
	tests := []struct {
		args []string
		want string // in the output
	}{
		{[]string{"ohlcv", "symbol=VNM", "start=2026-03-02", "end=2026-03-13", "interval=1D"}, `"source":"kbs"`},
		{[]string{"company", "symbol=FPT"}, `"symbol":"FPT"`},
		{[]string{"income_statement", "symbol=FPT", "period=year"}, `"item"`},
		{[]string{"gold", "source=sjc", "format=csv"}, "name,branch,buy_price,sell_price"},
		{[]string{"/v1/reference/groups/VN30"}, `"data"`},
	}
	for _, tt := range tests {
		t.Run(tt.args[0], func(t *testing.T) {
			var out, errb bytes.Buffer
			if err := run(context.Background(), append([]string{"fetch"}, tt.args...), getenv, &out, &errb); err != nil {
				t.Fatalf("fetch %v: %v\n%s\n%s", tt.args, err, out.String(), errb.String())
			}
			if !strings.Contains(out.String(), tt.want) {
				t.Fatalf("fetch %v printed %.300s, want %s", tt.args, out.String(), tt.want)
			}
			if !strings.Contains(tt.want, ",") && !json.Valid(out.Bytes()) {
				t.Fatalf("fetch %v: not JSON", tt.args)
			}
		})
	}
}

func TestFetchBadInput(t *testing.T) {
	t.Parallel()
	_, getenv := fakeGetenv(t)
	for _, args := range [][]string{
		{}, {"nonsense"}, {"ohlcv"}, {"ohlcv", "symbol"}, {"ohlcv", "symbol=VNM", "interval=2D"}, {"gold", "format=xml"},
	} {
		var out, errb bytes.Buffer
		if err := run(context.Background(), append([]string{"fetch"}, args...), getenv, &out, &errb); err == nil {
			t.Errorf("fetch %v succeeded: %s", args, out.String())
		}
	}
}

func TestDoctor(t *testing.T) {
	t.Parallel()
	fake, getenv := fakeGetenv(t)
	// VCI's client keeps to 0.4 requests/s, so a full check of it takes
	// half a minute; feeds/vci tests its parsers against the same fake.
	const sources = "kbs,msn,fmarket,sjc,btmc,vcb"
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"doctor", "--sources", sources}, getenv, &out, &errb); err != nil {
		t.Fatalf("doctor against the fake: %v\n%s", err, out.String())
	}
	for _, src := range strings.Split(sources, ",") {
		if !strings.Contains(out.String(), "\n"+src+" ") {
			t.Errorf("doctor did not check %s:\n%s", src, out.String())
		}
	}
	// Malformed bodies from one source: the doctor says so and fails.
	fake.SetConfig(fakeupstream.Config{Malformed: true, Only: []string{"sjc"}})
	out.Reset()
	err := run(context.Background(), []string{"doctor", "--sources", "sjc"}, getenv, &out, &errb)
	if err == nil || !strings.Contains(out.String(), "SCHEMA DRIFT") {
		t.Fatalf("doctor with a malformed source: err %v\n%s", err, out.String())
	}
}
