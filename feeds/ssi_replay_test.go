package feeds

import (
	"context"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

func TestSSIReplayOnce(t *testing.T) {
	t.Parallel()
	r, err := NewSSIReplay(ssiSessionFile, 0, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Name() != "replay" {
		t.Errorf("name %q", r.Name())
	}
	rec := newSSIRecorder()
	if err := r.Run(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	if q, tr := len(rec.byKind("quote")), len(rec.byKind("trade")); q != 110 || tr != 17 {
		t.Errorf("%d quotes, %d trades, want 110 and 17 as the live client", q, tr)
	}
	waitStatus(t, rec, market.HealthOK)
	waitStatus(t, rec, market.HealthDown)
	// Acks and the unsub's JSON reply are control frames, not errors.
	if st := r.Stats(); st.Malformed != 0 || st.Control != 2 || st.Frames != 137 {
		t.Errorf("stats %+v, want 137 frames, 2 control, 0 malformed", st)
	}
}

func TestSSIReplayPaced(t *testing.T) {
	t.Parallel()
	// The recording spans 44.7 s from the ack to the last record; at 500×
	// that is about 90 ms.
	r, err := NewSSIReplay(ssiSessionFile, 500, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := r.Run(context.Background(), newSSIRecorder()); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Errorf("replay at 500× took %v, want ≥ 80 ms", d)
	}
}

// cancelAfter cancels its context once it has seen n quote events.
type cancelAfter struct {
	n      int64
	quotes atomic.Int64
	trades atomic.Int64
	cancel context.CancelFunc
}

func (c *cancelAfter) Publish(_ context.Context, topic string, _ []byte, _ int64) error {
	switch {
	case strings.HasPrefix(topic, "quote:"):
		if c.quotes.Add(1) == c.n {
			c.cancel()
		}
	case strings.HasPrefix(topic, "trade:"):
		c.trades.Add(1)
	}
	return nil
}

func TestSSIReplayLoop(t *testing.T) {
	t.Parallel()
	r, err := NewSSIReplay(ssiSessionFile, 0, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pub := &cancelAfter{n: 3*110 + 5, cancel: cancel}
	if err := r.Run(ctx, pub); err != nil {
		t.Fatal(err)
	}
	// The restart's drop in cumulative volume makes no trade: 17 per pass.
	if tr := pub.trades.Load(); tr < 3*17 || tr > 4*17 {
		t.Errorf("%d trades after three passes, want 51..68", tr)
	}
}

func TestNewSSIReplayErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := fileWriter(t, dir)
	tests := []struct {
		name  string
		path  string
		speed float64
	}{
		{"missing file", filepath.Join(dir, "nope.jsonl"), 1},
		{"negative speed", ssiSessionFile, -1},
		{"not json", write("bad.jsonl", "MAIN|S#VCB\n"), 1},
		{"no time", write("not.jsonl", `{"dir":"in","raw":"x"}`+"\n"), 1},
		{"no in frames", write("empty.jsonl", `{"t":1,"dir":"out","raw":"x"}`+"\n"), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := NewSSIReplay(tt.path, tt.speed, false, nil); err == nil {
				t.Error("NewSSIReplay succeeded, want an error")
			}
		})
	}
}
