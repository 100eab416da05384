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

// Client frames that arrive together, even in the same segment as the
// upgrade request, are all answered: the reader only waits on the socket
// when nothing is buffered (wsio.Conn.AwaitData).
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
