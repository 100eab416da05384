package feeds

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/feeds/ssifake"
	"github.com/vnstock-api/vnstock-api/market"
)

// ssiEvent is one publish seen by ssiRecorder.
type ssiEvent struct {
	topic   string
	payload []byte
	ts      int64
}

// ssiRecorder is a Publisher that keeps every event and signals status
// events on a channel.
type ssiRecorder struct {
	mu     sync.Mutex
	events []ssiEvent
	status chan market.Health
}

func newSSIRecorder() *ssiRecorder { return &ssiRecorder{status: make(chan market.Health, 64)} }

func (r *ssiRecorder) Publish(_ context.Context, topic string, payload []byte, ts int64) error {
	r.mu.Lock()
	r.events = append(r.events, ssiEvent{topic, payload, ts})
	r.mu.Unlock()
	if topic == "status" {
		var st market.FeedStatus
		if json.Unmarshal(payload, &st) == nil && len(st.Sources) == 1 {
			select {
			case r.status <- st.Sources[0].State:
			default:
			}
		}
	}
	return nil
}

// byKind returns the events whose topic starts with kind + ":".
func (r *ssiRecorder) byKind(kind string) []ssiEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []ssiEvent
	for _, e := range r.events {
		if strings.HasPrefix(e.topic, kind+":") || e.topic == kind {
			out = append(out, e)
		}
	}
	return out
}

// waitStatus waits for the next status event and checks its state.
func waitStatus(t *testing.T, r *ssiRecorder, want market.Health) {
	t.Helper()
	select {
	case got := <-r.status:
		if got != want {
			t.Fatalf("status %s, want %s", got, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("no %s status within 10 s", want)
	}
}

func sessionFrames(t *testing.T) []ssifake.Frame {
	t.Helper()
	frames, err := ssifake.LoadRecording(ssiSessionFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(frames) != 135 {
		t.Fatalf("%d frames, want 135", len(frames))
	}
	return frames
}

var ssiTestClock = time.Date(2026, 4, 14, 13, 32, 0, 0, market.ICT)

// startSSI runs an SSI feed against srv until the test ends; it returns the
// recorder, the feed, and a stop func that cancels and waits for Run.
func startSSI(t *testing.T, srv *ssifake.Server, cfg SSIConfig) (*ssiRecorder, *SSI, func()) {
	t.Helper()
	cfg.URL = srv.WSURL()
	if cfg.Symbols == nil {
		cfg.Symbols = []market.Symbol{"VCB", "FPT", "MBB"}
	}
	cfg.Now = func() time.Time { return ssiTestClock }
	feed, err := NewSSI(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rec := newSSIRecorder()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- feed.Run(ctx, rec) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run returned %v, want nil", err)
			}
		})
	}
	t.Cleanup(stop)
	return rec, feed, stop
}

func TestSSIStreamEndToEnd(t *testing.T) {
	t.Parallel()
	srv := ssifake.NewServer(sessionFrames(t), ssifake.Options{CloseAtEnd: true})
	defer srv.Close()
	rec, feed, stop := startSSI(t, srv, SSIConfig{Indices: []string{"VNINDEX", "HNXINDEX"}, BackoffBase: time.Hour})
	waitStatus(t, rec, market.HealthOK)
	waitStatus(t, rec, market.HealthDown) // CloseAtEnd: every frame handled
	stop()

	subs := map[string]string{}
	for range 2 {
		s := <-srv.Subscriptions()
		var m ssiSub
		if err := json.Unmarshal(s.Raw, &m); err != nil {
			t.Fatal(err)
		}
		v, _ := json.Marshal(m.Variables)
		subs[m.Topic] = string(v) + " " + m.Component
	}
	want := map[string]string{
		"stockRealtimeBySymbolsAndBoards": `{"boardIds":["MAIN"],"symbols":["VCB","FPT","MBB"]} priceTableEquities`,
		"notifyIndexRealtimeByListV2":     `["VNINDEX","HNXIndex"] indexChart`,
	}
	for k, v := range want {
		if subs[k] != v {
			t.Errorf("sub %s = %s, want %s", k, subs[k], v)
		}
	}

	quotes, trades := rec.byKind("quote"), rec.byKind("trade")
	if len(quotes) != 110 || len(trades) != 17 {
		t.Errorf("%d quotes and %d trades, want 110 (135 - 25 time-only) and 17", len(quotes), len(trades))
	}
	golden := goldenLines(t)
	gi := 0
	for i, q := range quotes {
		for gi < len(golden) && !bytes.Equal(golden[gi], q.payload) {
			gi++
		}
		if gi == len(golden) {
			t.Fatalf("quote %d (%s) is not the next golden row in order: %s", i, q.topic, q.payload)
		}
		if q.ts != ssiTestClock.UnixMilli() {
			t.Errorf("quote %d ts %d, want the injected clock", i, q.ts)
		}
	}
	vol := map[string]int64{}
	for _, tr := range trades {
		var v struct {
			Volume int64  `json:"volume"`
			Side   string `json:"side"`
		}
		if err := json.Unmarshal(tr.payload, &v); err != nil || v.Side != "unknown" {
			t.Fatalf("trade %s: %s (%v)", tr.topic, tr.payload, err)
		}
		vol[tr.topic] += v.Volume
	}
	wantVol := map[string]int64{"trade:MBB": 7200, "trade:FPT": 2000, "trade:VCB": 200}
	for k, v := range wantVol {
		if vol[k] != v {
			t.Errorf("%s volumes sum to %d, want %d", k, vol[k], v)
		}
	}
	if st := feed.Stats(); st.Malformed != 0 || st.Records != 135 || st.Unchanged != 25 || st.Connects != 1 {
		t.Errorf("stats %+v", st)
	}
}

