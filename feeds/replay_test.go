package feeds

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

const replaySample = "../testdata/replay/vn30_sample.jsonl"

// replayClock is a fake clock whose Sleep advances it; safe for concurrent use.
type replayClock struct {
	mu     sync.Mutex
	t      time.Time
	slept  time.Duration
	sleeps int
}

func (c *replayClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *replayClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	c.slept += d
	c.sleeps++
	return nil
}

// sampleEnvelopes builds the sample recording: a seeded sim on a fake clock
// at 10 updates/s, its session events and then everything after the opening
// board but status, numbered from 1, with a heartbeat line in the middle as
// a recorded WebSocket stream would have.
func sampleEnvelopes(t *testing.T) []byte {
	t.Helper()
	start := simWednesday(10, 0, 0)
	s, c := newTestSim(t, 2026, 10, "", start)
	events := driveSim(s, c, 40, 100*time.Millisecond)
	var b bytes.Buffer
	seq := 0
	for _, e := range events {
		opening := e.TS == start.UnixMilli() && !strings.HasPrefix(e.Topic, "session:")
		if e.Topic == "status" || opening {
			continue
		}
		seq++
		fmt.Fprintf(&b, `{"type":"event","topic":%q,"seq":%d,"ts":%d,"data":%s}`+"\n", e.Topic, seq, e.TS, e.Payload)
		if seq == 25 {
			fmt.Fprintf(&b, `{"type":"heartbeat","seq":%d,"ts":%d}`+"\n", seq, e.TS)
		}
		if seq == 50 {
			break
		}
	}
	return b.Bytes()
}

