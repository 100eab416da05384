// Package ssifake is a fake SSI iBoard push-stream server for tests, load
// tests and offline demos. It serves a WebSocket at /realtime that waits for
// the client's first `sub` message, acknowledges it as iBoard does
// (`Subscribed <topic>`), and then streams recorded frames with their
// recorded gaps scaled by a speed factor. Knobs make it drop the connection,
// go silent or interleave malformed frames, so clients can test reconnects
// and robustness without the network.
package ssifake

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// Frame is one server→client text frame.
type Frame struct {
	Gap  time.Duration // wait before sending it, after the previous frame
	Data []byte
}

// Options tune a Server. The zero value streams every frame once, as fast as
// the connection takes them.
type Options struct {
	// Speed divides the recorded gaps (2 plays twice as fast); 0 or less
	// sends without waiting.
	Speed float64
	// DropAfter closes each connection after it sent this many frames (0:
	// never).
	DropAfter int
	// SilentAfter stops sending on each connection after this many frames,
	// keeping it open (0: never).
	SilentAfter int
	// MalformedEvery sends a malformed frame after every N frames (0: never).
	MalformedEvery int
	// Loop restarts the frames at the end instead of going quiet.
	Loop bool
	// CloseAtEnd closes each connection after its last frame instead of
	// going quiet; a client that sees the close has handled every frame.
	CloseAtEnd bool
}

// malformed are the broken frames MalformedEvery rotates through: a short
// record, truncated control JSON, an index record with a non-numeric value.
var malformed = [...]string{
	"MAIN|S#ZZZ|x|y",
	`{"type":`,
	"I#VNINDEX|abc|||||||||||||||||||||||",
}

// Sub is one client message the server received.
type Sub struct {
	Conn int    // 1-based connection number
	Raw  []byte // the message text
}

// Server is a running fake iBoard server. Close it when done.
type Server struct {
	*httptest.Server
	frames []Frame
	opts   Options
	subs   chan Sub
	conns  atomic.Int64
	ctx    context.Context // cancelled by Close to end streaming handlers
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// NewServer starts a fake iBoard server that streams frames.
func NewServer(frames []Frame, opts Options) *Server {
	s := &Server{frames: frames, opts: opts, subs: make(chan Sub, 256)}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	mux := http.NewServeMux()
	mux.HandleFunc("/realtime", s.serveWS)
	s.Server = httptest.NewServer(mux)
	return s
}

// WSURL is the WebSocket URL of the stream (ws://127.0.0.1:port/realtime).
func (s *Server) WSURL() string {
	return "ws" + strings.TrimPrefix(s.URL, "http") + "/realtime"
}

// Subscriptions delivers every client message received (buffered; messages
// beyond the buffer are dropped).
func (s *Server) Subscriptions() <-chan Sub { return s.subs }

// Connections returns how many WebSocket connections were accepted.
func (s *Server) Connections() int { return int(s.conns.Load()) }

// Close ends every stream, waits for the handlers and shuts the server down.
func (s *Server) Close() {
	s.cancel()
	s.Server.Close() // waits for requests not yet upgraded; upgraded ones end on s.ctx
	s.wg.Wait()
}

func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	s.wg.Add(1)
	defer s.wg.Done()
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		return // Accept has written the HTTP error
	}
	defer conn.CloseNow()
	n := int(s.conns.Add(1))
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	stop := context.AfterFunc(s.ctx, cancel)
	defer stop()

	subscribed := make(chan struct{})
	done := make(chan struct{})
	go func() { // exits when the connection fails or closes
		defer close(done)
		defer cancel()
		s.readLoop(ctx, conn, n, subscribed)
	}()
	select {
	case <-subscribed:
		s.stream(ctx, conn)
	case <-ctx.Done():
	}
	conn.Close(websocket.StatusNormalClosure, "")
	cancel()
	<-done
}

// readLoop answers client messages: `sub` with the text ack (closing
// subscribed on the first), `unsub` with iBoard's JSON ack.
func (s *Server) readLoop(ctx context.Context, conn *websocket.Conn, n int, subscribed chan struct{}) {
	var once sync.Once
	for {
		_, data, err := conn.Read(ctx)
		if err != nil {
			return
		}
		select {
		case s.subs <- Sub{Conn: n, Raw: data}:
		default:
		}
		var msg struct {
			Type      string          `json:"type"`
			Topic     string          `json:"topic"`
			Variables json.RawMessage `json:"variables"`
		}
		if json.Unmarshal(data, &msg) != nil {
			continue
		}
		var reply []byte
		switch msg.Type {
		case "sub":
			reply = []byte("Subscribed " + msg.Topic)
		case "unsub":
			reply, _ = json.Marshal(map[string]any{"result": "complete", "type": "unsub",
				"topic": msg.Topic, "variables": msg.Variables})
		default:
			continue
		}
		if conn.Write(ctx, websocket.MessageText, reply) != nil {
			return
		}
		if msg.Type == "sub" {
			once.Do(func() { close(subscribed) })
		}
	}
}
