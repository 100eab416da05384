package redisbroker

import (
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/hub"
)

func TestTrimmerKeepsTheLargerWindow(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1_700_000_000, 0)
	cases := []struct {
		name    string
		cfg     hub.HistoryConfig
		rate    int // events per second, published for 10 minutes
		bytes   int // per event
		wantMin int64
	}{
		// 100/s for 600 s: 60,000 events; 2 min = 12,000 events > 10,000.
		{"age wins", hub.HistoryConfig{}, 100, 100, 60_000 - 12_000 - 100},
		// 30/s: 2 min is 3,600 events; 10,000 events reach further back.
		{"count wins", hub.HistoryConfig{}, 30, 100, 18_000 - 10_000 + 1},
		// Fewer events than either bound: keep everything.
		{"young history", hub.HistoryConfig{}, 10, 100, 0},
		// 1 MiB bound at ~1 KiB per event: about 1,000 events whatever the rest.
		{"bytes win", hub.HistoryConfig{MaxBytes: 1 << 20}, 100, 1000, 60_000 - 1_000},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			tr := newTrimmer(c.cfg)
			var seq uint64
			for s := range 600 {
				for range 10 {
					seq += uint64(c.rate / 10)
					now := t0.Add(time.Duration(s)*time.Second + 100*time.Millisecond)
					tr.observe(now, seq, c.rate/10, (c.rate/10)*c.bytes)
				}
			}
			now := t0.Add(600 * time.Second)
			got := int64(tr.minID(now, seq))
			want := c.wantMin
			if d := got - want; d < -int64(c.rate)*2 || d > int64(c.rate)*2 {
				t.Fatalf("minID = %d, want about %d", got, want)
			}
			if len(tr.samples) > 200 {
				t.Fatalf("%d samples kept", len(tr.samples))
			}
		})
	}
}