// goldenLines returns the quote rows of the session golden file.
func goldenLines(t *testing.T) [][]byte {
	t.Helper()
	var lines [][]byte
	for _, l := range testdataLines(t, "session_2026-04-14.golden.json") {
		l = bytes.TrimSuffix(l, []byte(","))
		if len(l) > 0 && l[0] == '{' {
			lines = append(lines, l)
		}
	}
	return lines
}

func TestSSIStreamSilenceReconnects(t *testing.T) {
	t.Parallel()
	srv := ssifake.NewServer(sessionFrames(t), ssifake.Options{SilentAfter: 5})
	defer srv.Close()
	rec, feed, stop := startSSI(t, srv, SSIConfig{Silence: 300 * time.Millisecond,
		BackoffBase: time.Millisecond, BackoffMax: 2 * time.Millisecond})
	for conn := 1; conn <= 2; conn++ {
		select {
		case s := <-srv.Subscriptions():
			if s.Conn != conn || !bytes.Contains(s.Raw, []byte(`"type":"sub"`)) {
				t.Fatalf("subscription %s on connection %d, want a sub on %d", s.Raw, s.Conn, conn)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no subscription on connection %d", conn)
		}
	}
	waitStatus(t, rec, market.HealthOK)
	waitStatus(t, rec, market.HealthDown)
	waitStatus(t, rec, market.HealthOK)
	stop()
	if st := feed.Stats(); st.Connects < 2 || st.Records < 5 {
		t.Errorf("stats %+v, want ≥ 2 connects and ≥ 5 records", st)
	}
}

func TestSSIStreamMalformedSkipped(t *testing.T) {
	t.Parallel()
	srv := ssifake.NewServer(sessionFrames(t), ssifake.Options{MalformedEvery: 10, CloseAtEnd: true})
	defer srv.Close()
	rec, feed, stop := startSSI(t, srv, SSIConfig{BackoffBase: time.Hour})
	waitStatus(t, rec, market.HealthOK)
	waitStatus(t, rec, market.HealthDown)
	stop()
	st := feed.Stats()
	if st.Malformed != 13 || st.Records != 135 || st.Quotes != 110 {
		t.Errorf("stats %+v, want 13 malformed, 135 records, 110 quotes", st)
	}
}

func TestNewSSIInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  SSIConfig
	}{
		{"nothing to subscribe", SSIConfig{}},
		{"bad url", SSIConfig{URL: "ftp://x", Symbols: []market.Symbol{"VCB"}}},
		{"bad symbol", SSIConfig{Symbols: []market.Symbol{"V-B"}}},
		{"bad index", SSIConfig{Indices: []string{"VN 30"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := NewSSI(tt.cfg); err == nil {
				t.Error("NewSSI succeeded, want an error")
			}
		})
	}
}

func TestBackoffDelay(t *testing.T) {
	t.Parallel()
	for attempt, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second} {
		for range 20 {
			d := backoffDelay(time.Second, 8*time.Second, attempt)
			if d < want/2 || d > want {
				t.Fatalf("attempt %d: delay %v outside [%v, %v]", attempt, d, want/2, want)
			}
		}
	}
}
