package main

import (
	"os"
	"testing"
	"time"
)

func TestParseStatCPU(t *testing.T) {
	t.Parallel()
	tail := " S 1 2 3 4 5 6 7 8 9 10 250 75 0 0 20 0 9 0 100 2000 300"
	tests := []struct {
		name string
		stat string
		want time.Duration
		ok   bool
	}{
		{"plain", "4242 (vnstock-api)" + tail, 3250 * time.Millisecond, true},
		{"name with spaces and parens", "4242 (a (b) c)" + tail, 3250 * time.Millisecond, true},
		{"no name", "4242 vnstock-api" + tail, 0, false},
		{"short", "4242 (x) S 1 2 3", 0, false},
		{"negative", "4242 (x) S 1 2 3 4 5 6 7 8 9 10 -1 75 0", 0, false},
		{"not a number", "4242 (x) S 1 2 3 4 5 6 7 8 9 10 2x 75 0", 0, false},
		{"overflowing", "4242 (x) S 1 2 3 4 5 6 7 8 9 10 9223372036854775807 75 0", 0, false},
	}
	for _, tt := range tests {
		got, err := parseStatCPU([]byte(tt.stat))
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("%s: parseStatCPU = %v, %v; want %v, ok %v", tt.name, got, err, tt.want, tt.ok)
		}
	}
}

// The tool's own process reads as a server would: a real /proc line parses.
func TestSampleCPUSelf(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc here")
	}
	deadline := time.Now().Add(50 * time.Millisecond)
	for time.Now().Before(deadline) { // use some CPU
	}
	s, err := sampleCPU(os.Getpid())
	if err != nil || s.server <= 0 || s.self <= 0 {
		t.Fatalf("sampleCPU = %+v, %v; want both times above zero", s, err)
	}
	if u := cpuBetween(cpuSample{}, cpuSample{server: time.Second, self: 500 * time.Millisecond}, 2*time.Second); u.server != 0.5 || u.self != 0.25 {
		t.Fatalf("cpuBetween = %+v", u)
	}
}

func FuzzParseStatCPU(f *testing.F) {
	f.Add([]byte("1 (x) S 1 2 3 4 5 6 7 8 9 10 250 75 0"))
	f.Add([]byte("1 (a) b)) S"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if d, err := parseStatCPU(b); err == nil && d < 0 {
			t.Fatalf("negative CPU time %v", d)
		}
	})
}
