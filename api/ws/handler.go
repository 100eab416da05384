// Package ws serves the live protocol over WebSocket (GET /v1/ws) with
// github.com/coder/websocket: client messages in, batched frames of events
// out, exactly as protocol.md specifies.
package ws

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"

	"github.com/vnstock-api/vnstock-api/api/live"
	"github.com/vnstock-api/vnstock-api/api/wsio"
	"github.com/vnstock-api/vnstock-api/hub"
)

// Close codes of the protocol.
const (
	CodeUnauthorized  websocket.StatusCode = 4001
	CodeForbidden     websocket.StatusCode = 4003
	CodeSlowConsumer  websocket.StatusCode = 4008
	CodeRateLimited   websocket.StatusCode = 4029
	CodeProtocolError websocket.StatusCode = 4400
)

// Config configures the handler. Zero values take the protocol's defaults.
type Config struct {
	Stream          live.Config // heartbeat, write timeout, batching
	MaxMessageBytes int64       // largest client frame; default 64 KiB
	MessageRate     float64     // client messages per second; default 20
	MaxTopics       int         // per connection (the hub's MaxTopics still caps it); default 1,024
	QueueBytes      int         // announced in welcome; enforce it in the hub
	OriginPatterns  []string    // cross-origin hosts allowed (coder/websocket patterns)
	// Limits, when set, returns the client's own limits from the request
	// context (its API key's plan); a value <= 0 keeps the configured one.
	// maxTopics only ever lowers MaxTopics; messagesPerS replaces MessageRate.
	Limits func(ctx context.Context) (maxTopics int, messagesPerS float64)
	// Detach, when set, is called once the connection is upgraded; the
	// handler then returns at once (freeing the HTTP server's buffers and
	// the request's stack) and the connection runs on a goroutine of its
	// own, calling the func Detach returned when it ends. It is how a
	// middleware that counts streams by the handler's duration (auth.Detach)
	// keeps counting. Nil runs the connection on the handler's goroutine.
	Detach func(ctx context.Context) (end func())
	// Writers is the number of goroutines that write for all connections
	// (see wsio.Scheduler); a batch a client's socket cannot take at once is
	// finished by a goroutine of its own. Default 2 × GOMAXPROCS.
	Writers int
	// FrameRate is the frames per second all connections together aim at:
	// a connection rests at least open connections / FrameRate between two
	// frames (and never less than Stream.FlushInterval), so that with many
	// connections each frame carries more events instead of the server and
	// the clients spending their time on system calls. Default 200,000
	// (10,000 connections: a frame per 50 ms each).
	FrameRate int
	Logger    *slog.Logger
}

