package graph

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/executor"
	"github.com/coder/websocket"

	"github.com/vnstock-api/vnstock-api/api/graph/internal/gen"

	"github.com/vnstock-api/vnstock-api/hub"
	"github.com/vnstock-api/vnstock-api/market"
)

// latencyHist counts publish→receive latencies in 1 ms buckets (the
// envelope's ts has millisecond resolution).
type latencyHist struct {
	buckets [1 << 14]atomic.Uint64
}

func (h *latencyHist) add(ms int64) {
	h.buckets[min(max(ms, 0), int64(len(h.buckets)-1))].Add(1)
}

func (h *latencyHist) quantile(q float64) int {
	var total uint64
	for i := range h.buckets {
		total += h.buckets[i].Load()
	}
	want := uint64(q * float64(total))
	var seen uint64
	for i := range h.buckets {
		if seen += h.buckets[i].Load(); seen >= want && seen > 0 {
			return i
		}
	}
	return 0
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkSubscribersVN30 holds VNSTOCK_BENCH_SUBS (5,000) GraphQL
// subscribers on quotes(group: "VN30") over graphql-transport-ws, publishes
// VNSTOCK_BENCH_RATE (200) quote updates/s across the basket for
// VNSTOCK_BENCH_SECONDS (10 s), and reports the publish→receive latency of
// every delivered item (p50, p99, max) and the delivered items/s. Server
// and clients share the machine. Run with -benchtime=1x.
func BenchmarkSubscribersVN30(b *testing.B) {
	for _, shared := range []bool{true, false} {
		name := map[bool]string{true: "shared", false: "gqlgen"}[shared]
		b.Run(name, func(b *testing.B) {
			if !shared && os.Getenv("VNSTOCK_BENCH_GQLGEN") == "" {
				b.Skip("set VNSTOCK_BENCH_GQLGEN=1 to measure gqlgen's per-subscriber execution too")
			}
			benchFanout(b, shared)
		})
	}
}

func benchFanout(b *testing.B, shared bool) {
	subs := envInt("VNSTOCK_BENCH_SUBS", 5000)
	rate := envInt("VNSTOCK_BENCH_RATE", 200)
	secs := envInt("VNSTOCK_BENCH_SECONDS", 10)
	flush := time.Duration(envInt("VNSTOCK_BENCH_FLUSH_MS", 50)) * time.Millisecond
	e := newEnv(b, renderMode(shared), func(c *Config, _ *hub.Config) { c.Stream.FlushInterval = flush })
	for i, s := range market.VN30 { // every member has a snapshot
		publish(b, e, "quote:"+string(s), quoteJSON(e, s, 60000+int64(i)), time.Now().UnixMilli())
	}
	hist := &latencyHist{}
	var items, msgs atomic.Uint64
	var measuring atomic.Bool
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	conns := dialSubscribers(b, ctx, e, subs, &wg, func(payload []byte, now int64) {
		msgs.Add(1)
		for rest := payload; ; {
			i := bytes.Index(rest, []byte(`"ts":`))
			if i < 0 {
				break
			}
			rest = rest[i+5:]
			end := bytes.IndexAny(rest, ",}")
			ts := parseDigits(rest[:end])
			if measuring.Load() {
				hist.add(now - ts)
				items.Add(1)
			}
		}
	})
	b.ReportAllocs()
	b.ResetTimer()
	measuring.Store(true)
	cpu0 := processCPU()
	start := time.Now()
	publishAt(b, e, rate, time.Duration(secs)*time.Second)
	time.Sleep(500 * time.Millisecond) // let the last updates arrive
	elapsed := time.Since(start)
	cpu := processCPU() - cpu0
	measuring.Store(false)
	b.StopTimer()
	cancel()
	for _, c := range conns {
		_ = c.CloseNow()
	}
	wg.Wait()
	b.ReportMetric(float64(hist.quantile(0.50)), "p50-ms")
	b.ReportMetric(float64(hist.quantile(0.99)), "p99-ms")
	b.ReportMetric(float64(hist.quantile(1)), "max-ms")
	b.ReportMetric(float64(items.Load())/elapsed.Seconds(), "items/s")
	b.ReportMetric(float64(msgs.Load())/elapsed.Seconds(), "msgs/s")
	b.ReportMetric(float64(subs), "subscribers")
	b.ReportMetric(cpu.Seconds()/elapsed.Seconds(), "cores")
	b.ReportMetric(float64(cpu.Microseconds())/float64(max(msgs.Load(), 1)), "cpu-µs/msg")
	b.Logf("%d subscribers, %d updates/s for %ds, flush %v: p50 %d ms, p99 %d ms, max %d ms; %.0f items/s in %.0f messages/s; "+
		"process CPU %.2f cores (server and clients), %.1f µs per message; hub %+v",
		subs, rate, secs, flush, hist.quantile(0.5), hist.quantile(0.99), hist.quantile(1),
		float64(items.Load())/elapsed.Seconds(), float64(msgs.Load())/elapsed.Seconds(),
		cpu.Seconds()/elapsed.Seconds(), float64(cpu.Microseconds())/float64(max(msgs.Load(), 1)), e.hub.Stats())
}

// processCPU is the user and system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func parseDigits(b []byte) int64 {
	var n int64
	for _, c := range b {
		n = n*10 + int64(c-'0')
	}
	return n
}

