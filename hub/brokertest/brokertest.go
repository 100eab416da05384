// Package brokertest is the contract every hub.Broker passes: the memory
// broker in hub's own tests, the Redis broker against miniredis and a real
// Redis. A Broker that passes it gives the hub one ordered, gap-free stream
// of sequence numbers, a history that reports its own trimming, and last
// values.
package brokertest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/hub"
)

// Factory returns a new broker, not yet started, whose history keeps the
// given bounds. It registers the broker's cleanup with t.
type Factory func(t *testing.T, hist hub.HistoryConfig) hub.Broker

// Recorder is a hub.Deliverer that keeps what it is given.
type Recorder struct {
	mu  sync.Mutex
	evs []*hub.Event
	got chan struct{}
}

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder { return &Recorder{got: make(chan struct{}, 1)} }

// Deliver implements hub.Deliverer.
func (r *Recorder) Deliver(ev *hub.Event) {
	r.mu.Lock()
	r.evs = append(r.evs, ev)
	r.mu.Unlock()
	select {
	case r.got <- struct{}{}:
	default:
	}
}

// Events returns a copy of what was delivered so far.
func (r *Recorder) Events() []*hub.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*hub.Event(nil), r.evs...)
}

// WaitN waits up to 10 s until at least n events were delivered and returns
// them all.
func (r *Recorder) WaitN(t testing.TB, n int) []*hub.Event {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		if evs := r.Events(); len(evs) >= n {
			return evs
		}
		select {
		case <-r.got:
		case <-deadline:
			t.Fatalf("delivered %d events, want %d", len(r.Events()), n)
		}
	}
}

// WaitSeq waits up to 10 s until an event with seq ≥ seq was delivered.
func (r *Recorder) WaitSeq(t testing.TB, seq uint64) []*hub.Event {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		evs := r.Events()
		if len(evs) > 0 && evs[len(evs)-1].Seq >= seq {
			return evs
		}
		select {
		case <-r.got:
		case <-deadline:
			t.Fatalf("seq %d never delivered (%d events)", seq, len(evs))
		}
	}
}

// started returns a broker from f, started with a new Recorder, and
// subscribed to topics.
func started(t *testing.T, f Factory, hist hub.HistoryConfig, topics ...string) (hub.Broker, *Recorder) {
	t.Helper()
	b := f(t, hist)
	rec := NewRecorder()
	if err := b.Start(rec); err != nil {
		t.Fatal(err)
	}
	if len(topics) > 0 {
		if err := b.Subscribe(context.Background(), topics...); err != nil {
			t.Fatal(err)
		}
	}
	return b, rec
}

func publish(t testing.TB, b hub.Broker, topic, data string) uint64 {
	t.Helper()
	seq, err := b.Publish(context.Background(), topic, []byte(data), 1) // ts 1: old enough for any age bound
	if err != nil {
		t.Fatalf("publish %s: %v", topic, err)
	}
	return seq
}

// Run runs the contract suite against brokers from f.
func Run(t *testing.T, f Factory) {
	t.Run("seq increases and delivery is in order", func(t *testing.T) { testOrder(t, f) })
	t.Run("events round-trip unchanged", func(t *testing.T) { testRoundTrip(t, f) })
	t.Run("history reads a window and reports trimming", func(t *testing.T) { testHistory(t, f) })
	t.Run("last values", func(t *testing.T) { testLastValues(t, f) })
	t.Run("every event after subscribe is delivered", func(t *testing.T) { testSubscribeMidStream(t, f) })
	t.Run("resubscribe after unsubscribe", func(t *testing.T) { testResubscribe(t, f) })
	t.Run("epoch is stable", func(t *testing.T) { testEpoch(t, f) })
	t.Run("closed broker refuses publishes", func(t *testing.T) { testClosed(t, f) })
	t.Run("async publishes keep their order", func(t *testing.T) { testAsyncOrder(t, f) })
}

