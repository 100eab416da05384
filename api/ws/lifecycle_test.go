package ws

import (
	"bytes"
	"context"
	"fmt"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/goleak"

	"github.com/vnstock-api/vnstock-api/api/live"
	"github.com/vnstock-api/vnstock-api/hub"
)

func publishTrade(t *testing.T, h *hub.Hub, size int) uint64 {
	t.Helper()
	data := `{"symbol":"VNM","pad":"` + strings.Repeat("x", size) + `"}`
	seq, err := h.Publish(context.Background(), "trade:VNM", []byte(data), 0)
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

// A client that stops reading is ended with 4008 once its queue passes the
// bound, after an error message; another client's delivery is unaffected.
func TestSlowConsumerClosedWith4008(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hub.Config{QueueBytes: 256 << 10}, Config{})
	slow, fast := dial(t, e.url), dial(t, e.url)
	for _, cl := range []*client{slow, fast} {
		cl.until(isType("welcome"))
		cl.send(`{"op":"subscribe","id":1,"topics":["trade:VNM"]}`)
		cl.until(isType("ack"))
	}
	var fastGot int
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the fast client keeps reading
		defer wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		for e.hub.Stats().SlowConsumers == 0 || fastGot < 1000 {
			if _, err := fast.next(ctx); err != nil {
				return
			}
			fastGot++
		}
	}()
	for i := 0; e.hub.Stats().SlowConsumers == 0; i++ {
		if i > 100_000 {
			t.Fatal("the slow client was never ended")
		}
		publishTrade(t, e.hub, 1024)
		if i%16 == 15 {
			time.Sleep(2 * time.Millisecond) // a pace the fast client keeps up with
		}
	}
	wg.Wait()
	if fastGot < 1000 || e.hub.Stats().SlowConsumers != 1 {
		t.Fatalf("the fast client got %d events; %d slow consumers", fastGot, e.hub.Stats().SlowConsumers)
	}
	// The slow client reads again: what was in flight, then the error and 4008.
	var sawError bool
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		m, err := slow.next(ctx)
		if err != nil {
			if got := websocket.CloseStatus(err); got != CodeSlowConsumer {
				t.Fatalf("close %v (%d), want 4008", err, got)
			}
			break
		}
		sawError = sawError || m.Type == "error" && m.Code == "slow_consumer"
	}
	if !sawError {
		t.Fatal("no slow_consumer error before the close")
	}
}

func TestShutdownClosesWith1001(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hub.Config{}, Config{})
	cl := dial(t, e.url)
	cl.until(isType("welcome"))
	if err := e.h.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := cl.closeCode(); got != websocket.StatusGoingAway {
		t.Fatalf("close code %d, want 1001", got)
	}
}

