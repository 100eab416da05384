package upstream

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestBaseURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ u, def, want string }{
		{"", "https://a.example/", "https://a.example"},
		{"http://127.0.0.1:8080/vci//", "https://a.example", "http://127.0.0.1:8080/vci"},
		{"http://x", "", "http://x"},
	}
	for _, tt := range tests {
		if got := BaseURL(tt.u, tt.def); got != tt.want {
			t.Errorf("BaseURL(%q, %q) = %q, want %q", tt.u, tt.def, got, tt.want)
		}
	}
}

func TestDoerOr(t *testing.T) {
	t.Parallel()
	var given Doer = doerFunc(func(context.Context, Request) ([]byte, error) { return nil, nil })
	if got := DoerOr(given, "kbs"); got == nil {
		t.Fatal("DoerOr dropped the given Doer")
	} else if _, ok := got.(doerFunc); !ok {
		t.Errorf("DoerOr replaced the given Doer with %T", got)
	}
	c, ok := DoerOr(nil, "kbs").(*Client)
	if !ok || c.cfg.Source != "kbs" {
		t.Errorf("DoerOr(nil) = %#v, want a Client for kbs", c)
	}
}

func TestSleep(t *testing.T) {
	t.Parallel()
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		d    time.Duration
		want error
	}{
		{"no wait", context.Background(), 0, nil},
		{"short wait", context.Background(), time.Millisecond, nil},
		{"canceled, no wait", canceled, -time.Second, context.Canceled},
		{"canceled, long wait", canceled, time.Hour, context.Canceled},
	}
	for _, tt := range tests {
		if err := Sleep(tt.ctx, tt.d); !errors.Is(err, tt.want) {
			t.Errorf("%s: Sleep = %v, want %v", tt.name, err, tt.want)
		}
	}
}