func TestReplaySampleUpToDate(t *testing.T) {
	t.Parallel()
	want := sampleEnvelopes(t)
	if *update {
		if err := os.MkdirAll(filepath.Dir(replaySample), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(replaySample, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(replaySample)
	if err != nil {
		t.Fatalf("%v (run go test ./feeds -run TestReplaySampleUpToDate -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is stale: the seeded sim now records differently (rerun with -update)", replaySample)
	}
}

// sampleEvents parses the sample file as the replay should republish it.
func sampleEvents(t *testing.T) []replayEvent {
	t.Helper()
	b, err := os.ReadFile(replaySample)
	if err != nil {
		t.Fatal(err)
	}
	var out []replayEvent
	for i, line := range bytes.Split(b, []byte{'\n'}) {
		ev, ok, err := parseReplayLine(line)
		if err != nil {
			t.Fatalf("sample line %d: %v", i+1, err)
		}
		if ok {
			out = append(out, ev)
		}
	}
	return out
}

func newTestReplay(t *testing.T, path string, speed float64, loop bool, c *replayClock) *Replay {
	t.Helper()
	r, err := NewReplay(ReplayConfig{Path: path, Speed: speed, Loop: loop, Now: c.Now, Sleep: c.Sleep})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// withoutStatus drops the replay's own status events.
func withoutStatus(events []simEvent) []simEvent {
	var out []simEvent
	for _, e := range events {
		if e.Topic != "status" {
			out = append(out, e)
		}
	}
	return out
}

func TestReplayOrderAndPacing(t *testing.T) {
	t.Parallel()
	for _, speed := range []float64{1, 2, 10, 0} {
		t.Run(fmt.Sprintf("x%v", speed), func(t *testing.T) {
			t.Parallel()
			want := sampleEvents(t)
			start := time.Date(2027, 1, 4, 9, 0, 0, 0, market.ICT)
			c := &replayClock{t: start}
			r := newTestReplay(t, replaySample, speed, false, c)
			rec := &simRecorder{}
			if err := r.Run(t.Context(), rec); err != nil {
				t.Fatal(err)
			}
			got := withoutStatus(rec.all())
			if len(got) != len(want) {
				t.Fatalf("published %d events, want %d", len(got), len(want))
			}
			first := want[0].at
			for i, e := range got {
				if e.Topic != want[i].topic || !bytes.Equal(e.Payload, want[i].data) {
					t.Fatalf("event %d = %s %s, want %s %s", i, e.Topic, e.Payload, want[i].topic, want[i].data)
				}
				if speed == 0 {
					continue
				}
				due := start.Add(time.Duration(float64(want[i].at.Sub(first)) / speed))
				if e.TS != due.UnixMilli() {
					t.Fatalf("event %d published at %d, due at %d", i, e.TS, due.UnixMilli())
				}
			}
			span := want[len(want)-1].at.Sub(first)
			wantSlept := time.Duration(0)
			if speed > 0 {
				wantSlept = time.Duration(float64(span) / speed)
			}
			if c.slept != wantSlept {
				t.Fatalf("slept %v over a %v recording at x%v, want %v", c.slept, span, speed, wantSlept)
			}
			if st := r.Stats(); st.Published != int64(len(want)) || st.Skipped != 1 || st.Malformed != 0 || st.Passes != 1 {
				t.Fatalf("stats = %+v", st)
			}
		})
	}
}

// logCapture records slog records; safe for concurrent use.
type logCapture struct {
	mu      sync.Mutex
	records []slog.Record
}

func (h *logCapture) Enabled(context.Context, slog.Level) bool { return true }
func (h *logCapture) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.records = append(h.records, r.Clone())
	return nil
}
func (h *logCapture) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *logCapture) WithGroup(string) slog.Handler      { return h }

func writeReplayFile(t *testing.T, lines ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rec.jsonl")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func replayLine(topic string, ts int64, data string) string {
	return fmt.Sprintf(`{"type":"event","topic":%q,"seq":1,"ts":%d,"data":%s}`, topic, ts, data)
}

func TestReplayMalformedLinesSkipped(t *testing.T) {
	t.Parallel()
	path := writeReplayFile(t,
		replayLine("quote:VNM", 1000, `{"symbol":"VNM"}`),
		`not json at all`,
		replayLine("quote:@VN30", 1001, `{}`),
		`{"type":"snapshot","topic":"quote:VNM","seq":1,"ts":1,"data":{}}`,
		`{"type":"event","topic":"trade:VNM","seq":2,"ts":1002}`,
		``,
		`{"topic":"trade:VNM","seq":3,"ts":1003,"data":{}}`,
		replayLine("trade:VNM", 1004, `{"price":61000}`),
		`{"type":"event","topic":"trade:VNM","seq":4,"ts":1005,"data":{"price":}}`,
		replayLine("bar:VNM:2m", 1006, `{}`),
		`{"type":"event","topic":"trade:VNM","seq":4,"ts":-5,"data":{}}`,
		`{"type":"event","topic":"trade:VNM","data":`+strings.Repeat(" ", replayMaxLine)+`{}}`,
		replayLine("index:VNINDEX", 1007, `{"value":1650.5}`),
	)
	logs := &logCapture{}
	r, err := NewReplay(ReplayConfig{Path: path, Logger: slog.New(logs)})
	if err != nil {
		t.Fatal(err)
	}
	rec := &simRecorder{}
	if err := r.Run(t.Context(), rec); err != nil {
		t.Fatal(err)
	}
	var topics []string
	for _, e := range withoutStatus(rec.all()) {
		topics = append(topics, e.Topic)
	}
	if got := strings.Join(topics, " "); got != "quote:VNM trade:VNM index:VNINDEX" {
		t.Fatalf("published %q", got)
	}
	if st := r.Stats(); st.Malformed != 8 || st.Skipped != 2 || st.Published != 3 {
		t.Fatalf("stats = %+v, want 8 malformed, 2 skipped, 3 published", st)
	}
	var lines []string
	for _, rec := range logs.records {
		var line, msg string
		rec.Attrs(func(a slog.Attr) bool {
			switch a.Key {
			case "line":
				line = a.Value.String()
			case "err":
				msg = a.Value.String()
			}
			return true
		})
		if !strings.Contains(msg, "line "+line+": ") {
			t.Errorf("error %q does not name line %s", msg, line)
		}
		lines = append(lines, line)
	}
	if got := strings.Join(lines, ","); got != "2,3,5,7,9,10,11,12" {
		t.Fatalf("logged malformed lines %s, want 2,3,5,7,9,10,11,12", got)
	}
}

func TestReplayLoopRestarts(t *testing.T) {
	t.Parallel()
	path := writeReplayFile(t,
		replayLine("quote:VNM", 10_000, `{"n":1}`),
		replayLine("quote:FPT", 10_500, `{"n":2}`),
		replayLine("quote:HPG", 11_000, `{"n":3}`),
	)
	c := &replayClock{t: time.Date(2027, 1, 4, 9, 0, 0, 0, market.ICT)}
	r := newTestReplay(t, path, 1, true, c)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pub := &replayStopAfter{n: 8, cancel: cancel}
	if err := r.Run(ctx, pub); err != nil {
		t.Fatalf("Run = %v, want nil after cancel", err)
	}
	if got := strings.Join(pub.topics, " "); got != "quote:VNM quote:FPT quote:HPG quote:VNM quote:FPT quote:HPG quote:VNM quote:FPT" {
		t.Fatalf("published %q", got)
	}
	// Each pass waits 1 s (10.0 → 11.0 s); a restart is released at once.
	if c.slept != 2*time.Second+500*time.Millisecond {
		t.Fatalf("slept %v, want 2.5s", c.slept)
	}
	if st := r.Stats(); st.Passes != 2 {
		t.Fatalf("passes = %d, want 2", st.Passes)
	}
}

// replayStopAfter cancels its context after n non-status events.
type replayStopAfter struct {
	n      int
	cancel context.CancelFunc
	topics []string
}

func (p *replayStopAfter) Publish(_ context.Context, topic string, _ []byte, _ int64) error {
	if topic == "status" {
		return nil
	}
	p.topics = append(p.topics, topic)
	if len(p.topics) == p.n {
		p.cancel()
	}
	return nil
}

func TestReplayLoopWithoutEventsFails(t *testing.T) {
	t.Parallel()
	path := writeReplayFile(t, `{"type":"heartbeat","seq":1,"ts":1}`, `garbage`)
	c := &replayClock{t: time.Unix(0, 0)}
	r := newTestReplay(t, path, 1, true, c)
	if err := r.Run(t.Context(), &simRecorder{}); err == nil || !strings.Contains(err.Error(), "no event") {
		t.Fatalf("Run = %v, want a no-event error", err)
	}
}

func TestReplayCancelStopsWaiting(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		path := writeReplayFile(t,
			replayLine("quote:VNM", 1_000_000, `{}`),
			replayLine("quote:VNM", 1_000_000+3_600_000, `{}`), // an hour later
		)
		r, err := NewReplay(ReplayConfig{Path: path, Speed: 1})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		rec := &simRecorder{}
		done := make(chan error, 1)
		go func() { done <- r.Run(ctx, rec) }()
		time.Sleep(time.Minute)
		synctest.Wait()
		if n := len(withoutStatus(rec.all())); n != 1 {
			t.Fatalf("published %d events in the first minute, want 1", n)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run = %v, want nil", err)
		}
	})
}

