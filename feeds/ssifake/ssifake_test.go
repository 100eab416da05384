package ssifake

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

const session = "../../testdata/ssi/session_2026-04-14_VCB-FPT-MBB.jsonl"

func TestLoadRecording(t *testing.T) {
	t.Parallel()
	frames, err := LoadRecording(session)
	if err != nil {
		t.Fatal(err)
	}
	var total time.Duration
	for _, f := range frames {
		total += f.Gap
	}
	if len(frames) != 135 || frames[0].Gap != 855*time.Millisecond || total != 44178*time.Millisecond {
		t.Errorf("%d frames, first gap %v, total %v; want 135, 855ms, 44.178s", len(frames), frames[0].Gap, total)
	}
}

// subscribe dials s and sends sub; the connection closes when the test ends.
func subscribe(ctx context.Context, t *testing.T, s *Server, sub string) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.Dial(ctx, s.WSURL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.CloseNow() })
	if err := c.Write(ctx, websocket.MessageText, []byte(sub)); err != nil {
		t.Fatal(err)
	}
	return c
}

// readAll subscribes and returns the text of every frame until the server
// closes the connection.
func readAll(t *testing.T, s *Server) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := subscribe(ctx, t, s, `{"type":"sub","topic":"stockRealtimeBySymbolsAndBoards","variables":{"symbols":["VCB"],"boardIds":["MAIN"]}}`)
	var got []string
	for {
		_, data, err := c.Read(ctx)
		if err != nil {
			if ctx.Err() != nil {
				t.Fatalf("server did not close: %v", err)
			}
			return got
		}
		got = append(got, string(data))
	}
}

func TestServerKnobs(t *testing.T) {
	t.Parallel()
	frames := []Frame{{Data: []byte("A|1")}, {Data: []byte("B|2")}, {Data: []byte("C|3")}}
	tests := []struct {
		name string
		opts Options
		want []string
	}{
		{"close at end", Options{CloseAtEnd: true}, []string{"A|1", "B|2", "C|3"}},
		{"drop after 2", Options{DropAfter: 2}, []string{"A|1", "B|2"}},
		{"malformed every 2", Options{MalformedEvery: 2, CloseAtEnd: true}, []string{"A|1", "B|2", malformed[0], "C|3"}},
		{"loop then drop", Options{Loop: true, DropAfter: 4}, []string{"A|1", "B|2", "C|3", "A|1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := NewServer(frames, tt.opts)
			defer s.Close()
			got := readAll(t, s)
			want := append([]string{"Subscribed stockRealtimeBySymbolsAndBoards"}, tt.want...)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("frames %q, want %q", got, want)
			}
			if sub := <-s.Subscriptions(); sub.Conn != 1 {
				t.Errorf("subscription on connection %d, want 1", sub.Conn)
			}
		})
	}
}

func TestServerCloseEndsSilentStream(t *testing.T) {
	t.Parallel()
	s := NewServer([]Frame{{Data: []byte("A|1")}}, Options{SilentAfter: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := subscribe(ctx, t, s, `{"type":"sub","topic":"x"}`)
	for range 2 { // ack, one frame, then silence
		if _, _, err := c.Read(ctx); err != nil {
			t.Fatal(err)
		}
	}
	s.Close() // must not hang on the silent, still-open stream
	if _, _, err := c.Read(ctx); err == nil || ctx.Err() != nil {
		t.Errorf("read after Close: %v, want a prompt close", err)
	}
}
