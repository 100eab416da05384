package feeds

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vnstock-api/vnstock-api/market"
)

// simEvent is one captured Publish call.
type simEvent struct {
	Topic   string
	Payload []byte
	TS      int64
}

// simRecorder is a Publisher that keeps every event; safe for concurrent use.
type simRecorder struct {
	mu     sync.Mutex
	events []simEvent
}

func (r *simRecorder) Publish(_ context.Context, topic string, payload []byte, ts int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, simEvent{topic, payload, ts})
	return nil
}

func (r *simRecorder) all() []simEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]simEvent(nil), r.events...)
}

// simFakeClock is a manual clock for single-goroutine tests.
type simFakeClock struct{ t time.Time }

func (c *simFakeClock) Now() time.Time { return c.t }

// simWednesday is a trading day (4 March 2026) at hh:mm:ss ICT.
func simWednesday(h, m, s int) time.Time { return time.Date(2026, 3, 4, h, m, s, 0, market.ICT) }

// newTestSim builds a sim on a fake clock starting at start.
func newTestSim(t testing.TB, seed int64, rate float64, clock string, start time.Time) (*Sim, *simFakeClock) {
	t.Helper()
	c := &simFakeClock{t: start}
	s, err := NewSim(SimConfig{Seed: seed, Rate: rate, Clock: clock, Now: c.Now})
	if err != nil {
		t.Fatalf("NewSim: %v", err)
	}
	return s, c
}

// driveSim publishes the opening state, then runs n loop ticks of dt each.
func driveSim(s *Sim, c *simFakeClock, n int, dt time.Duration) []simEvent {
	rec := &simRecorder{}
	ctx := context.Background()
	s.begin(ctx, rec)
	for range n {
		c.t = c.t.Add(dt)
		s.tick(ctx, rec)
	}
	return rec.all()
}

func countTopics(events []simEvent, prefix string) int {
	n := 0
	for _, e := range events {
		if strings.HasPrefix(e.Topic, prefix) {
			n++
		}
	}
	return n
}

