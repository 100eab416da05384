package graph

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/vnstock-api/vnstock-api/hub"
	"github.com/vnstock-api/vnstock-api/market"
)

// A subscriber that stops reading is ended with SLOW_CONSUMER once its hub
// queue passes the bound; a subscriber beside it gets every trade.
func TestSlowSubscriberEnded(t *testing.T) {
	t.Parallel()
	variants(t, func(t *testing.T, proto string, shared bool) {
		e := newEnv(t, renderMode(shared), func(c *Config, hc *hub.Config) {
			hc.QueueBytes = 256 << 10
			c.Stream.WriteTimeout = 30 * time.Second // the slow client resumes reading well before
		})
		const query = `subscription { trades(symbols: ["VNM"]) { price volume seq } }`
		slow := connectSmallBuffer(t, e.url, proto)
		fast := connect(t, e.url, proto, nil)
		for _, cl := range []*wsClient{slow, fast} {
			cl.subscribe("s", query, nil)
			syncStream(t, e, cl, "s", "trade:VNM")
		}
		fastGot, lastSeq, readDone := readTrades(t, fast)
		pad := strings.Repeat("x", 1024)
		var published int64
		var head uint64
		for i := 0; e.hub.Stats().SlowConsumers == 0 || published < 2000; i++ {
			if i > 200_000 {
				t.Fatal("the slow subscriber was never ended")
			}
			for head > lastSeq.Load()+64 { // a pace the fast client keeps up with, however loaded the machine
				time.Sleep(100 * time.Microsecond)
			}
			head = publishTrade(t, e, 61300+int64(i%10)*100, pad)
			published++
		}
		deadline := time.Now().Add(10 * time.Second)
		for lastSeq.Load() != head && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		if lastSeq.Load() != head {
			t.Fatalf("the fast client is at seq %d of %d (%d of %d trades)", lastSeq.Load(), head, fastGot.Load(), published)
		}
		if n := e.hub.Stats().SlowConsumers; n != 1 || fastGot.Load() < published {
			t.Fatalf("%d slow consumers; the fast client got %d of %d trades", n, fastGot.Load(), published)
		}
		// The slow client reads again: what was in flight, then the error.
		for {
			m := slow.next()
			if m.Type == slow.dataType() {
				continue
			}
			if m.Type != "error" || m.ID != "s" || !strings.Contains(string(m.Payload), `"code":"SLOW_CONSUMER"`) {
				t.Fatalf("after the stream: %s %s", m.Type, m.Payload)
			}
			break
		}
		fast.c.CloseNow()
		<-readDone
		waitFor(t, func() bool { return e.hub.Stats().Subscribers == 0 })
	})
}

func publishTrade(t testing.TB, e *env, price int64, pad string) uint64 {
	t.Helper()
	tr := market.Trade{Symbol: "VNM", Time: time.Date(2025, 3, 21, 10, 0, 0, 0, market.ICT), Price: price, Volume: 100, Side: market.SideBuy}
	b := tr.AppendJSON(nil)
	b = append(b[:len(b)-1], `,"pad":"`+pad+`"}`...)
	seq, err := e.hub.Publish(context.Background(), "trade:VNM", b, 0)
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

// readTrades counts the trades cl receives (and the last seq) until its
// connection ends; a message other than data fails the test.
func readTrades(t *testing.T, cl *wsClient) (got *atomic.Int64, lastSeq *atomic.Uint64, done chan struct{}) {
	got, lastSeq, done = new(atomic.Int64), new(atomic.Uint64), make(chan struct{})
	go func() {
		defer close(done)
		for {
			m, err := cl.read(20 * time.Second)
			if err != nil {
				return
			}
			if m.Type != cl.dataType() {
				t.Errorf("the fast client got %s %s", m.Type, m.Payload)
			}
			var p struct {
				Data struct{ Trades []struct{ Seq uint64 } }
			}
			_ = json.Unmarshal(m.Payload, &p)
			for _, tr := range p.Data.Trades {
				got.Add(1)
				lastSeq.Store(tr.Seq)
			}
		}
	}()
	return got, lastSeq, done
}

// connectSmallBuffer connects with a small kernel receive buffer, so that
// a client that stops reading is noticed after little data.
func connectSmallBuffer(t testing.TB, rawURL, proto string) *wsClient {
	t.Helper()
	dialer := &net.Dialer{}
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dialer.DialContext(ctx, network, addr)
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetReadBuffer(16 << 10)
		}
		return c, err
	}}
	t.Cleanup(tr.CloseIdleConnections)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(rawURL, "http"),
		&websocket.DialOptions{Subprotocols: []string{proto}, HTTPClient: &http.Client{Transport: tr}})
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadLimit(16 << 20)
	t.Cleanup(func() { _ = c.CloseNow() })
	cl := &wsClient{t: t, c: c, proto: proto}
	cl.init(nil)
	if m := cl.next(); m.Type != "connection_ack" {
		t.Fatalf("ack: %+v", m)
	}
	return cl
}