func TestNewReplayValidates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		path  string
		speed float64
	}{
		{"missing file", filepath.Join(t.TempDir(), "nope.jsonl"), 1},
		{"empty path", "", 1},
		{"negative speed", replaySample, -1},
		{"NaN speed", replaySample, math.NaN()},
		{"infinite speed", replaySample, math.Inf(1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := NewReplay(ReplayConfig{Path: tc.path, Speed: tc.speed}); err == nil {
				t.Fatal("NewReplay succeeded")
			}
		})
	}
	if r, err := NewReplay(ReplayConfig{Path: replaySample}); err != nil || r.Name() != "replay" {
		t.Fatalf("NewReplay(sample) = %v, %v", r, err)
	}
}

func TestPacer(t *testing.T) {
	t.Parallel()
	c := &replayClock{t: time.Unix(1000, 0)}
	p := newPacer(2, c.Now, c.Sleep)
	ctx := t.Context()
	rec := func(s int) time.Time { return time.Unix(int64(s), 0) }
	steps := []struct {
		at        time.Time
		advance   time.Duration // wall time spent before the call
		wantSlept time.Duration // total so far
	}{
		{rec(100), 0, 0},                             // anchors
		{rec(110), 0, 5 * time.Second},               // 10 s recorded at x2
		{rec(112), 3 * time.Second, 5 * time.Second}, // already late: no wait
		{time.Time{}, 0, 5 * time.Second},            // no time: no wait
		{rec(50), 0, 5 * time.Second},                // earlier than the anchor: re-anchors
		{rec(60), 0, 10 * time.Second},
	}
	for i, s := range steps {
		c.t = c.t.Add(s.advance)
		if err := p.wait(ctx, s.at); err != nil {
			t.Fatal(err)
		}
		if c.slept != s.wantSlept {
			t.Fatalf("step %d: slept %v, want %v", i, c.slept, s.wantSlept)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := p.wait(cctx, rec(70)); !errors.Is(err, context.Canceled) {
		t.Fatalf("wait after cancel = %v", err)
	}
}

func FuzzParseReplayLine(f *testing.F) {
	if b, err := os.ReadFile(replaySample); err == nil {
		for _, line := range bytes.Split(b, []byte{'\n'})[:5] {
			f.Add(line)
		}
	}
	f.Add([]byte(`{"type":"event","topic":"bar:VNM:1m","ts":1,"data":[1]}`))
	f.Add([]byte(`{"type":"event","topic":"quote:*","data":{}}`))
	f.Add([]byte(`{"type":"x"}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		ev, ok, err := parseReplayLine(line)
		if err != nil || !ok {
			return
		}
		if _, err := market.ParseTopic(ev.topic); err != nil {
			t.Fatalf("accepted topic %q: %v", ev.topic, err)
		}
		if len(ev.data) == 0 || !json.Valid(ev.data) {
			t.Fatalf("accepted invalid data %q", ev.data)
		}
	})
}

func TestReplayLinesLimit(t *testing.T) {
	t.Parallel()
	in := "short\n" + strings.Repeat("x", 100) + "\n\nlast"
	l := newReplayLines(strings.NewReader(in), 50)
	var got []string
	for {
		line, err := l.next()
		if errors.Is(err, errReplayLineTooLong) {
			got = append(got, "<too long>")
			continue
		}
		if err != nil {
			break
		}
		got = append(got, strconv.Quote(string(line)))
	}
	if s := strings.Join(got, " "); s != `"short" <too long> "" "last"` {
		t.Fatalf("lines = %s", s)
	}
}