func TestNewSimValidates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		rate  float64
		clock string
		ok    bool
	}{
		{"default clock", 200, "", true},
		{"always", 1, SimClockAlways, true},
		{"real", 50_000, SimClockReal, true},
		{"max rate", MaxSimRate, "", true},
		{"zero rate", 0, "", false},
		{"negative rate", -5, "", false},
		{"NaN rate", math.NaN(), "", false},
		{"too fast", MaxSimRate * 1.5, "", false},
		{"unknown clock", 200, "wall", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := NewSim(SimConfig{Rate: tc.rate, Clock: tc.clock})
			if tc.ok {
				if err != nil || s.Name() != "sim" {
					t.Fatalf("NewSim = %v, %v; want a sim", s, err)
				}
				return
			}
			if !errors.Is(err, market.ErrInvalid) {
				t.Fatalf("NewSim err = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestNewSimEmptyDirectory(t *testing.T) {
	t.Parallel()
	_, err := NewSim(SimConfig{Rate: 1, Directory: market.NewDirectory()})
	if !errors.Is(err, market.ErrInvalid) {
		t.Fatalf("NewSim with no symbols: err = %v, want ErrInvalid", err)
	}
}

func TestSimDeterministic(t *testing.T) {
	t.Parallel()
	start := simWednesday(10, 0, 0)
	a, ca := newTestSim(t, 42, 2000, "", start)
	b, cb := newTestSim(t, 42, 2000, "", start)
	c, cc := newTestSim(t, 43, 2000, "", start)
	ea := driveSim(a, ca, 200, 5*time.Millisecond)
	eb := driveSim(b, cb, 200, 5*time.Millisecond)
	ec := driveSim(c, cc, 200, 5*time.Millisecond)
	if len(ea) < 2000 {
		t.Fatalf("only %d events in 1 s at 2000/s", len(ea))
	}
	if i := firstDiff(ea, eb); i >= 0 {
		t.Fatalf("same seed, event %d differs (-a +b):\n%s", i, cmp.Diff(eventAt(ea, i), eventAt(eb, i)))
	}
	if firstDiff(ea, ec) < 0 {
		t.Fatal("seeds 42 and 43 gave the same events")
	}
}

// firstDiff returns the index of the first differing event, or -1.
func firstDiff(a, b []simEvent) int {
	for i := range max(len(a), len(b)) {
		if i >= len(a) || i >= len(b) || a[i].Topic != b[i].Topic || a[i].TS != b[i].TS ||
			string(a[i].Payload) != string(b[i].Payload) {
			return i
		}
	}
	return -1
}

func eventAt(events []simEvent, i int) string {
	if i >= len(events) {
		return "<none>"
	}
	return events[i].Topic + " " + string(events[i].Payload)
}

func TestSimPayloadsAreFreshExactSlices(t *testing.T) {
	t.Parallel()
	s, c := newTestSim(t, 1, 1000, "", simWednesday(10, 0, 0))
	events := driveSim(s, c, 100, 5*time.Millisecond)
	for _, e := range events {
		if cap(e.Payload) != len(e.Payload) || !json.Valid(e.Payload) {
			t.Fatalf("%s: payload len %d cap %d valid %v", e.Topic, len(e.Payload), cap(e.Payload), json.Valid(e.Payload))
		}
		if e.TS < simWednesday(10, 0, 0).UnixMilli() || e.TS > c.t.UnixMilli() {
			t.Fatalf("%s: ts %d outside the run", e.Topic, e.TS)
		}
	}
}

func TestSimStatusEveryTenSeconds(t *testing.T) {
	t.Parallel()
	s, c := newTestSim(t, 1, 10, "", simWednesday(10, 0, 0))
	events := driveSim(s, c, 25, time.Second)
	if n := countTopics(events, "status"); n != 3 { // t=0, 10 s, 20 s
		t.Fatalf("status events in 25 s = %d, want 3", n)
	}
	var st market.FeedStatus
	for _, e := range events {
		if e.Topic == "status" {
			if err := json.Unmarshal(e.Payload, &st); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(st.Sources) != 1 || st.Sources[0].Source != "sim" || st.Sources[0].State != market.HealthOK {
		t.Fatalf("status = %+v", st)
	}
}

func TestSimRunStopsOnCancel(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s, err := NewSim(SimConfig{Seed: 3, Rate: 500})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		rec := &simRecorder{}
		done := make(chan error, 1)
		go func() { done <- s.Run(ctx, rec) }()
		time.Sleep(time.Second)
		synctest.Wait()
		if err := s.Run(ctx, rec); err == nil {
			t.Error("a second concurrent Run succeeded")
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run = %v, want nil after cancel", err)
		}
		if len(rec.all()) == 0 {
			t.Fatal("no events published")
		}
		// synctest.Test fails if Run left a goroutine behind.
	})
}

func TestSimRate(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const rate, secs = 1000, 10
		s, err := NewSim(SimConfig{Seed: 9, Rate: rate})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		rec := &simRecorder{}
		done := make(chan error, 1)
		go func() { done <- s.Run(ctx, rec) }()
		time.Sleep(secs*time.Second + time.Millisecond)
		cancel()
		<-done
		events := rec.all()
		vn30 := 0
		for _, e := range events {
			if sym, ok := strings.CutPrefix(e.Topic, "quote:"); ok && simIsVN30(market.Symbol(sym)) {
				vn30++
			}
		}
		want := rate*secs + len(market.VN30) // plus the opening board
		if math.Abs(float64(vn30-want)) > 0.02*float64(want) {
			t.Errorf("VN30 quotes in %d s = %d, want %d ±2%%", secs, vn30, want)
		}
		if n, want := countTopics(events, "index:VNINDEX"), rate*secs/simIndexEvery; math.Abs(float64(n-want)) > 0.05*float64(want) {
			t.Errorf("VNINDEX events = %d, want about %d", n, want)
		}
		other := countTopics(events, "quote:") - vn30
		if wantOther := rate * secs / simOtherEvery; math.Abs(float64(other-wantOther)) > 0.1*float64(wantOther) {
			t.Errorf("other quotes = %d, want about %d", other, wantOther)
		}
	})
}

func simIsVN30(s market.Symbol) bool {
	for _, m := range market.VN30 {
		if m == s {
			return true
		}
	}
	return false
}

func TestSimIndexAtLeastOncePerSecond(t *testing.T) {
	t.Parallel()
	s, c := newTestSim(t, 5, 1, "", simWednesday(10, 0, 0)) // 1 update/s: 20 s between step-driven indices
	events := driveSim(s, c, 100, 100*time.Millisecond)
	if n := countTopics(events, "index:VNINDEX"); n < 10 || n > 12 {
		t.Fatalf("VNINDEX events in 10 s at rate 1 = %d, want 10 to 12", n)
	}
}