// testAsyncOrder checks, for brokers that are hub.AsyncPublishers, that the
// events one goroutine publishes asynchronously get seqs in its order,
// while another goroutine publishes synchronously.
func testAsyncOrder(t *testing.T, f Factory) {
	b, rec := started(t, f, hub.HistoryConfig{}, "async", "sync")
	ap, ok := b.(hub.AsyncPublisher)
	if !ok {
		t.Skip("not an AsyncPublisher")
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 100 {
			if _, err := b.Publish(ctx, "sync", []byte(fmt.Sprint(i)), 1); err != nil {
				t.Error(err)
				return
			}
		}
	})
	const n = 1000
	for i := range n {
		if err := ap.PublishAsync(ctx, "async", []byte(fmt.Sprint(i)), 1); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	evs := rec.WaitN(t, n+100)
	next := 0
	for _, ev := range evs {
		if ev.Topic != "async" {
			continue
		}
		if string(ev.Data) != fmt.Sprint(next) {
			t.Fatalf("async event %q delivered where %d was due", ev.Data, next)
		}
		next++
	}
	if next != n {
		t.Fatalf("delivered %d async events, want %d", next, n)
	}
}

func testOrder(t *testing.T, f Factory) {
	topics := []string{"t:0", "t:1", "t:2", "t:3"}
	b, rec := started(t, f, hub.HistoryConfig{}, topics...)
	var wg sync.WaitGroup
	seqs := make([][]uint64, len(topics))
	for w, topic := range topics {
		wg.Go(func() {
			for i := range 50 {
				seq, err := b.Publish(context.Background(), topic, []byte(fmt.Sprint(i)), 1)
				if err != nil {
					t.Error(err)
					return
				}
				seqs[w] = append(seqs[w], seq)
			}
		})
	}
	wg.Wait()
	evs := rec.WaitN(t, 200)
	if len(evs) != 200 {
		t.Fatalf("delivered %d events, want 200", len(evs))
	}
	for i := 1; i < len(evs); i++ {
		if evs[i].Seq != evs[i-1].Seq+1 {
			t.Fatalf("seq %d follows %d", evs[i].Seq, evs[i-1].Seq)
		}
	}
	for w := range topics {
		for i := 1; i < len(seqs[w]); i++ {
			if seqs[w][i] <= seqs[w][i-1] {
				t.Fatalf("publisher %d got seq %d after %d", w, seqs[w][i], seqs[w][i-1])
			}
		}
	}
}

func testRoundTrip(t *testing.T, f Factory) {
	b, rec := started(t, f, hub.HistoryConfig{}, "q:x", "q:é")
	cases := []struct{ topic, data string }{
		{"q:x", `{"a":"1:2:3","b":"line\nbreak"}`},
		{"q:é", `"ünïcode ✓"`},
		{"q:x", ``},
	}
	var want []*hub.Event
	for i, c := range cases {
		ts := int64(1_700_000_000_000 + i)
		seq, err := b.Publish(context.Background(), c.topic, []byte(c.data), ts)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, hub.NewEvent(c.topic, seq, ts, []byte(c.data)))
	}
	got := rec.WaitN(t, len(want))
	for i, w := range want {
		g := got[i]
		if g.Topic != w.Topic || g.Seq != w.Seq || g.TS != w.TS || string(g.Data) != string(w.Data) {
			t.Errorf("event %d = %s %d %d %q, want %s %d %d %q", i, g.Topic, g.Seq, g.TS, g.Data, w.Topic, w.Seq, w.TS, w.Data)
		}
		if string(g.AppendLine(nil)) != string(w.AppendLine(nil)) {
			t.Errorf("event %d wire form %s, want %s", i, g.AppendLine(nil), w.AppendLine(nil))
		}
	}
}

func testHistory(t *testing.T, f Factory) {
	ctx := context.Background()
	b, rec := started(t, f, hub.HistoryConfig{MinEvents: 10, MinAge: time.Nanosecond}, "a", "b")
	var first, last uint64
	for i := range 30 {
		topic := "a"
		if i%2 == 1 {
			topic = "b"
		}
		last = publish(t, b, topic, `{}`)
		if i == 0 {
			first = last
		}
	}
	if last-first != 29 {
		t.Fatalf("30 publishes took seqs %d..%d", first, last)
	}
	rec.WaitSeq(t, last)
	evs, ok, err := b.History(ctx, last-6, last, func(s string) bool { return s == "a" })
	if err != nil || !ok {
		t.Fatalf("History = ok %v, err %v", ok, err)
	}
	if len(evs) != 3 {
		t.Fatalf("got %d events of topic a in the last 6, want 3", len(evs))
	}
	for i, ev := range evs {
		if ev.Topic != "a" || ev.Seq <= last-6 || (i > 0 && ev.Seq <= evs[i-1].Seq) {
			t.Fatalf("history event %d: %s seq %d", i, ev.Topic, ev.Seq)
		}
	}
	if all, ok, _ := b.History(ctx, last-5, last, nil); !ok || len(all) != 5 || all[4].Seq != last {
		t.Fatalf("History(last-5, last, all) = %d events, ok %v", len(all), ok)
	}
	if _, ok, _ := b.History(ctx, last-29, last, nil); ok {
		t.Fatal("history of 30 events kept beyond its bound of 10 events")
	}
	if evs, ok, _ := b.History(ctx, last, last, nil); !ok || len(evs) != 0 {
		t.Fatal("an empty window must be complete")
	}
}

