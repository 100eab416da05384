package redisbroker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vnstock-api/vnstock-api/hub"
)

// classify conflates every topic but trade: ones, as the server does.
func classify(topic string, _ []byte) (string, bool) {
	return topic, !strings.HasPrefix(topic, "trade:")
}

// instance is one server's hub on its own Redis broker.
type instance struct {
	h *hub.Hub
	b *Broker
}

func newInstance(t *testing.T, c redis.UniversalClient, prefix string, hc hub.Config) *instance {
	t.Helper()
	b := newTestBroker(t, Config{Client: c, Prefix: prefix})
	hc.Classify = classify
	h, err := hub.New(hc, b)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close(context.Background()) })
	return &instance{h, b}
}

// cluster returns n instances sharing one Redis (and key prefix).
func cluster(t *testing.T, be backend, n int, hc hub.Config) []*instance {
	t.Helper()
	c := be.open(t)
	prefix := testPrefix(t, c)
	out := make([]*instance, n)
	for i := range out {
		out[i] = newInstance(t, c, prefix, hc)
	}
	return out
}

type msg struct {
	Type     string          `json:"type"`
	Topic    string          `json:"topic"`
	Seq      uint64          `json:"seq"`
	Data     json.RawMessage `json:"data"`
	Complete bool            `json:"complete"`
	From     uint64          `json:"from"`
	To       uint64          `json:"to"`
}

// collect drains s until stop says so or 10 s pass.
func collect(t *testing.T, s *hub.Subscriber, stop func([]msg) bool) []msg {
	t.Helper()
	var out []msg
	var items []hub.Item
	deadline := time.After(10 * time.Second)
	for !stop(out) {
		select {
		case <-s.Ready():
		case <-deadline:
			t.Fatalf("timed out; got %d messages: %+v", len(out), out)
		}
		var err error
		if items, err = s.Drain(items[:0]); err != nil {
			t.Fatalf("drain: %v", err)
		}
		for _, it := range items {
			var m msg
			if err := json.Unmarshal(it.AppendJSON(nil), &m); err != nil {
				t.Fatal(err)
			}
			out = append(out, m)
		}
	}
	return out
}

func count(ms []msg, typ string) int {
	n := 0
	for _, m := range ms {
		if m.Type == typ {
			n++
		}
	}
	return n
}

func lastEventSeq(ms []msg) uint64 {
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].Type == "event" {
			return ms[i].Seq
		}
	}
	return 0
}

func eventSeqs(ms []msg) []uint64 {
	var out []uint64
	for _, m := range ms {
		if m.Type == "event" {
			out = append(out, m.Seq)
		}
	}
	return out
}

func subscribe(t *testing.T, in *instance, req hub.SubscribeRequest) *hub.Subscriber {
	t.Helper()
	s := in.h.NewSubscriber()
	t.Cleanup(func() { s.Close(context.Background()) })
	s.Subscribe(context.Background(), req)
	return s
}

func waitHead(t *testing.T, h *hub.Hub, seq uint64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for h.Head() < seq {
		if time.Now().After(deadline) {
			t.Fatalf("head %d never reached %d", h.Head(), seq)
		}
		time.Sleep(time.Millisecond)
	}
}

func pub(t *testing.T, in *instance, topic, data string) uint64 {
	t.Helper()
	seq, err := in.h.Publish(context.Background(), topic, []byte(data), 0)
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

func forBackends(t *testing.T, f func(t *testing.T, be backend)) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			f(t, be)
		})
	}
}

