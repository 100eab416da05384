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

	sselib "github.com/r3labs/sse/v2"

	"github.com/vnstock-api/vnstock-api/api/live"
)

func hijackedConns(h *Handler) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.conns
}

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
	waitFor(t, "the stream on the writer pool", func() bool { return hijackedConns(sh) == 1 })
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
	waitFor(t, "the stream to end", func() bool { return hijackedConns(sh) == 0 && h.Stats().Subscribers == 0 })
}

// A client that stops reading is ended as a slow consumer, with the error
// event and the end of the chunked stream once it reads again; a client
// beside it gets every trade, and no writer waits on the stuck one.
func TestSlowClientEnded(t *testing.T) {
	h, sh, srv := newEnvQueue(t, Config{Stream: live.Config{WriteTimeout: 30 * time.Second}}, 256<<10)
	slow, resp := rawGet(t, srv.URL, "/v1/sse?topics=trade:VNM")
	fast := subscribe(t, srv.URL+"/v1/sse?topics=trade:VNM", nil)
	waitFor(t, "both streams", func() bool { return h.Stats().Subscribers == 2 })

	pad := strings.Repeat("x", 1024)
	published := 0
	for ; h.Stats().SlowConsumers == 0 || published < 1000; published++ {
		if published > 100_000 {
			t.Fatal("the slow client was never ended")
		}
		publish(t, h, "trade:VNM", `{"symbol":"VNM","price":61300,"volume":100,"pad":"`+pad+`"}`)
		if published%32 == 0 { // a pace the fast client keeps up with
			n := published
			fast.wait(t, func(evs []*sselib.Event) bool { return len(evs) >= n })
		}
	}
	fast.wait(t, func(evs []*sselib.Event) bool { return len(evs) >= published })

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
	waitFor(t, "the slow stream to end", func() bool { return hijackedConns(sh) == 1 })
}

// A client that stops reading and takes nothing for the write timeout is
// closed (nothing more is written into a chunk it may have been cut in).
func TestStuckClientClosed(t *testing.T) {
	h, sh, srv := newEnvQueue(t, Config{Stream: live.Config{WriteTimeout: 300 * time.Millisecond}}, 256<<20)
	rawGet(t, srv.URL, "/v1/sse?topics=trade:VNM")
	waitFor(t, "the stream", func() bool { return hijackedConns(sh) == 1 })
	pad := strings.Repeat("x", 4096)
	for i := 0; hijackedConns(sh) == 1; i++ {
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
	if n := hijackedConns(sh); n != 0 {
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