func testLastValues(t *testing.T, f Factory) {
	b, rec := started(t, f, hub.HistoryConfig{}, "x")
	for _, d := range []string{`1`, `2`} {
		publish(t, b, "x", d)
	}
	seq := publish(t, b, "never-subscribed", `3`)
	rec.WaitN(t, 2)
	evs, err := b.LastValues(context.Background(), []string{"x", "never", "never-subscribed"})
	if err != nil || len(evs) != 2 {
		t.Fatalf("LastValues = %v, %v; want x and never-subscribed", evs, err)
	}
	byTopic := map[string]*hub.Event{}
	for _, ev := range evs {
		byTopic[ev.Topic] = ev
	}
	if ev := byTopic["x"]; ev == nil || string(ev.Data) != "2" {
		t.Fatalf("last value of x = %v, want 2", ev)
	}
	if ev := byTopic["never-subscribed"]; ev == nil || ev.Seq != seq || string(ev.Data) != "3" {
		t.Fatalf("last value of a topic never routed here = %v, want seq %d", ev, seq)
	}
}

// testSubscribeMidStream checks that once Subscribe returns, every event of
// the topic published from then on is delivered, in order.
func testSubscribeMidStream(t *testing.T, f Factory) {
	ctx := context.Background()
	b, rec := started(t, f, hub.HistoryConfig{}, "other")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := b.Publish(ctx, "mid", []byte(fmt.Sprint(i)), 1); err != nil {
				t.Error(err)
				return
			}
		}
	})
	publish(t, b, "other", "warm")
	if err := b.Subscribe(ctx, "mid"); err != nil {
		t.Fatal(err)
	}
	from := publish(t, b, "other", "after subscribe")
	close(stop)
	wg.Wait()
	last := publish(t, b, "mid", "last")
	evs := rec.WaitSeq(t, last)
	var mids []uint64
	for _, ev := range evs {
		if ev.Topic == "mid" && ev.Seq > from {
			mids = append(mids, ev.Seq)
		}
	}
	for i := 1; i < len(mids); i++ {
		if mids[i] <= mids[i-1] {
			t.Fatalf("seq %d after %d", mids[i], mids[i-1])
		}
	}
	hist, ok, err := b.History(ctx, from, last, func(s string) bool { return s == "mid" })
	if err != nil || !ok {
		t.Fatalf("History = %v, %v", ok, err)
	}
	if len(hist) != len(mids) {
		t.Fatalf("delivered %d events of mid after seq %d, history has %d", len(mids), from, len(hist))
	}
}

func testResubscribe(t *testing.T, f Factory) {
	ctx := context.Background()
	b, rec := started(t, f, hub.HistoryConfig{}, "r")
	publish(t, b, "r", "1")
	rec.WaitN(t, 1)
	if err := b.Unsubscribe(ctx, "r"); err != nil {
		t.Fatal(err)
	}
	if err := b.Subscribe(ctx, "r"); err != nil {
		t.Fatal(err)
	}
	seq := publish(t, b, "r", "2")
	evs := rec.WaitSeq(t, seq)
	if ev := evs[len(evs)-1]; ev.Topic != "r" || string(ev.Data) != "2" {
		t.Fatalf("after resubscribing got %s %q", ev.Topic, ev.Data)
	}
}

func testEpoch(t *testing.T, f Factory) {
	b, rec := started(t, f, hub.HistoryConfig{}, "e")
	e := b.Epoch()
	if e == "" {
		t.Fatal("empty epoch")
	}
	rec.WaitSeq(t, publish(t, b, "e", "1"))
	if b.Epoch() != e {
		t.Fatalf("epoch changed from %q to %q with history intact", e, b.Epoch())
	}
}

func testClosed(t *testing.T, f Factory) {
	ctx := context.Background()
	b, _ := started(t, f, hub.HistoryConfig{})
	if err := b.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Publish(ctx, "x", nil, 1); err == nil {
		t.Fatal("publish after close succeeded")
	}
	if err := b.Close(ctx); err != nil {
		t.Fatalf("second close: %v", err)
	}
}