// Subscribers on different instances see the same events with the same
// seqs, in the same order, whichever instance published them.
func TestInstancesSeeOneSequence(t *testing.T) {
	t.Parallel()
	forBackends(t, func(t *testing.T, be backend) {
		ins := cluster(t, be, 2, hub.Config{})
		topics := []string{"trade:A", "trade:B"}
		subs := []*hub.Subscriber{
			subscribe(t, ins[0], hub.SubscribeRequest{Topics: topics}),
			subscribe(t, ins[1], hub.SubscribeRequest{Topics: topics}),
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		var top uint64
		for i, in := range ins {
			wg.Go(func() {
				for n := range 100 {
					seq, err := in.h.Publish(context.Background(), topics[(n+i)%2], []byte(fmt.Sprint(n)), 0)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					top = max(top, seq)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		var got [2][]uint64
		for i, s := range subs {
			got[i] = eventSeqs(collect(t, s, func(m []msg) bool { return lastEventSeq(m) >= top }))
		}
		if len(got[0]) != 200 || fmt.Sprint(got[0]) != fmt.Sprint(got[1]) {
			t.Fatalf("instance sequences differ or are incomplete: %d vs %d events", len(got[0]), len(got[1]))
		}
		for i := 1; i < len(got[0]); i++ {
			if got[0][i] != got[0][i-1]+1 {
				t.Fatalf("seq %d follows %d", got[0][i], got[0][i-1])
			}
		}
	})
}

// A client that resumes on another instance gets exactly what it missed.
func TestResumeOnAnotherInstance(t *testing.T) {
	t.Parallel()
	forBackends(t, func(t *testing.T, be backend) {
		ins := cluster(t, be, 2, hub.Config{})
		ctx := context.Background()
		first := subscribe(t, ins[0], hub.SubscribeRequest{Topics: []string{"trade:A"}})
		seen := pub(t, ins[0], "trade:A", "1")
		collect(t, first, func(m []msg) bool { return lastEventSeq(m) >= seen })
		epoch := ins[0].h.Epoch()
		first.Close(ctx)
		var missed []uint64
		for i := range 20 {
			topic := []string{"trade:A", "trade:other"}[i%2]
			if seq := pub(t, ins[0], topic, fmt.Sprint(i)); topic == "trade:A" {
				missed = append(missed, seq)
			}
		}
		s := subscribe(t, ins[1], hub.SubscribeRequest{Topics: []string{"trade:A"}, Since: &seen, Epoch: epoch})
		got := collect(t, s, func(m []msg) bool { return count(m, "recovered") == 1 })
		rec := got[len(got)-1]
		if !rec.Complete || fmt.Sprint(eventSeqs(got)) != fmt.Sprint(missed) {
			t.Fatalf("resume on another instance: replayed %v complete %v, want %v complete", eventSeqs(got), rec.Complete, missed)
		}
		live := pub(t, ins[0], "trade:A", `"live"`)
		got = collect(t, s, func(m []msg) bool { return len(m) > 0 })
		if got[0].Seq != live {
			t.Fatalf("after recovery got %+v, want live seq %d", got[0], live)
		}
	})
}

// An instance subscribes to a topic's channel only while it has local
// subscribers, and a snapshot of a topic it never saw comes from Redis.
func TestInterestRoutingAndSharedSnapshots(t *testing.T) {
	t.Parallel()
	forBackends(t, func(t *testing.T, be backend) {
		ins := cluster(t, be, 2, hub.Config{})
		ctx := context.Background()
		channel := ins[1].b.k.channel + "quote:Q"
		numsub := func() int64 {
			n, err := ins[1].b.rdb.PubSubNumSub(ctx, channel).Result()
			if err != nil {
				t.Fatal(err)
			}
			return n[channel]
		}
		seq := pub(t, ins[0], "quote:Q", `{"p":1}`)
		if n := numsub(); n != 0 {
			t.Fatalf("%d subscribers of %s before any client asked", n, channel)
		}
		s := subscribe(t, ins[1], hub.SubscribeRequest{Topics: []string{"quote:Q"}})
		got := collect(t, s, func(m []msg) bool { return count(m, "snapshot") == 1 })
		if snap := got[len(got)-1]; snap.Seq != seq || string(snap.Data) != `{"p":1}` {
			t.Fatalf("snapshot of a topic never published here = %+v, want seq %d", snap, seq)
		}
		if n := numsub(); n != 1 {
			t.Fatalf("%d subscribers of %s with one client, want 1", n, channel)
		}
		s.Close(ctx)
		waitFor(t, "unsubscribe", func() bool { return numsub() == 0 })
		// A value published while the topic was not routed here must not be
		// hidden by the stale one the hub kept.
		seq = pub(t, ins[0], "quote:Q", `{"p":2}`)
		s = subscribe(t, ins[1], hub.SubscribeRequest{Topics: []string{"quote:Q"}})
		got = collect(t, s, func(m []msg) bool { return count(m, "snapshot") == 1 })
		if snap := got[len(got)-1]; snap.Seq != seq {
			t.Fatalf("snapshot after re-subscribing = seq %d, want %d", snap.Seq, seq)
		}
	})
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// The hub's slow-consumer rule is unchanged on the Redis broker: a
// subscriber that stops reading a stream topic is ended, others go on.
func TestSlowConsumerOnRedis(t *testing.T) {
	t.Parallel()
	forBackends(t, func(t *testing.T, be backend) {
		const limit = 4096
		in := cluster(t, be, 1, hub.Config{QueueBytes: limit})[0]
		topics := []string{"trade:A", "quote:A"}
		slow := subscribe(t, in, hub.SubscribeRequest{Topics: topics})
		fast := subscribe(t, in, hub.SubscribeRequest{Topics: topics})
		collect(t, fast, func(m []msg) bool { return count(m, "ack") == 1 })
		payload := `"` + strings.Repeat("x", 100) + `"`
		var last uint64
		maxQueued := 0
		for range 100 {
			last = pub(t, in, "trade:A", payload)
			pub(t, in, "quote:A", payload)
			maxQueued = max(maxQueued, slow.QueuedBytes())
			collect(t, fast, func(m []msg) bool { return lastEventSeq(m) >= last })
		}
		waitHead(t, in.h, last)
		if maxQueued > limit {
			t.Fatalf("slow queue reached %d bytes, bound %d", maxQueued, limit)
		}
		if _, err := slow.Drain(nil); !errors.Is(err, hub.ErrSlowConsumer) {
			t.Fatalf("slow subscriber Drain err = %v, want ErrSlowConsumer", err)
		}
	})
}

// State topics conflate on the Redis broker as on the memory one.
func TestConflationOnRedis(t *testing.T) {
	t.Parallel()
	forBackends(t, func(t *testing.T, be backend) {
		in := cluster(t, be, 1, hub.Config{})
		s := subscribe(t, in[0], hub.SubscribeRequest{Topics: []string{"quote:A", "quote:B"}})
		collect(t, s, func(m []msg) bool { return count(m, "ack") == 1 })
		var lastA, lastB uint64
		for i := range 100 {
			lastA = pub(t, in[0], "quote:A", fmt.Sprint(i))
			lastB = pub(t, in[0], "quote:B", fmt.Sprint(i))
		}
		waitHead(t, in[0].h, lastB)
		got := collect(t, s, func(m []msg) bool { return len(m) >= 2 })
		if len(got) != 2 || got[0].Seq != lastA || got[1].Seq != lastB {
			t.Fatalf("got %+v, want the latest of A (%d) then B (%d)", got, lastA, lastB)
		}
	})
}
