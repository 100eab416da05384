package feeds

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"sync/atomic"
	"time"

	"github.com/vnstock-api/vnstock-api/feeds/upstream"
	"github.com/vnstock-api/vnstock-api/market"
)

// ReplayConfig configures a replay of a recorded session.
type ReplayConfig struct {
	// Path is a JSON-lines file of protocol envelopes, one per line:
	// {"type":"event","topic":"quote:VNM","seq":1,"ts":1732761000123,"data":{...}}.
	Path string
	// Speed divides the recorded gaps between events (1 = real time, 10 =
	// ten times faster); 0 plays as fast as possible.
	Speed float64
	// Loop restarts the file when it ends.
	Loop bool
	// Logger receives malformed-line warnings; nil discards them.
	Logger *slog.Logger
	// Now and Sleep are the clock; nil means the real one. Sleep must return
	// ctx's error when ctx ends before d has passed.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// ReplayStats counts what a replay did with the file's lines.
type ReplayStats struct {
	Published int64 // events accepted by the publisher
	Refused   int64 // events the publisher refused
	Skipped   int64 // lines of other types (snapshot, heartbeat, ...) and blank lines
	Malformed int64 // lines that are not a valid event envelope
	Passes    int64 // completed passes over the file
}

// replayMaxLine bounds one line; a longer line is malformed.
const replayMaxLine = 1 << 20

// replayLogLimit is how many malformed lines a pass logs one by one.
const replayLogLimit = 10

// Replay plays a recorded JSON-lines session as a live feed named "replay":
// each event's topic and data are republished, paced by the recorded ts
// differences divided by Speed, with ts set to the publish time. A malformed
// line is logged, counted and skipped. One Run at a time; Stats may be
// called concurrently.
type Replay struct {
	cfg       ReplayConfig
	log       *slog.Logger
	published atomic.Int64
	refused   atomic.Int64
	skipped   atomic.Int64
	malformed atomic.Int64
	passes    atomic.Int64
	running   atomic.Bool
}

var _ Feed = (*Replay)(nil)

// NewReplay validates cfg and checks that the file can be opened.
func NewReplay(cfg ReplayConfig) (*Replay, error) {
	if cfg.Speed < 0 || math.IsNaN(cfg.Speed) || math.IsInf(cfg.Speed, 0) {
		return nil, fmt.Errorf("replay: %w", market.Invalid("speed", "%v must be a finite number ≥ 0", cfg.Speed))
	}
	if cfg.Path == "" {
		return nil, fmt.Errorf("replay: %w", market.Invalid("path", "must not be empty"))
	}
	f, err := os.Open(cfg.Path)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	f.Close()
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = upstream.Sleep
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Replay{cfg: cfg, log: log}, nil
}

// Name returns "replay".
func (r *Replay) Name() string { return "replay" }

// Stats returns the counters so far.
func (r *Replay) Stats() ReplayStats {
	return ReplayStats{
		Published: r.published.Load(), Refused: r.refused.Load(), Skipped: r.skipped.Load(),
		Malformed: r.malformed.Load(), Passes: r.passes.Load(),
	}
}

// Run plays the file until it ends (or, with Loop, forever) or ctx ends,
// then returns nil. It fails when the file cannot be read, or when Loop is
// set and a whole pass found no event to publish.
func (r *Replay) Run(ctx context.Context, pub Publisher) error {
	if !r.running.CompareAndSwap(false, true) {
		return errors.New("replay: run already in progress")
	}
	defer r.running.Store(false)
	p := newPacer(r.cfg.Speed, r.cfg.Now, r.cfg.Sleep)
	r.publishStatus(ctx, pub, market.HealthOK, "")
	for {
		n, err := r.play(ctx, pub, p)
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return nil
		}
		r.passes.Add(1)
		if !r.cfg.Loop {
			r.publishStatus(ctx, pub, market.HealthDown, "replay finished")
			return nil
		}
		if n == 0 {
			return fmt.Errorf("replay %s: no event to loop over", r.cfg.Path)
		}
		p.reset()
	}
}

// play makes one pass over the file and returns how many events it found.
func (r *Replay) play(ctx context.Context, pub Publisher, p *pacer) (int, error) {
	f, err := os.Open(r.cfg.Path)
	if err != nil {
		return 0, fmt.Errorf("replay: %w", err)
	}
	defer f.Close()
	lines := newReplayLines(f, replayMaxLine)
	events, bad := 0, 0
	for n := 1; ; n++ {
		line, err := lines.next()
		if errors.Is(err, io.EOF) {
			r.logMalformedSummary(bad)
			return events, nil
		}
		var ev replayEvent
		ok := false
		if err == nil {
			ev, ok, err = parseReplayLine(line)
		}
		switch {
		case errors.Is(err, errReplayRead):
			return events, fmt.Errorf("replay %s: line %d: %w", r.cfg.Path, n, err)
		case err != nil:
			bad++
			r.malformed.Add(1)
			if bad <= replayLogLimit {
				err = fmt.Errorf("replay %s: line %d: %w", r.cfg.Path, n, err)
				r.log.Warn("malformed replay line", "source", "replay", "line", n, "err", err)
			}
			continue
		case !ok:
			r.skipped.Add(1)
			continue
		}
		events++
		if p.wait(ctx, ev.at) != nil {
			return events, nil
		}
		if pub.Publish(ctx, ev.topic, ev.data, r.cfg.Now().UnixMilli()) != nil {
			r.refused.Add(1)
		} else {
			r.published.Add(1)
		}
	}
}

func (r *Replay) logMalformedSummary(bad int) {
	if bad > replayLogLimit {
		r.log.Warn("malformed replay lines", "source", "replay", "path", r.cfg.Path, "count", bad)
	}
}