// A client that reconnects with since gets exactly what it missed.
func TestReconnectResumes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hub.Config{}, Config{})
	a := dial(t, e.url)
	w := a.until(isType("welcome"))
	a.send(`{"op":"subscribe","id":1,"topics":["trade:VNM","quote:@VN30"]}`)
	a.until(isType("ack"))
	seen := publishTrade(t, e.hub, 10)
	a.until(func(m message) bool { return m.Type == "event" && m.Seq == seen })
	_ = a.c.Close(websocket.StatusNormalClosure, "")

	var missed []uint64
	for i := range 30 {
		if i%2 == 0 {
			missed = append(missed, publishTrade(t, e.hub, 10))
		} else {
			missed = append(missed, publishQuote(t, e.hub, "FPT", int64(100000+i*100)))
		}
	}
	waitHead(t, e.hub, missed[len(missed)-1])
	b := dial(t, e.url)
	b.until(isType("welcome"))
	b.send(fmt.Sprintf(`{"op":"subscribe","id":2,"topics":["trade:VNM","quote:@VN30"],"since":%d,"epoch":%q}`, seen, w.Epoch))
	rec := b.until(isType("recovered"))
	var got []uint64
	for _, m := range b.msgs {
		if m.Type == "event" {
			got = append(got, m.Seq)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(missed) || !rec.Complete {
		t.Fatalf("replayed %v (complete %v), want %v", got, rec.Complete, missed)
	}
}

// Closing 1,000 clients leaves no goroutine behind.
func TestNoGoroutineLeakAfterManyClients(t *testing.T) {
	e := newEnv(t, hub.Config{}, Config{})
	before := goleak.IgnoreCurrent()
	const n = 1000
	clients := make([]*websocket.Conn, 0, n)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for range n {
		c, _, err := websocket.Dial(ctx, e.url, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Write(ctx, websocket.MessageText, []byte(`{"op":"subscribe","id":1,"topics":["quote:@VN30","trade:VNM"]}`)); err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	publishQuote(t, e.hub, "VNM", 60000)
	for _, c := range clients {
		_ = c.Close(websocket.StatusNormalClosure, "")
	}
	for deadline := time.Now().Add(20 * time.Second); e.hub.Stats().Subscribers > 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d subscribers still open", e.hub.Stats().Subscribers)
		}
	}
	if err := goleak.Find(before); err != nil {
		t.Fatal(err)
	}
}

// A connection served on its own goroutine (Config.Detach) calls the end
// func once when it ends; one served on the handler's goroutine needs none.
func TestDetachedAndAttachedConnections(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hub.Config{}, Config{})
	cl := dial(t, e.url)
	cl.until(isType("welcome"))
	cl.send(`{"op":"subscribe","id":1,"topics":["quote:VNM"]}`)
	cl.until(isType("ack"))
	if got := e.ended.Load(); e.detached.Load() != 1 || got != 0 {
		t.Fatalf("while open: detached %d, ended %d; want 1, 0", e.detached.Load(), got)
	}
	_ = cl.c.Close(websocket.StatusNormalClosure, "")
	deadline := time.Now().Add(10 * time.Second)
	for e.ended.Load() != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("after close: ended %d, want 1", e.ended.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}

	attached := newEnv(t, hub.Config{}, Config{Detach: func(context.Context) func() {
		t.Error("Detach called")
		return func() {}
	}})
	attached.h.cfg.Detach = nil
	cl = dial(t, attached.url)
	cl.until(isType("welcome"))
	pub := publishQuote(t, attached.hub, "VNM", 61300)
	waitHead(t, attached.hub, pub) // delivered, so that it is the snapshot
	cl.send(`{"op":"subscribe","id":1,"topics":["quote:VNM"]}`)
	if m := cl.until(isType("snapshot")); m.Seq != pub {
		t.Fatalf("attached snapshot seq %d, want %d", m.Seq, pub)
	}
}

// With a single writer slot, a client that stops reading gives the slot back
// as soon as its socket is full: another client keeps receiving long before
// the stuck write's timeout (a minute here) would have freed it.
func TestStuckClientHoldsNoWriter(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hub.Config{QueueBytes: 64 << 20}, Config{Writers: 1, Stream: live.Config{WriteTimeout: time.Minute}})
	stuck, other := dial(t, e.url), dial(t, e.url)
	for _, cl := range []*client{stuck, other} {
		cl.until(isType("welcome"))
		cl.send(`{"op":"subscribe","id":1,"topics":["trade:VNM"]}`)
		cl.until(isType("ack"))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Fill the stuck client's socket (it never reads) while the other reads.
	var last uint64
	for range 32768 {
		last = publishTrade(t, e.hub, 1024)
	}
	for {
		m, err := other.next(ctx)
		if err != nil {
			t.Fatalf("the other client stopped receiving before seq %d: %v", last, err)
		}
		if m.Seq == last {
			break
		}
	}
	if e.hub.Stats().SlowConsumers != 0 {
		t.Fatal("a client was ended; the test needs both alive")
	}
}

// An idle connection holds one goroutine of its own, also after the
// server's pings and the client's pongs: the library consumes a pong inside
// Reader and then waits there, which must happen on the connection's
// goroutine, not on a second one.
func TestIdleConnectionOneGoroutineAfterPongs(t *testing.T) {
	const n = 8
	e := newEnv(t, hub.Config{}, Config{Stream: live.Config{Heartbeat: 100 * time.Millisecond}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for range n {
		cl := dial(t, e.url)
		cl.until(isType("welcome"))
		go func() { // reading answers the server's pings
			for {
				if _, _, err := cl.c.Read(ctx); err != nil {
					return
				}
			}
		}()
	}
	time.Sleep(500 * time.Millisecond) // several heartbeats, pings and pongs
	var buf bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&buf, 2); err != nil {
		t.Fatal(err)
	}
	dump := buf.String()
	if got := strings.Count(dump, "ws.(*conn).readLoop("); got != n {
		t.Fatalf("%d connection goroutines in readLoop, want %d", got, n)
	}
	if got := strings.Count(dump, "ws.(*conn).readLoop.func"); got != 0 {
		t.Fatalf("%d idle connections hold a second goroutine", got)
	}
}