// dialSubscribers connects n clients, subscribes each to the VN30 board and
// waits for every snapshot; onData gets each later message's payload.
func dialSubscribers(b *testing.B, ctx context.Context, e *env, n int, wg *sync.WaitGroup, onData func([]byte, int64)) []*websocket.Conn {
	b.Helper()
	conns := make([]*websocket.Conn, n)
	ready := make(chan error, n)
	sem := make(chan struct{}, 64)
	u := "ws" + strings.TrimPrefix(e.url, "http")
	for i := range n {
		sem <- struct{}{}
		c, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{Subprotocols: []string{protoTransport}})
		<-sem
		if err != nil {
			b.Fatalf("dial %d: %v", i, err)
		}
		c.SetReadLimit(1 << 20)
		conns[i] = c
		wg.Add(1)
		go func() {
			defer wg.Done()
			runSubscriber(ctx, c, ready, onData)
		}()
	}
	deadline := time.After(5 * time.Minute)
	for i := range n {
		select {
		case err := <-ready:
			if err != nil {
				b.Fatalf("subscriber %d: %v", i, err)
			}
		case <-deadline:
			b.Fatalf("only %d of %d subscribers got their snapshot", i, n)
		}
	}
	return conns
}

func runSubscriber(ctx context.Context, c *websocket.Conn, ready chan<- error, onData func([]byte, int64)) {
	write := func(s string) error {
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		return c.Write(wctx, websocket.MessageText, []byte(s))
	}
	if err := write(`{"type":"connection_init"}`); err != nil {
		ready <- err
		return
	}
	if err := write(`{"type":"subscribe","id":"1","payload":{"query":"subscription { quotes(group: \"VN30\") { symbol price seq ts } }"}}`); err != nil {
		ready <- err
		return
	}
	subscribed := false
	var buf bytes.Buffer // reused: the client's cost shares the machine with the server
	for {
		_, r, err := c.Reader(ctx)
		if err == nil {
			buf.Reset()
			_, err = buf.ReadFrom(r)
		}
		if err != nil {
			if !subscribed {
				ready <- err
			}
			return
		}
		msg := buf.Bytes()
		now := time.Now().UnixMilli()
		switch {
		case bytes.HasPrefix(msg, []byte(`{"type":"ping"`)):
			_ = write(`{"type":"pong"}`)
		case bytes.Contains(msg, []byte(`"type":"next"`)):
			if !subscribed {
				subscribed = true
				ready <- nil
				continue
			}
			onData(msg, now)
		case bytes.Contains(msg, []byte(`"type":"error"`)) && !subscribed:
			ready <- fmt.Errorf("%s", msg)
			return
		}
	}
}

// publishAt publishes quote updates across the VN30 basket at rate per
// second for d, with ts the publish time.
func publishAt(b *testing.B, e *env, rate int, d time.Duration) {
	b.Helper()
	basket := slices.Clone(market.VN30)
	q := e.svc.quotes["VNM"]
	interval := time.Second / time.Duration(rate)
	next := time.Now()
	end := next.Add(d)
	for i := 0; time.Now().Before(end); i++ {
		q.Symbol = basket[i%len(basket)]
		q.Last = 60000 + int64(i%500)*10
		if _, err := e.hub.Publish(context.Background(), "quote:"+string(q.Symbol), q.AppendJSON(nil), time.Now().UnixMilli()); err != nil {
			b.Fatal(err)
		}
		next = next.Add(interval)
		time.Sleep(time.Until(next))
	}
}

// BenchmarkRenderQuote compares what one subscriber pays per quote item:
// gqlgen's execution of the selection (the per-subscriber path) against a
// hit in the shared render cache (every subscriber after the first).
func BenchmarkRenderQuote(b *testing.B) {
	e := newEnv(b)
	ctx := graphql.StartOperationTrace(context.Background())
	oc, errs := executor.New(e.h.es).CreateOperationContext(ctx, &graphql.RawParams{
		Query: `subscription { quotes(group: "VN30") { symbol price change volume bid { price volume } ask { price volume } seq ts } }`,
	})
	if errs != nil {
		b.Fatal(errs)
	}
	rd, err := gen.NewRenderer(e.h.es, oc)
	if err != nil {
		b.Fatal(err)
	}
	field, err := rd.SubscriptionField()
	if err != nil {
		b.Fatal(err)
	}
	ctx = graphql.WithOperationContext(ctx, oc)
	ev := hub.NewEvent("quote:VNM", 7, 1742526900000, []byte(quoteJSON(e, "VNM", 68200)))
	s := &sharedSub{h: e.h, rd: rd, field: field, shape: &shape{}}
	b.Run("gqlgen-execution", func(b *testing.B) {
		v, err := decodeEvent(ev)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			rctx := graphql.WithResponseContext(ctx, e.h.presentError, graphql.DefaultRecover)
			m, _ := rd.Marshal(rctx, field.Selections, v)
			m.MarshalGQL(&buf)
		}
	})
	b.Run("shared-cache-hit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.shape.get(ev, func() ([]byte, error) { return s.render(ctx, ev) }); err != nil {
				b.Fatal(err)
			}
		}
	})
}