// publishStatus publishes the `status` topic for the replay source.
func (r *Replay) publishStatus(ctx context.Context, pub Publisher, state market.Health, msg string) {
	now := r.cfg.Now()
	b, err := json.Marshal(market.FeedStatus{Time: now, Sources: []market.SourceStatus{
		{Source: "replay", State: state, LastUpdate: now, Message: msg},
	}})
	if err != nil { // cannot happen: strings and times only
		r.log.Error("encode status", "source", "replay", "err", err)
		return
	}
	if pub.Publish(ctx, "status", b, now.UnixMilli()) != nil {
		r.refused.Add(1)
	}
}

// replayEvent is one event line ready to republish.
type replayEvent struct {
	topic string
	data  []byte
	at    time.Time // recorded publish time; zero when the line had no ts
}

// replayEnvelope is the JSON shape of a recorded line.
type replayEnvelope struct {
	Type  string          `json:"type"`
	Topic string          `json:"topic"`
	Seq   uint64          `json:"seq"`
	TS    int64           `json:"ts"`
	Data  json.RawMessage `json:"data"`
}

// parseReplayLine parses one line. It returns ok=false and no error for a
// blank line or a message of another type, and an error for anything that
// is not a valid envelope: bad JSON, no type, an event without a concrete
// topic or without data, a negative ts.
func parseReplayLine(line []byte) (replayEvent, bool, error) {
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return replayEvent{}, false, nil
	}
	var env replayEnvelope
	if err := json.Unmarshal(line, &env); err != nil {
		return replayEvent{}, false, fmt.Errorf("not a JSON envelope: %w", err)
	}
	switch env.Type {
	case "event":
	case "":
		return replayEvent{}, false, errors.New("no type")
	default:
		return replayEvent{}, false, nil
	}
	t, err := market.ParseTopic(env.Topic)
	if err != nil {
		return replayEvent{}, false, err
	}
	if t.IsPattern() {
		return replayEvent{}, false, fmt.Errorf("topic %q names a group, not one topic", env.Topic)
	}
	if len(env.Data) == 0 || string(env.Data) == "null" || !json.Valid(env.Data) {
		return replayEvent{}, false, errors.New("event without data")
	}
	if env.TS < 0 {
		return replayEvent{}, false, fmt.Errorf("negative ts %d", env.TS)
	}
	ev := replayEvent{topic: t.String(), data: env.Data}
	if env.TS > 0 {
		ev.at = time.UnixMilli(env.TS)
	}
	return ev, true, nil
}

// errReplayRead marks a failure to read the file, which ends the replay
// (unlike a malformed line).
var errReplayRead = errors.New("read")

// errReplayLineTooLong marks a line longer than the reader's limit.
var errReplayLineTooLong = errors.New("line too long")

// replayLines reads lines of at most max bytes; a longer line is discarded
// and reported as errReplayLineTooLong, and reading goes on after it.
type replayLines struct {
	br  *bufio.Reader
	buf []byte
	max int
}

func newReplayLines(r io.Reader, maxLen int) *replayLines {
	return &replayLines{br: bufio.NewReaderSize(r, 64<<10), max: maxLen}
}

// next returns the next line without its newline, valid until the next
// call; io.EOF after the last line.
func (l *replayLines) next() ([]byte, error) {
	l.buf = l.buf[:0]
	tooLong := false
	for {
		chunk, err := l.br.ReadSlice('\n')
		if !tooLong && len(l.buf)+len(chunk) > l.max+1 { // +1: the newline
			tooLong, l.buf = true, l.buf[:0]
		}
		if !tooLong {
			l.buf = append(l.buf, chunk...)
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if len(l.buf) == 0 && !tooLong {
				return nil, io.EOF
			}
		case err != nil:
			return nil, fmt.Errorf("%w: %w", errReplayRead, err)
		}
		if tooLong {
			return nil, fmt.Errorf("%w (more than %d bytes)", errReplayLineTooLong, l.max)
		}
		return bytes.TrimSuffix(l.buf, []byte{'\n'}), nil
	}
}

// pacer releases recorded events on the wall clock: an event recorded at
// `at` is due at anchor + (at − first)/speed, where first is the recorded
// time of the first paced event and anchor the wall time it was released.
// Anchoring on the first event rather than the previous one keeps a long
// replay from drifting. A recorded time before the first re-anchors (a new
// recording or day); speed 0 and zero times never wait. Any replay
// (JSON-lines envelopes, raw upstream captures) can pace with it.
type pacer struct {
	speed    float64
	now      func() time.Time
	sleep    func(ctx context.Context, d time.Duration) error
	anchored bool
	wall     time.Time // wall time of the anchor
	first    time.Time // recorded time of the anchor
}

func newPacer(speed float64, now func() time.Time, sleep func(context.Context, time.Duration) error) *pacer {
	return &pacer{speed: speed, now: now, sleep: sleep}
}

// wait blocks until the event recorded at `at` is due, and returns ctx's
// error if ctx ends first (or had ended).
func (p *pacer) wait(ctx context.Context, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if p.speed <= 0 || at.IsZero() {
		return nil
	}
	if !p.anchored || at.Before(p.first) {
		p.anchored, p.wall, p.first = true, p.now(), at
		return nil
	}
	due := p.wall.Add(time.Duration(float64(at.Sub(p.first)) / p.speed))
	if d := due.Sub(p.now()); d > 0 {
		return p.sleep(ctx, d)
	}
	return nil
}

// reset forgets the anchor: the next event is released at once.
func (p *pacer) reset() { p.anchored = false }
