package feeds

import (
	"context"
	"testing"
	"time"
)

// simCounter is a Publisher that only counts.
type simCounter struct{ n, bytes int64 }

func (c *simCounter) Publish(_ context.Context, _ string, payload []byte, _ int64) error {
	c.n++
	c.bytes += int64(len(payload))
	return nil
}

// BenchmarkSimStep measures one VN30 quote update with its trade, bars and
// the proportional secondary events; events/s is what one core can publish.
func BenchmarkSimStep(b *testing.B) {
	s, _ := newTestSim(b, 1, 1000, "", simWednesday(10, 0, 0))
	pub := &simCounter{}
	ctx := context.Background()
	s.begin(ctx, pub)
	pub.n, pub.bytes = 0, 0
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		s.step(ctx, pub)
	}
	b.ReportMetric(float64(pub.n)/time.Since(start).Seconds(), "events/s")
	b.ReportMetric(float64(pub.n)/float64(b.N), "events/op")
}