func (c Config) withDefaults() Config {
	c.Stream = c.Stream.WithDefaults()
	if c.MaxMessageBytes <= 0 {
		c.MaxMessageBytes = 64 << 10
	}
	if c.MessageRate <= 0 {
		c.MessageRate = 20
	}
	if c.MaxTopics <= 0 {
		c.MaxTopics = 1024
	}
	if c.QueueBytes <= 0 {
		c.QueueBytes = 1 << 20
	}
	if c.FrameRate <= 0 {
		c.FrameRate = 200_000
	}
	if c.Writers <= 0 {
		c.Writers = 2 * runtime.GOMAXPROCS(0)
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Hub is what the handler needs of the hub.
type Hub interface {
	NewSubscriber() *hub.Subscriber
	Head() uint64
	Epoch() string
}

// Handler serves WebSocket clients. Shutdown makes every connection close
// with 1001 (going away) so clients reconnect elsewhere and resume.
type Handler struct {
	cfg      Config
	hub      Hub
	stop     chan struct{}
	stopOnce sync.Once
	conns    sync.WaitGroup

	mu     sync.Mutex
	active map[*conn]struct{}
	pool   *wsio.Pool // writes for the active connections
}

// rest is how long a connection waits between two frames.
func (h *Handler) rest() time.Duration {
	return wsio.Rest(h.pool.Open(), h.cfg.FrameRate, h.cfg.Stream.FlushInterval)
}

// New returns a handler on h.
func New(cfg Config, h Hub) *Handler {
	hd := &Handler{cfg: cfg.withDefaults(), hub: h, stop: make(chan struct{})}
	hd.pool = wsio.NewPool(hd.cfg.Writers, hd.rest)
	return hd
}

// Shutdown closes every connection with 1001 and waits for them, or ctx.
func (h *Handler) Shutdown(ctx context.Context) error {
	h.stopOnce.Do(func() {
		close(h.stop)
		h.mu.Lock()
		for cn := range h.active {
			cn.cancel(errGoingAway)
		}
		h.mu.Unlock()
	})
	return live.Wait(ctx, &h.conns)
}

// ServeHTTP upgrades the request and runs the connection until it ends.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	select {
	case <-h.stop:
		http.Error(w, `{"error":{"code":"unavailable","message":"server is shutting down"}}`, http.StatusServiceUnavailable)
		return
	default:
	}
	hw := &wsio.HijackWriter{ResponseWriter: w, Timeout: h.cfg.Stream.WriteTimeout}
	c, err := websocket.Accept(hw, r, &websocket.AcceptOptions{
		OriginPatterns:  h.cfg.OriginPatterns,
		CompressionMode: websocket.CompressionDisabled,
	})
	if err != nil {
		return // Accept has written the HTTP error
	}
	h.conns.Add(1)
	// The library's own limit is a backstop; readLoop enforces the protocol's
	// limit so that it can close with 4400 rather than 1009.
	c.SetReadLimit(h.cfg.MaxMessageBytes + 1)
	conn := &conn{h: h, c: c, nc: hw.Conn(), sub: h.hub.NewSubscriber(), id: newSessionID()}
	conn.maxTopics, conn.msgRate = h.limits(r.Context())
	conn.sub.SetMaxTopics(conn.maxTopics)
	conn.maxTopics = conn.sub.MaxTopics() // the hub's own limit may be lower still
	if h.cfg.Detach == nil {
		defer h.conns.Done()
		conn.run(r.Context())
		return
	}
	// The request's context ends when the handler returns; its values (the
	// client's key, the usage counter) stay.
	end := h.cfg.Detach(r.Context())
	go func() {
		defer h.conns.Done()
		defer end()
		conn.run(context.WithoutCancel(r.Context()))
	}()
}

// limits returns one connection's topic cap and client message rate: the
// configured ones, narrowed by the client's plan when Config.Limits says.
func (h *Handler) limits(ctx context.Context) (int, float64) {
	topics, msgRate := h.cfg.MaxTopics, h.cfg.MessageRate
	if h.cfg.Limits == nil {
		return topics, msgRate
	}
	t, m := h.cfg.Limits(ctx)
	if t > 0 && t < topics {
		topics = t
	}
	if m > 0 {
		msgRate = m
	}
	return topics, msgRate
}

func newSessionID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// welcomeLine is the first message of every connection; it announces the
// connection's effective limits.
func (h *Handler) welcomeLine(session string, maxTopics int, msgRate float64) []byte {
	b := append([]byte(nil), `{"type":"welcome","session":"`...)
	b = append(b, session...)
	b = append(b, `","epoch":"`...)
	b = append(b, h.hub.Epoch()...)
	b = append(b, `","seq":`...)
	b = strconv.AppendUint(b, h.hub.Head(), 10)
	b = append(b, `,"heartbeat_ms":`...)
	b = strconv.AppendInt(b, h.cfg.Stream.Heartbeat.Milliseconds(), 10)
	b = append(b, `,"limits":{"topics":`...)
	b = strconv.AppendInt(b, int64(maxTopics), 10)
	b = append(b, `,"queue_bytes":`...)
	b = strconv.AppendInt(b, int64(h.cfg.QueueBytes), 10)
	b = append(b, `,"messages_per_s":`...)
	b = strconv.AppendFloat(b, msgRate, 'f', -1, 64)
	return append(b, "}}"...)
}

// closeError carries the close code a connection ends with.
type closeError struct {
	code   websocket.StatusCode
	reason string
}

func (e *closeError) Error() string { return e.reason }

func newLimiter(perSecond float64) *rate.Limiter {
	return rate.NewLimiter(rate.Limit(perSecond), max(1, int(perSecond)))
}

var errGoingAway = errors.New("server going away")

// track registers live connections so that Shutdown can reach them.
func (h *Handler) track(cn *conn, add bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.active == nil {
		h.active = map[*conn]struct{}{}
	}
	if add {
		cn.w.Start(h.pool.Add)
		h.active[cn] = struct{}{}
		select {
		case <-h.stop:
			cn.cancel(errGoingAway)
		default:
		}
		return
	}
	delete(h.active, cn)
	h.pool.Done() // the connection's writes are done (conn.run)
}
