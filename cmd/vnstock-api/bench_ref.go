package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/vnstock-api/vnstock-api/api/live"
	"github.com/vnstock-api/vnstock-api/market"
)

// The bare reference: `vnstock-api bench reference` serves the minimal
// broadcast loop the published figures are set beside, so that a figure is
// read as a ratio to what the same machine does with no hub at all. One
// goroutine publishes --rate events/s over the VN30 quote topics, encodes
// each once and offers it to every client's channel (dropping it for a
// client whose channel is full); each client's goroutine writes one
// coder/websocket frame (or one SSE event) per message. No snapshots, no
// batching, no conflation, no resume. It speaks just enough of protocol.md
// for `vnstock-api bench`: it reads one message (the subscribe) and sends
// event envelopes with seq and ts.

// refConfig is the reference server's flags.
type refConfig struct {
	addr    string
	rate    float64
	payload int // bytes of each event's data object
	queue   int // messages buffered per client before dropping
}

func parseRefConfig(args []string, stderr io.Writer) (refConfig, error) {
	fs := flag.NewFlagSet("bench reference", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c refConfig
	fs.StringVar(&c.addr, "addr", "127.0.0.1:18099", "listen address")
	fs.Float64Var(&c.rate, "rate", 2000, "events published per second across the VN30 quote topics")
	fs.IntVar(&c.payload, "payload", 700, "bytes of each event's data object (a sim quote event is about 700)")
	fs.IntVar(&c.queue, "queue", 1024, "messages buffered per client; a full buffer drops the message for that client")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case fs.NArg() > 0:
		return c, fmt.Errorf("bench reference: unexpected arguments %q", fs.Args())
	case c.rate <= 0 || c.rate > 1e6:
		return c, errors.New("bench reference: rate must be in (0, 1000000]")
	case c.payload < 64 || c.payload > 1<<20:
		return c, errors.New("bench reference: payload must be in [64, 1048576]")
	case c.queue < 1:
		return c, errors.New("bench reference: queue must be positive")
	}
	return c, nil
}

// benchReference runs the reference server until ctx ends.
func benchReference(ctx context.Context, args []string, stderr io.Writer) error {
	cfg, err := parseRefConfig(args, stderr)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("bench reference: listen: %w", err)
	}
	return serveReference(ctx, ln, cfg, slog.New(slog.NewTextHandler(stderr, nil)))
}

// serveReference serves the reference on ln until ctx ends.
func serveReference(ctx context.Context, ln net.Listener, cfg refConfig, log *slog.Logger) error {
	s := &refServer{queue: cfg.queue, clients: map[*refClient]struct{}{}}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	log.Info("listening", "addr", ln.Addr().String(), "rate", cfg.rate, "payload", cfg.payload)
	pubCtx, stopPub := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { s.publish(pubCtx, cfg.rate, cfg.payload) })
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	var err error
	served := false
	select {
	case <-ctx.Done():
	case err = <-serveErr:
		served = true
	}
	stopPub()
	wg.Wait()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s.closeAll()
	if shutErr := srv.Shutdown(sctx); shutErr != nil && err == nil {
		err = fmt.Errorf("bench reference: shutdown: %w", shutErr)
	}
	if !served {
		if serr := <-serveErr; !errors.Is(serr, http.ErrServerClosed) && err == nil {
			err = serr
		}
	}
	_ = live.Wait(sctx, &s.handlers) // the streams Shutdown does not track
	log.Info("stopped", "published", s.seq.Load(), "dropped", s.dropped.Load())
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// refServer is the reference broadcaster.
type refServer struct {
	handlers sync.WaitGroup // the stream handlers running
	queue    int
	seq      atomic.Uint64
	dropped  atomic.Int64 // messages not offered to a client whose buffer was full

	mu      sync.Mutex
	clients map[*refClient]struct{}
	closed  bool
}

type refClient struct {
	ch   chan []byte
	done chan struct{}
}

func (s *refServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handlers.Add(1)
	defer s.handlers.Done()
	switch r.URL.Path {
	case "/v1/ws":
		s.serveWS(w, r)
	case "/v1/sse":
		s.serveSSE(w, r)
	case "/healthz", "/readyz":
		_, _ = io.WriteString(w, `{"status":"ready"}`)
	default:
		http.NotFound(w, r)
	}
}

func (s *refServer) serveWS(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{CompressionMode: websocket.CompressionDisabled, InsecureSkipVerify: true})
	if err != nil {
		return
	}
	defer c.CloseNow()
	if _, _, err := c.Read(r.Context()); err != nil { // the subscribe
		return
	}
	ctx := c.CloseRead(r.Context())
	cl, ok := s.add()
	if !ok {
		return
	}
	defer s.remove(cl)
	for {
		select {
		case <-ctx.Done():
			return
		case <-cl.done:
			_ = c.Close(websocket.StatusGoingAway, "reference server stopping")
			return
		case m := <-cl.ch:
			if err := c.Write(ctx, websocket.MessageText, m); err != nil {
				return
			}
		}
	}
}

func (s *refServer) serveSSE(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	if rc.Flush() != nil {
		return
	}
	cl, ok := s.add()
	if !ok {
		return
	}
	defer s.remove(cl)
	buf := make([]byte, 0, 4096)
	for {
		select {
		case <-r.Context().Done():
			return
		case <-cl.done:
			return
		case m := <-cl.ch:
			buf = append(append(append(buf[:0], "data: "...), m...), "\n\n"...)
			if _, err := w.Write(buf); err != nil || rc.Flush() != nil {
				return
			}
		}
	}
}

func (s *refServer) add() (*refClient, bool) {
	cl := &refClient{ch: make(chan []byte, s.queue), done: make(chan struct{})}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, false
	}
	s.clients[cl] = struct{}{}
	return cl, true
}

func (s *refServer) remove(cl *refClient) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.clients, cl)
}

// closeAll ends every client and refuses new ones.
func (s *refServer) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for cl := range s.clients {
		close(cl.done)
		delete(s.clients, cl)
	}
}

// broadcast offers m to every client.
func (s *refServer) broadcast(m []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for cl := range s.clients {
		select {
		case cl.ch <- m:
		default:
			s.dropped.Add(1)
		}
	}
}

// publish sends rate events per second, round-robin over the VN30 quote
// topics, until ctx ends.
func (s *refServer) publish(ctx context.Context, rate float64, payload int) {
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	start := time.Now()
	sent := 0
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			for due := int(now.Sub(start).Seconds() * rate); sent < due; sent++ {
				sym := market.VN30[sent%len(market.VN30)]
				s.broadcast(refEvent(sym, s.seq.Add(1), now.UnixMilli(), payload))
			}
		}
	}
}

// refEvent encodes one event envelope whose data object is payload bytes
// long.
func refEvent(sym market.Symbol, seq uint64, ts int64, payload int) []byte {
	b := make([]byte, 0, payload+96)
	b = append(b, `{"type":"event","topic":"quote:`...)
	b = append(b, sym...)
	b = append(b, `","seq":`...)
	b = strconv.AppendUint(b, seq, 10)
	b = append(b, `,"ts":`...)
	b = strconv.AppendInt(b, ts, 10)
	b = append(b, `,"data":`...)
	data := len(b)
	b = append(b, `{"symbol":"`...)
	b = append(b, sym...)
	b = append(b, `","close_price":`...)
	b = strconv.AppendUint(b, 20000+seq%5000*10, 10)
	b = append(b, `,"pad":"`...)
	if pad := payload - (len(b) - data) - 2; pad > 0 {
		b = append(b, strings.Repeat("x", pad)...)
	}
	return append(b, `"}}`...)
}
