package wsio

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"
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
	bc := &Conn{Conn: server, timeout: 10 * time.Second}
	batch := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	bc.Hold()
	if _, err := bc.Write(batch); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := bc.Release(); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatalf("release waited %v for a client that does not read", time.Since(start))
	}
	if !bc.Stalled() {
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
	if err := bc.FlushStalled(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	if err := <-ctrl; err != nil {
		t.Fatal(err)
	}
	want := append(append([]byte(nil), batch...), "PONG"...)
	if b := <-got; !bytes.Equal(b, want) {
		t.Fatalf("client got %d bytes, not the batch then the control frame (%d bytes)", len(b), len(want))
	}
	if bc.Stalled() {
		t.Fatal("still stalled after flushStalled")
	}
	// The connection writes without a deadline left behind.
	bc.Hold()
	if _, err := bc.Write([]byte("next")); err != nil {
		t.Fatal(err)
	}
	if err := bc.Release(); err != nil || bc.Stalled() {
		t.Fatalf("small batch: err %v, stalled %v", err, bc.Stalled())
	}
	buf := make([]byte, 4)
	if _, err := io.ReadFull(client, buf); err != nil || string(buf) != "next" {
		t.Fatalf("read %q, %v", buf, err)
	}
}

// A stalled rest the client never reads fails within the write timeout.
func TestStalledBatchTimesOut(t *testing.T) {
	server, _ := tcpPair(t)
	bc := &Conn{Conn: server, timeout: time.Second}
	bc.Hold()
	if _, err := bc.Write(make([]byte, 4<<20)); err != nil {
		t.Fatal(err)
	}
	if err := bc.Release(); err != nil {
		t.Fatal(err)
	}
	if err := bc.FlushStalled(200 * time.Millisecond); err == nil {
		t.Fatal("4 MiB to a client that never reads was written")
	}
}
