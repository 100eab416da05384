// Package sse serves the live protocol as Server-Sent Events
// (GET /v1/sse?topics=...): the frames are written here, straight from the
// hub's bounded queue, so a slow client never blocks others and nothing is
// replayed beyond the hub's history.
package sse

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vnstock-api/vnstock-api/api/live"
	"github.com/vnstock-api/vnstock-api/api/reply"
	"github.com/vnstock-api/vnstock-api/api/wsio"
	"github.com/vnstock-api/vnstock-api/hub"
)

// Config configures the handler.
type Config struct {
	Stream    live.Config   // heartbeat, write timeout, batching
	Retry     time.Duration // the reconnection delay announced first; default 2 s
	MaxTopics int           // topics in one request; default 1,024
	// Limits, when set, returns the client's own limits from the request
	// context (its API key's plan): a maxTopics > 0 lowers MaxTopics for
	// that stream. (SSE has no client messages: the rate is ignored.)
	Limits func(ctx context.Context) (maxTopics int, messagesPerS float64)
	// FrameRate is the writes per second all streams together aim at: a
	// stream rests at least open streams / FrameRate between two writes
	// (and never less than Stream.FlushInterval), as on /v1/ws. Default
	// 200,000.
	FrameRate int
	Logger    *slog.Logger
}

func (c Config) withDefaults() Config {
	c.Stream = c.Stream.WithDefaults()
	if c.Retry <= 0 {
		c.Retry = 2 * time.Second
	}
	if c.MaxTopics <= 0 {
		c.MaxTopics = 1024
	}
	if c.FrameRate <= 0 {
		c.FrameRate = 200_000
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
	Expand(topic string) ([]string, error)
}

// Handler serves SSE clients.
type Handler struct {
	cfg Config
	hub Hub

	mu       sync.Mutex
	stopping bool
	active   map[*context.CancelCauseFunc]struct{}
	streams  sync.WaitGroup // one per stream in active (Shutdown waits)
	pool     *wsio.Pool     // writes for the streams on hijacked connections (conn.go)
}

// rest is how long a hijacked stream waits between two writes.
func (h *Handler) rest() time.Duration {
	return wsio.Rest(h.pool.Open(), h.cfg.FrameRate, h.cfg.Stream.FlushInterval)
}

// New returns a handler on h.
func New(cfg Config, h Hub) *Handler {
	hd := &Handler{cfg: cfg.withDefaults(), hub: h, active: map[*context.CancelCauseFunc]struct{}{}}
	hd.pool = wsio.NewPool(2*runtime.GOMAXPROCS(0), hd.rest)
	return hd
}

var errGoingAway = errors.New("server going away")

// Shutdown ends every stream with a retry hint so that clients reconnect
// (to another instance) and resume with Last-Event-ID, refuses new ones,
// and waits, until ctx ends, for the streams to be over. (A stream on a
// hijacked connection is out of the HTTP server's sight: its Shutdown does
// not wait for it.)
func (h *Handler) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	h.stopping = true
	for cancel := range h.active {
		(*cancel)(errGoingAway)
	}
	h.mu.Unlock()
	return live.Wait(ctx, &h.streams)
}

// ServeHTTP streams events until the client leaves or the server stops.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	maxTopics := h.maxTopics(r.Context())
	topics, since, err := h.parseRequest(r, maxTopics)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	ctx, cancel := context.WithCancelCause(r.Context())
	defer cancel(nil)
	if !h.track(&cancel, true) {
		writeError(w, http.StatusServiceUnavailable, &requestError{"unavailable", "", "server is shutting down"})
		return
	}
	defer h.track(&cancel, false)

	sub := h.hub.NewSubscriber()
	sub.SetMaxTopics(maxTopics) // a group's members count too
	defer sub.Close(context.WithoutCancel(ctx))
	hdr := w.Header()
	hdr.Set("Content-Type", "text/event-stream")
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("X-Accel-Buffering", "no")
	req := hub.SubscribeRequest{Topics: topics, Since: since}
	if h.serveHijacked(ctx, w, r, sub, req) {
		return
	}
	st := &stream{h: h, w: w, rc: http.NewResponseController(w)}
	w.WriteHeader(http.StatusOK)
	if err := st.writeRaw([]byte("retry: " + strconv.FormatInt(h.cfg.Retry.Milliseconds(), 10) + "\n\n")); err != nil {
		return
	}
	sub.Subscribe(ctx, req)
	err = live.Pump(ctx, sub, h.cfg.Stream, st.write)
	if cause := context.Cause(ctx); errors.Is(cause, errGoingAway) {
		err = cause
	}
	st.finish(err)
}

// maxTopics is one stream's topic cap: the configured one, lowered by the
// client's plan when Config.Limits says.
func (h *Handler) maxTopics(ctx context.Context) int {
	if h.cfg.Limits == nil {
		return h.cfg.MaxTopics
	}
	if t, _ := h.cfg.Limits(ctx); t > 0 && t < h.cfg.MaxTopics {
		return t
	}
	return h.cfg.MaxTopics
}

func (h *Handler) track(cancel *context.CancelCauseFunc, add bool) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !add {
		delete(h.active, cancel)
		h.streams.Done()
		return true
	}
	if h.stopping {
		return false
	}
	h.active[cancel] = struct{}{}
	h.streams.Add(1)
	return true
}

// requestError is a 4xx answered before the stream starts.
type requestError struct {
	code, field, msg string
}

func (e *requestError) Error() string { return e.msg }

// parseRequest reads topics and the resume point: Last-Event-ID wins over
// ?since=. A request with no valid topic at all is refused; invalid ones in a
// partly valid request become error events inside the stream.
func (h *Handler) parseRequest(r *http.Request, maxTopics int) ([]string, *uint64, error) {
	q := r.URL.Query()
	var topics []string
	for _, v := range q["topics"] {
		for t := range strings.SplitSeq(v, ",") {
			if t = strings.TrimSpace(t); t != "" {
				topics = append(topics, t)
			}
		}
	}
	if len(topics) == 0 {
		return nil, nil, &requestError{"invalid_argument", "topics", "topics: give at least one topic, e.g. ?topics=quote:VNM,trade:VNM"}
	}
	if len(topics) > maxTopics {
		return nil, nil, &requestError{"invalid_argument", "topics", "topics: at most " + strconv.Itoa(maxTopics) + " topics"}
	}
	valid := 0
	var firstErr error
	for _, t := range topics {
		if _, err := h.hub.Expand(t); err == nil {
			valid++
		} else if firstErr == nil {
			firstErr = err
		}
	}
	if valid == 0 {
		return nil, nil, &requestError{"invalid_argument", "topics", "topics: no valid topic: " + firstErr.Error()}
	}
	raw := r.Header.Get("Last-Event-ID")
	field := "Last-Event-ID"
	if raw == "" {
		raw, field = q.Get("since"), "since"
	}
	if raw == "" {
		return topics, nil, nil
	}
	v, err := strconv.ParseUint(strings.TrimSpace(raw), 10, 64)
	if err != nil {
		return nil, nil, &requestError{"invalid_argument", field, field + ": must be a non-negative integer seq"}
	}
	return topics, &v, nil
}

func writeError(w http.ResponseWriter, status int, err error) {
	var re *requestError
	if !errors.As(err, &re) {
		re = &requestError{"internal", "", "internal error"}
	}
	reply.Error(w, status, re.code, re.msg, re.field)
}
