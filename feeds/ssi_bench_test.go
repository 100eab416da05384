package feeds

import (
	"context"
	"log/slog"
	"testing"
	"time"
)

// nopPublisher accepts and drops every event.
type nopPublisher struct{}

func (nopPublisher) Publish(context.Context, string, []byte, int64) error { return nil }

// BenchmarkSSIParse measures the parser alone over the recorded session.
func BenchmarkSSIParse(b *testing.B) {
	recs := ssiSessionRecords(b)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for _, rec := range recs {
			if _, err := ParseSSIRecord(rec); err != nil {
				b.Fatal(err)
			}
		}
		n += len(recs)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkSSIParseAndPublish measures the whole live path per record:
// parse, derive trades, encode quote (and trade) JSON, publish to a no-op
// publisher. records/s is per core (the benchmark runs on one goroutine).
func BenchmarkSSIParseAndPublish(b *testing.B) {
	recs := ssiSessionRecords(b)
	var stats ssiCounters
	now := time.Now()
	p := newSSIPipeline(ssiSource, slog.New(slog.DiscardHandler), func() time.Time { return now }, &stats)
	ctx := context.Background()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for _, rec := range recs {
			p.handleFrame(ctx, nopPublisher{}, rec)
		}
		n += len(recs)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
	if stats.malformed.Load() != 0 {
		b.Fatalf("%d malformed records", stats.malformed.Load())
	}
}