// Refused subscriptions end with the error and the right code; a stopped
// one releases its hub subscriber.
func TestSubscriptionErrorsAndStop(t *testing.T) {
	t.Parallel()
	variants(t, func(t *testing.T, proto string, shared bool) {
		e := newEnv(t, renderMode(shared))
		cl := connect(t, e.url, proto, nil)
		for _, tt := range []struct{ query, code, msg string }{
			{`subscription { quotes(symbols: ["XXXX"]) { symbol } }`, CodeNotFound, "unknown symbol XXXX"},
			{`subscription { bars(symbol: "VNM", interval: "1W") { time } }`, CodeBadUserInput, "1m,5m,15m,30m,1H,1D"},
			{`subscription { quotes { symbol } }`, CodeBadUserInput, "give symbols"},
		} {
			cl.subscribe("e", tt.query, nil)
			m := cl.next()
			var p struct{ Errors []gqlError }
			_ = json.Unmarshal(m.Payload, &p)
			if m.Type != cl.dataType() || len(p.Errors) != 1 || p.Errors[0].code() != tt.code || !strings.Contains(p.Errors[0].Message, tt.msg) {
				t.Fatalf("%s: %s %s", tt.query, m.Type, m.Payload)
			}
			if m := cl.next(); m.Type != "complete" {
				t.Fatalf("%s: then %s", tt.query, m.Type)
			}
		}
		cl.subscribe("1", `subscription { index(codes: ["VNINDEX", "VN30"]) { code } }`, nil)
		waitFor(t, func() bool { return e.hub.Stats().Subscribers == 1 })
		cl.stop("1")
		waitFor(t, func() bool { return e.hub.Stats().Subscribers == 0 })
	})
}

// connection_init carries the API key; a refusal closes the socket with
// 4403 (4429 when rate limited). A key in a header is checked before the
// upgrade (401).
func TestConnectionAuth(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config, _ *hub.Config) {
		c.Authenticate = func(ctx context.Context, key string) (context.Context, error) {
			switch key {
			case "good":
				return ctx, nil
			case "busy":
				return ctx, ErrRateLimited
			}
			return ctx, errors.New("unknown API key")
		}
	})
	for _, proto := range []string{protoTransport, protoLegacy} {
		connect(t, e.url, proto, map[string]any{"apiKey": "good"})
		for key, code := range map[string]websocket.StatusCode{"bad": 4403, "busy": 4429, "": 4403} {
			cl, err := dialWS(t, e.url, proto, nil)
			if err != nil {
				t.Fatal(err)
			}
			cl.init(map[string]any{"apiKey": key})
			for {
				_, err := cl.read(5 * time.Second)
				if err != nil {
					if got := websocket.CloseStatus(err); got != code {
						t.Fatalf("%s key %q: close %v, want %d", proto, key, err, code)
					}
					break
				}
			}
		}
	}
	if _, err := dialWS(t, e.url, protoTransport, http.Header{"X-Api-Key": {"bad"}}); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("bad header key: %v", err)
	}
	cl, err := dialWS(t, e.url, protoTransport, http.Header{"X-Api-Key": {"good"}})
	if err != nil {
		t.Fatal(err)
	}
	cl.init(nil) // authenticated by the header: no key needed in the payload
	if m := cl.next(); m.Type != "connection_ack" {
		t.Fatalf("header-authenticated init: %+v", m)
	}
}

// Keepalives: "ka" on graphql-ws, ping (answered by pong) on
// graphql-transport-ws. A transport-ws client that answers no ping is
// closed after two intervals.
func TestKeepalive(t *testing.T) {
	t.Parallel()
	// 200 ms: a pong later than one interval ends the connection, and a loaded
	// machine (the other packages' tests) can delay this client that long.
	e := newEnv(t, func(c *Config, _ *hub.Config) { c.Stream.Heartbeat = 200 * time.Millisecond })
	for proto, want := range map[string]string{protoLegacy: "ka", protoTransport: "ping"} {
		cl := connect(t, e.url, proto, nil)
		cl.keepKA = true
		for range 3 {
			if m := cl.next(); m.Type != want {
				t.Fatalf("%s: %+v, want %s", proto, m, want)
			}
		}
	}
	mute, err := dialWS(t, e.url, protoTransport, nil)
	if err != nil {
		t.Fatal(err)
	}
	mute.init(nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for { // read without answering pings
		if _, _, err := mute.c.Read(ctx); err != nil {
			if ctx.Err() != nil {
				t.Fatal("a client that answers no ping was not closed")
			}
			break
		}
	}
}

func TestOriginAndShutdown(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config, _ *hub.Config) { c.OriginPatterns = []string{"*.vnstock.example"} })
	for origin, ok := range map[string]bool{"https://evil.example": false, "https://board.vnstock.example": true} {
		_, err := dialWS(t, e.url, protoTransport, http.Header{"Origin": {origin}})
		if (err == nil) != ok {
			t.Errorf("origin %s: %v, want allowed=%v", origin, err, ok)
		}
	}
	cl := connect(t, e.url, protoTransport, nil)
	cl.subscribe("1", `subscription { status { seq } }`, nil)
	waitFor(t, func() bool { return e.hub.Stats().Subscribers == 1 })
	if err := e.h.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	readUntilClosed(t, cl)
	waitFor(t, func() bool { return e.hub.Stats().Subscribers == 0 })
	late, err := dialWS(t, e.url, protoTransport, nil)
	if err == nil { // the upgrade may succeed; the connection then ends at once
		late.init(nil)
		readUntilClosed(t, late)
	}
}

func readUntilClosed(t *testing.T, cl *wsClient) {
	t.Helper()
	for {
		m, err := cl.read(5 * time.Second)
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				t.Fatal("the connection was not closed")
			}
			return
		}
		if m.Type == cl.dataType() {
			t.Fatalf("data after shutdown: %s", m.Payload)
		}
	}
}
