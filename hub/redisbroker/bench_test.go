package redisbroker

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/hub"
)

// countingDeliverer counts delivered events.
type countingDeliverer struct{ n atomic.Int64 }

func (c *countingDeliverer) Deliver(*hub.Event) { c.n.Add(1) }

// benchPayload is a quote-sized event.
var benchPayload = []byte(`{"symbol":"VNM","price":61300,"change":300,"volume":1234500,"bid":[{"price":61200,"volume":1000}],"ask":[{"price":61300,"volume":2000}]}`)

// startBenchBroker starts a broker on the benchmark Redis, counting what it
// delivers back, subscribed to 30 quote topics; it is closed with b.
func startBenchBroker(b *testing.B) (*Broker, *countingDeliverer, []string) {
	c := openBenchRedis(b)
	br, err := New(Config{Client: c, Prefix: benchPrefix(b, c)})
	if err != nil {
		b.Fatal(err)
	}
	d := &countingDeliverer{}
	if err := br.Start(d); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = br.Close(context.Background()) })
	topics := make([]string, 30)
	for i := range topics {
		topics[i] = "quote:S" + strconv.Itoa(i)
	}
	if err := br.Subscribe(context.Background(), topics...); err != nil {
		b.Fatal(err)
	}
	return br, d, topics
}

// BenchmarkPublish measures events published through Redis (seq, stream,
// last value, PUBLISH) with many concurrent publishers batched into one
// script call, and their delivery back over pub/sub to this instance.
// Real Redis only: miniredis says nothing about Redis's speed.
func BenchmarkPublish(b *testing.B) {
	br, d, topics := startBenchBroker(b)
	var i atomic.Int64
	b.SetParallelism(512)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := i.Add(1)
			if _, err := br.Publish(context.Background(), topics[n%30], benchPayload, 0); err != nil {
				b.Error(err)
				return
			}
		}
	})
	elapsed := time.Since(start)
	deadline := time.Now().Add(30 * time.Second)
	for d.n.Load() < int64(b.N) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	total := time.Since(start)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "published/s")
	b.ReportMetric(float64(d.n.Load())/total.Seconds(), "delivered/s")
}

// BenchmarkPublishAsync is one feed goroutine publishing without waiting
// (Hub.PublishAsync): the broker batches what queues up. The rate is the
// events delivered back over pub/sub per second.
func BenchmarkPublishAsync(b *testing.B) {
	br, d, topics := startBenchBroker(b)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		if err := br.PublishAsync(context.Background(), topics[i%30], benchPayload, 0); err != nil {
			b.Fatal(err)
		}
	}
	for d.n.Load() < int64(b.N) && time.Since(start) < time.Minute {
		time.Sleep(time.Millisecond)
	}
	b.ReportMetric(float64(d.n.Load())/time.Since(start).Seconds(), "delivered/s")
}
