//go:build unix

package wsio

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// wrapped is a connection wrapper like the per-IP listener's.
type wrapped struct{ net.Conn }

func (w wrapped) Unwrap() net.Conn { return w.Conn }

// opaque wraps without giving the connection.
type opaque struct{ net.Conn }

// The descriptor is found through wrappers that unwrap, so that
// connections from a wrapping listener still write without waiting; a
// wrapper that hides it makes the caller fall back to deadlines.
func TestRawConnUnwraps(t *testing.T) {
	server, _ := tcpPair(t)
	tests := []struct {
		name string
		c    net.Conn
		want bool
	}{
		{"tcp", server, true},
		{"wrapped", wrapped{server}, true},
		{"wrapped twice", wrapped{wrapped{server}}, true},
		{"opaque", opaque{server}, false},
		{"pipe", func() net.Conn { a, b := net.Pipe(); t.Cleanup(func() { a.Close(); b.Close() }); return a }(), false},
	}
	for _, tt := range tests {
		if _, ok := rawConn(tt.c); ok != tt.want {
			t.Errorf("%s: rawConn found a descriptor: %v, want %v", tt.name, ok, tt.want)
		}
		n, ok, err := rawWrite(NewConn(tt.c, time.Second).raw, []byte("x"))
		if ok != tt.want || (ok && (n != 1 || err != nil)) {
			t.Errorf("%s: rawWrite = %d, %v, %v", tt.name, n, ok, err)
		}
	}
}

// TestHijackedConnIsRaw checks that a connection HijackWriter hands over
// writes its batches straight to the descriptor, not through a deadline.
func TestHijackedConnIsRaw(t *testing.T) {
	t.Parallel()
	got := make(chan bool, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hw := &HijackWriter{ResponseWriter: w, Timeout: time.Second}
		c, _, err := hw.Hijack()
		if err != nil {
			got <- false
			return
		}
		defer c.Close()
		got <- hw.Conn().raw != nil
	}))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err == nil {
		resp.Body.Close()
	}
	if !<-got {
		t.Error("the hijacked connection has no descriptor to write to")
	}
}

// rawWrite takes what a full socket accepts and stops without error
// (the rest stalls); on a closed connection it fails rather than write to
// a descriptor number the process may have reused.
func TestRawWriteFullAndClosed(t *testing.T) {
	t.Parallel()
	server, client := tcpPair(t) // the server's send buffer is small; client never reads
	defer client.Close()
	rc := NewConn(server, time.Second).raw
	big := make([]byte, 16<<20)
	n, ok, err := rawWrite(rc, big)
	if !ok || err != nil || n <= 0 || n >= len(big) {
		t.Fatalf("rawWrite on a full socket = %d, %v, %v; want part of %d, no error", n, ok, err, len(big))
	}
	server.Close()
	if n, _, err := rawWrite(rc, []byte("x")); err == nil || n != 0 {
		t.Fatalf("rawWrite after Close = %d, %v; want an error", n, err)
	}
}

// A batch written straight to the descriptor allocates nothing.
func TestRawWriteAllocs(t *testing.T) {
	server, client := tcpPair(t)
	defer client.Close()
	go func() { _, _ = io.Copy(io.Discard, client) }()
	rc := NewConn(server, time.Second).raw
	b := []byte("a batch")
	if avg := testing.AllocsPerRun(100, func() { _, _, _ = rawWrite(rc, b) }); avg != 0 {
		t.Errorf("rawWrite allocates %.1f times per call, want 0", avg)
	}
}
