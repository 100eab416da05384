package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/gobwas/ws"
	"github.com/google/go-cmp/cmp"
)

// serverFrame is a frame as a server writes it: unmasked.
func serverFrame(t testing.TB, op ws.OpCode, fin bool, p []byte) []byte {
	t.Helper()
	b, err := ws.CompileFrame(ws.NewFrame(op, fin, p))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// pipeClient is a benchWS over one end of a pipe; what it writes is
// collected from the other end.
func pipeClient(t *testing.T) (*benchWS, *[]string, *bytes.Buffer) {
	t.Helper()
	near, far := net.Pipe()
	t.Cleanup(func() { near.Close(); far.Close() })
	written := new(bytes.Buffer)
	go func() { _, _ = io.Copy(written, far) }()
	var msgs []string
	c := &benchWS{conn: near, out: near, bytes: new(atomic.Int64), state: ws.StateClientSide}
	c.handle = func(b []byte) error { msgs = append(msgs, string(b)); return nil }
	return c, &msgs, written
}

func TestBenchWSConsumeSplits(t *testing.T) {
	t.Parallel()
	big := bytes.Repeat([]byte("x"), 70_000) // a 64-bit length
	mid := bytes.Repeat([]byte("y"), 300)    // a 16-bit length
	var stream []byte
	stream = append(stream, serverFrame(t, ws.OpText, true, []byte(`{"type":"welcome"}`))...)
	stream = append(stream, serverFrame(t, ws.OpText, true, mid)...)
	stream = append(stream, serverFrame(t, ws.OpText, false, []byte("frag-"))...)
	stream = append(stream, serverFrame(t, ws.OpPong, true, nil)...) // a control frame between fragments
	stream = append(stream, serverFrame(t, ws.OpContinuation, false, []byte("ment"))...)
	stream = append(stream, serverFrame(t, ws.OpContinuation, true, []byte("ed"))...)
	stream = append(stream, serverFrame(t, ws.OpBinary, true, big)...)
	stream = append(stream, serverFrame(t, ws.OpText, true, nil)...)
	want := []string{`{"type":"welcome"}`, string(mid), "frag-mented", string(big), ""}
	for _, step := range []int{1, 2, 3, 7, 13, 1000, len(stream)} {
		c, msgs, _ := pipeClient(t)
		for i := 0; i < len(stream); i += step {
			if err := c.consume(stream[i:min(i+step, len(stream))]); err != nil {
				t.Fatalf("step %d: consume at %d: %v", step, i, err)
			}
		}
		if diff := cmp.Diff(want, *msgs); diff != "" {
			t.Errorf("step %d: messages (-want +got):\n%s", step, diff)
		}
		if got := c.bytes.Load(); got != int64(len(stream)) {
			t.Errorf("step %d: counted %d bytes, want %d", step, got, len(stream))
		}
		if len(c.pending) != 0 || c.state.Fragmented() {
			t.Errorf("step %d: %d bytes pending, fragmented %v after whole frames", step, len(c.pending), c.state.Fragmented())
		}
	}
}

func TestBenchWSConsumeErrors(t *testing.T) {
	t.Parallel()
	masked, err := ws.CompileFrame(ws.MaskFrame(ws.NewTextFrame([]byte("hi"))))
	if err != nil {
		t.Fatal(err)
	}
	huge := []byte{0x81, 127, 0, 0, 0, 0, 0x10, 0, 0, 0} // text, 256 MiB
	tests := []struct {
		name  string
		input []byte
		want  string
	}{
		{"masked by the server", masked, "must be not masked"},
		{"continuation without a start", serverFrame(t, ws.OpContinuation, true, []byte("x")), "unexpected continuation"},
		{"new message inside a fragmented one", append(serverFrame(t, ws.OpText, false, []byte("a")), serverFrame(t, ws.OpText, true, []byte("b"))...), "non-continuation"},
		{"reserved bits", []byte{0x81 | 0x40, 1, 'x'}, "rsv"},
		{"reserved opcode", []byte{0x83, 0}, "reserved op code"},
		{"fragmented ping", serverFrame(t, ws.OpPing, false, nil), "control frame is not final"},
		{"over the read limit", huge, "larger than the read limit"},
		{"close with a code", serverFrame(t, ws.OpClose, true, ws.NewCloseFrameBody(4008, "slow consumer")), "StatusCode(4008)"},
		{"close without a code", serverFrame(t, ws.OpClose, true, nil), "StatusNoStatusRcvd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, _ := pipeClient(t)
			err := c.consume(tt.input)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("consume = %v, want an error with %q", err, tt.want)
			}
		})
	}
}

func TestBenchWSCloseStatus(t *testing.T) {
	t.Parallel()
	c, _, _ := pipeClient(t)
	err := c.consume(serverFrame(t, ws.OpClose, true, ws.NewCloseFrameBody(4008, "slow consumer")))
	if got := websocket.CloseStatus(err); got != 4008 {
		t.Errorf("close status of %v = %d, want 4008", err, got)
	}
}

