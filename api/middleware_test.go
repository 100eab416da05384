package api

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestCORS(t *testing.T) {
	t.Parallel()
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
	h := CORS([]string{"https://app.example"}, ok)
	tests := []struct {
		name, origin, method, want string
		status                     int
	}{
		{"allowed origin", "https://app.example", http.MethodGet, "https://app.example", 200},
		{"other origin gets no grant", "https://evil.example", http.MethodGet, "", 200},
		{"no origin", "", http.MethodGet, "", 200},
		{"preflight", "https://app.example", http.MethodOptions, "https://app.example", 204},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, "/v1/reference/equities", nil)
			if tt.origin != "" {
				r.Header.Set("Origin", tt.origin)
			}
			if tt.method == http.MethodOptions {
				r.Header.Set("Access-Control-Request-Method", "GET")
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if got := w.Header().Get("Access-Control-Allow-Origin"); got != tt.want || w.Code != tt.status {
				t.Fatalf("allow-origin %q status %d, want %q %d", got, w.Code, tt.want, tt.status)
			}
		})
	}
}

func TestLimitBody(t *testing.T) {
	t.Parallel()
	h := LimitBody(10, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			writeError(w, http.StatusRequestEntityTooLarge, "too_large", "body", "")
		}
	}))
	for _, tc := range []struct {
		body   string
		chunk  bool
		status int
	}{{"short", false, 200}, {strings.Repeat("x", 11), false, 413}, {strings.Repeat("x", 11), true, 413}} {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tc.body))
		if tc.chunk {
			r.ContentLength = -1
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != tc.status {
			t.Fatalf("body %d bytes chunked=%v: status %d, want %d", len(tc.body), tc.chunk, w.Code, tc.status)
		}
	}
}

func TestPerIPListener(t *testing.T) {
	t.Parallel()
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := &PerIPListener{Listener: inner, Max: 2}
	defer l.Close()
	accepted := make(chan net.Conn, 10)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	var clients []net.Conn
	for range 3 {
		c, err := net.Dial("tcp", inner.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	first, second := <-accepted, <-accepted
	// The third was closed by the listener: its read ends.
	_ = clients[2].SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := clients[2].Read(make([]byte, 1)); err == nil {
		t.Fatal("third connection from one IP was served")
	}
	first.Close()
	c4, err := net.Dial("tcp", inner.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-accepted:
		c.Close()
	case <-time.After(5 * time.Second):
		t.Fatal("a connection after one closed was not accepted")
	}
	second.Close()
	c4.Close()
	for _, c := range clients {
		c.Close()
	}
}

func TestRequestIDInLogs(t *testing.T) {
	t.Parallel()
	var buf strings.Builder
	var mu sync.Mutex
	log := slog.New(LogHandler{slog.NewJSONHandler(&lockedWriter{w: &buf, mu: &mu}, nil)})
	h := RequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.InfoContext(r.Context(), "inside", "k", 1)
		log.With("a", 2).WarnContext(r.Context(), "with attrs")
	}))
	for _, tc := range []struct{ given, want string }{
		{"abc-123", "abc-123"},
		{"bad id with spaces", ""},
		{strings.Repeat("x", 65), ""},
		{"", ""},
	} {
		buf.Reset()
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		if tc.given != "" {
			r.Header.Set("X-Request-ID", tc.given)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		id := w.Header().Get("X-Request-ID")
		if tc.want != "" && id != tc.want || tc.want == "" && (id == tc.given || len(id) != 16) {
			t.Fatalf("given %q: id %q", tc.given, id)
		}
		if got := strings.Count(buf.String(), `"request_id":"`+id+`"`); got != 2 {
			t.Fatalf("given %q: %d log lines carry the id:\n%s", tc.given, got, buf.String())
		}
	}
}

type lockedWriter struct {
	w  *strings.Builder
	mu *sync.Mutex
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}
