package ws

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/hub"
)

// tcpPair returns both ends of a loopback TCP connection, the server's
// with a small send buffer so that it fills quickly (the client's read
// buffer stays as is: with both small, loopback TCP can sit in zero-window
// probes for seconds).
func tcpPair(t *testing.T) (server, client net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server = <-accepted
	if server == nil {
		t.Fatal("accept failed")
	}
	if err := server.(*net.TCPConn).SetWriteBuffer(4 << 10); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { server.Close(); client.Close() })
	return server, client
}

// A batch the client cannot take at once stalls instead of waiting; a
// control frame written meanwhile goes after the stalled rest, and the
// client receives every byte in order.
func TestBatchStallsAndKeepsOrder(t *testing.T) {
	server, client := tcpPair(t)
	bc := &batchConn{Conn: server, timeout: 10 * time.Second}
	batch := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	bc.hold()
	if _, err := bc.Write(batch); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := bc.release(); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatalf("release waited %v for a client that does not read", time.Since(start))
	}
	if !bc.stalled() {
		t.Fatal("1 MiB went into a 4 KiB socket without stalling")
	}
	ctrl := make(chan error, 1)
	go func() { // as the reader goroutine's pong would
		_, err := bc.Write([]byte("PONG"))
		ctrl <- err
	}()
	got := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(io.LimitReader(client, int64(len(batch)+4)))
		got <- b
	}()
	if err := bc.flushStalled(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	if err := <-ctrl; err != nil {
		t.Fatal(err)
	}
	want := append(append([]byte(nil), batch...), "PONG"...)
	if b := <-got; !bytes.Equal(b, want) {
		t.Fatalf("client got %d bytes, not the batch then the control frame (%d bytes)", len(b), len(want))
	}
	if bc.stalled() {
		t.Fatal("still stalled after flushStalled")
	}
	// The connection writes without a deadline left behind.
	bc.hold()
	if _, err := bc.Write([]byte("next")); err != nil {
		t.Fatal(err)
	}
	if err := bc.release(); err != nil || bc.stalled() {
		t.Fatalf("small batch: err %v, stalled %v", err, bc.stalled())
	}
	buf := make([]byte, 4)
	if _, err := io.ReadFull(client, buf); err != nil || string(buf) != "next" {
		t.Fatalf("read %q, %v", buf, err)
	}
}

// A stalled rest the client never reads fails within the write timeout.
func TestStalledBatchTimesOut(t *testing.T) {
	server, _ := tcpPair(t)
	bc := &batchConn{Conn: server, timeout: time.Second}
	bc.hold()
	if _, err := bc.Write(make([]byte, 4<<20)); err != nil {
		t.Fatal(err)
	}
	if err := bc.release(); err != nil {
		t.Fatal(err)
	}
	if err := bc.flushStalled(200 * time.Millisecond); err == nil {
		t.Fatal("4 MiB to a client that never reads was written")
	}
}

// Client frames that arrive together, even in the same segment as the
// upgrade request, are all answered: the reader only waits on the socket
// when nothing is buffered (batchConn.awaitData).
func TestFramesArrivingTogether(t *testing.T) {
	e := newEnv(t, hub.Config{}, Config{})
	c, err := net.Dial("tcp", strings.TrimPrefix(e.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	req := "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
	out := []byte(req)
	for id := 1; id <= 3; id++ {
		msg := fmt.Sprintf(`{"op":"ping","id":%d}`, id)
		// FIN + text; masked, with a zero key (legal, and the payload reads as is).
		out = append(out, 0x81, 0x80|byte(len(msg)), 0, 0, 0, 0)
		out = append(out, msg...)
	}
	if _, err := c.Write(out); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("upgrade: %v %v", resp, err)
	}
	pongs := map[string]bool{}
	for len(pongs) < 3 {
		payload := readServerFrame(t, br)
		for line := range bytes.Lines(payload) {
			var m message
			if err := json.Unmarshal(line, &m); err != nil {
				t.Fatalf("bad JSON %q: %v", line, err)
			}
			if m.Type == "pong" {
				pongs[string(m.ID)] = true
			}
		}
	}
}

// readServerFrame reads one unmasked server frame and returns its payload.
func readServerFrame(t *testing.T, br *bufio.Reader) []byte {
	t.Helper()
	var h [2]byte
	if _, err := io.ReadFull(br, h[:]); err != nil {
		t.Fatal(err)
	}
	n := uint64(h[1] & 0x7f)
	switch n {
	case 126:
		var b [2]byte
		if _, err := io.ReadFull(br, b[:]); err != nil {
			t.Fatal(err)
		}
		n = uint64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		if _, err := io.ReadFull(br, b[:]); err != nil {
			t.Fatal(err)
		}
		n = binary.BigEndian.Uint64(b[:])
	}
	p := make([]byte, n)
	if _, err := io.ReadFull(br, p); err != nil {
		t.Fatal(err)
	}
	return p
}
