package sse

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/api/live"
	"github.com/vnstock-api/vnstock-api/hub"
)

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// rawGet sends an SSE request over a plain TCP connection and returns the
// connection and the response, whose body is the decoded chunked stream.
func rawGet(t *testing.T, srvURL, path string) (net.Conn, *http.Response) {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(srvURL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Time{})
	return c, resp
}

// An HTTP/1.1 stream is served on the hijacked connection by the writer
// pool: a chunked text/event-stream that opens with the retry hint, carries
// snapshots and events, and ends, releasing the connection and its hub
// subscriber, when the client leaves.
func TestHijackedStream(t *testing.T) {
	h, sh, srv := newEnv(t, Config{Retry: 1500 * time.Millisecond})
	publish(t, h, "quote:VNM", `{"symbol":"VNM","price":61300}`)
	c, resp := rawGet(t, srv.URL, "/v1/sse?topics=quote:VNM")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" ||
		len(resp.TransferEncoding) != 1 || resp.TransferEncoding[0] != "chunked" {
		t.Fatalf("response %d %v %v", resp.StatusCode, resp.Header, resp.TransferEncoding)
	}
	waitFor(t, "the stream on the writer pool", func() bool { return sh.pool.Open() == 1 })
	br := bufio.NewReader(resp.Body)
	if line, err := br.ReadString('\n'); err != nil || line != "retry: 1500\n" {
		t.Fatalf("first line %q, %v", line, err)
	}
	for { // the value published before (a snapshot, or the event if the hub had not applied it yet)
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(line, "data: ") && strings.Contains(line, `"price":61300`) {
			break
		}
	}
	seq := publish(t, h, "quote:VNM", `{"symbol":"VNM","price":61400}`)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if line == "id: "+strconv.FormatUint(seq, 10)+"\n" {
			break
		}
	}
	_ = c.Close()
	waitFor(t, "the stream to end", func() bool { return sh.pool.Open() == 0 && h.Stats().Subscribers == 0 })
}

// A client that stops reading is ended as a slow consumer, with the error
// event and the end of the chunked stream once it reads again; a client
// beside it gets every trade, and no writer waits on the stuck one.
func TestSlowClientEnded(t *testing.T) {
	h, sh, srv := newEnvQueue(t, Config{Stream: live.Config{WriteTimeout: 30 * time.Second}}, 256<<10)
	slow, resp := rawGet(t, srv.URL, "/v1/sse?topics=trade:VNM")
	fast := subscribe(t, srv.URL+"/v1/sse?topics=trade:VNM", nil)
	// Both subscriptions are registered once the fast client has a probe
	// published after them (a stream topic has no snapshot: a trade
	// published before would be missed, rightly).
	for !hasPrice(fast, 1) {
		publish(t, h, "trade:VNM", `{"symbol":"VNM","price":1,"volume":100}`)
		time.Sleep(10 * time.Millisecond)
	}

	pad := strings.Repeat("x", 1024)
	published := 0
	for ; h.Stats().SlowConsumers == 0 || published < 1000; published++ {
		if published > 100_000 {
			t.Fatal("the slow client was never ended")
		}
		publish(t, h, "trade:VNM", `{"symbol":"VNM","price":61300,"volume":100,"pad":"`+pad+`"}`)
		if published%32 == 0 { // a pace the fast client keeps up with
			waitPadded(t, h, fast, published)
		}
	}
	waitPadded(t, h, fast, published)

	// The slow client reads again: what was in flight, then the error, then
	// the end of the stream.
	_ = slow.SetReadDeadline(time.Now().Add(10 * time.Second))
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("after %d bytes: %v", len(body), err)
	}
	if !strings.HasSuffix(string(body), "event: error\ndata: {\"type\":\"error\",\"code\":\"slow_consumer\","+
		"\"message\":\"queue limit exceeded: read faster or subscribe to fewer stream topics\"}\n\n") {
		t.Fatalf("the stream ended with %q", body[max(0, len(body)-200):])
	}
	waitFor(t, "the slow stream to end", func() bool { return sh.pool.Open() == 1 })
}

// A client that stops reading and takes nothing for the write timeout is
// closed (nothing more is written into a chunk it may have been cut in).
func TestStuckClientClosed(t *testing.T) {
	h, sh, srv := newEnvQueue(t, Config{Stream: live.Config{WriteTimeout: 300 * time.Millisecond}}, 256<<20)
	rawGet(t, srv.URL, "/v1/sse?topics=trade:VNM")
	waitFor(t, "the stream", func() bool { return sh.pool.Open() == 1 })
	pad := strings.Repeat("x", 4096)
	for i := 0; sh.pool.Open() == 1; i++ {
		if i > 20_000 {
			t.Fatal("a client that takes nothing was never closed")
		}
		publish(t, h, "trade:VNM", `{"symbol":"VNM","price":61300,"volume":100,"pad":"`+pad+`"}`)
		if i%100 == 99 {
			time.Sleep(10 * time.Millisecond)
		}
	}
	if n := h.Stats().SlowConsumers; n != 0 {
		t.Fatalf("%d slow consumers: the write timeout should have closed it first", n)
	}
	waitFor(t, "the subscriber to go", func() bool { return h.Stats().Subscribers == 0 })
}

// An HTTP/1.0 request cannot take chunked encoding: it is served by the
// stream's own pump, through net/http, and gets the same frames.
func TestHTTP10StreamPumped(t *testing.T) {
	h, sh, srv := newEnv(t, Config{Retry: 1500 * time.Millisecond})
	c, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, "GET /v1/sse?topics=quote:VNM HTTP/1.0\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || len(resp.TransferEncoding) != 0 {
		t.Fatalf("response %d, transfer encoding %v", resp.StatusCode, resp.TransferEncoding)
	}
	br := bufio.NewReader(resp.Body)
	if line, err := br.ReadString('\n'); err != nil || line != "retry: 1500\n" {
		t.Fatalf("first line %q, %v", line, err)
	}
	waitFor(t, "the subscriber", func() bool { return h.Stats().Subscribers == 1 })
	if n := sh.pool.Open(); n != 0 {
		t.Fatalf("%d hijacked streams, want 0", n)
	}
	publish(t, h, "quote:VNM", `{"symbol":"VNM","price":61400}`)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(line, `"price":61400`) {
			break
		}
	}
}

// waitPadded waits until g has n of the test's padded trades; the deadline
// is long, for a machine loaded by the tests of other packages.
func waitPadded(t *testing.T, h *hub.Hub, g *got, n int) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		have := 0
		g.mu.Lock()
		for _, e := range g.events {
			if strings.Contains(string(e.Data), `"pad":"`) {
				have++
			}
		}
		g.mu.Unlock()
		if have >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the fast client has %d of %d trades; hub %+v", have, n, h.Stats())
		}
	}
}

// hasPrice reports whether g has an event whose data holds price.
func hasPrice(g *got, price int) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, e := range g.events {
		if strings.Contains(string(e.Data), `"price":`+strconv.Itoa(price)+`,`) {
			return true
		}
	}
	return false
}