func TestBenchWSPingAnswered(t *testing.T) {
	t.Parallel()
	near, far := net.Pipe()
	defer near.Close()
	defer far.Close()
	c := &benchWS{conn: near, out: near, bytes: new(atomic.Int64), state: ws.StateClientSide}
	errc := make(chan error, 1)
	go func() { errc <- c.consume(serverFrame(t, ws.OpPing, true, []byte("p1"))) }()
	f, err := ws.ReadFrame(far)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if !f.Header.Masked || f.Header.OpCode != ws.OpPong {
		t.Fatalf("reply header %+v, want a masked pong", f.Header)
	}
	if got := string(ws.UnmaskFrame(f).Payload); got != "p1" {
		t.Errorf("pong payload %q, want p1", got)
	}
}

// TestBenchWSReaders runs both readers, the epoll loop (where there is
// one) and the goroutine loop, against a coder/websocket server that
// sends messages of every size class, fragmented ones included, then
// closes with 4008.
func TestBenchWSReaders(t *testing.T) {
	t.Parallel()
	sizes := []int{1, 100, 125, 126, 5_000, 65_535, 65_536, 300_000}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		if _, b, err := c.Read(r.Context()); err != nil || string(b) != "hello" {
			return
		}
		ctx := c.CloseRead(r.Context()) // reads the pongs
		for _, n := range sizes {
			if err := c.Write(ctx, websocket.MessageText, bytes.Repeat([]byte{'a' + byte(n%26)}, n)); err != nil {
				return
			}
		}
		wr, err := c.Writer(ctx, websocket.MessageBinary)
		if err != nil {
			return
		}
		for range 3 {
			_, _ = wr.Write([]byte("part"))
			_ = c.Ping(ctx)
		}
		_ = wr.Close()
		_ = c.Close(4008, "slow consumer")
	}))
	t.Cleanup(srv.Close)
	url := "ws" + strings.TrimPrefix(srv.URL, "http")
	readers := map[string]func(context.Context, *benchWS, *clientStats) error{
		"poller":    new(pollSet).readWS,
		"goroutine": func(ctx context.Context, c *benchWS, _ *clientStats) error { return readLoop(ctx, c) },
	}
	for name, read := range readers {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := &runner{dialer: &benchDialer{timeout: 5 * time.Second}, header: http.Header{}}
			r.cfg.connectTimeout = 5 * time.Second
			st := newClientStats(&r.phase, false)
			c, err := r.dialWS(t.Context(), url, st, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer c.close("test done")
			var got []int
			c.handle = func(b []byte) error { got = append(got, len(b)); return nil }
			if err := c.write([]byte("hello")); err != nil {
				t.Fatal(err)
			}
			err = read(t.Context(), c, st)
			if st.hist != st.own {
				t.Error("the client's latencies still go to a poller's histogram after it let go")
			}
			if code := websocket.CloseStatus(err); code != 4008 {
				t.Errorf("read ended with %v, want close 4008", err)
			}
			if diff := cmp.Diff(append(sizes, 12), got); diff != "" {
				t.Errorf("message sizes (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBenchWSReaderLeaves checks that a reader returns nil when its
// context ends, and that a poller stops.
func TestBenchWSReaderLeaves(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		_, _, _ = c.Read(r.Context())
	}))
	defer srv.Close()
	ps := new(pollSet)
	defer ps.close()
	r := &runner{dialer: &benchDialer{timeout: 5 * time.Second}, header: http.Header{}}
	st := newClientStats(&r.phase, false)
	c, err := r.dialWS(t.Context(), "ws"+strings.TrimPrefix(srv.URL, "http"), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.handle = func([]byte) error { return errors.New("no message expected") }
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	if err := ps.readWS(ctx, c, st); err != nil {
		t.Errorf("readWS after the context ended = %v, want nil", err)
	}
	c.close("test done")
}

func FuzzBenchWSConsume(f *testing.F) {
	f.Add([]byte{0x81, 2, 'h', 'i'}, 1)
	f.Add([]byte{0x01, 1, 'a', 0x8a, 0, 0x80, 1, 'b'}, 3)
	f.Add([]byte{0x88, 2, 0x0f, 0xa8}, 2)
	f.Add([]byte{0x82, 126, 0, 3, 1, 2, 3}, 5)
	f.Fuzz(func(t *testing.T, data []byte, step int) {
		c := &benchWS{conn: discardConn{}, out: discardConn{}, bytes: new(atomic.Int64), state: ws.StateClientSide}
		c.handle = func(b []byte) error {
			if len(b) > wsReadLimit {
				t.Fatalf("message of %d bytes passed the read limit", len(b))
			}
			return nil
		}
		step = max(1, step%64+1)
		for i := 0; i < len(data); i += step {
			if c.consume(data[i:min(i+step, len(data))]) != nil {
				return
			}
		}
	})
}

// discardConn is a net.Conn that takes every write.
type discardConn struct{ net.Conn }

func (discardConn) Write(p []byte) (int, error)      { return len(p), nil }
func (discardConn) SetWriteDeadline(time.Time) error { return nil }
func (discardConn) Close() error                     { return nil }
