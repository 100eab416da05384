package wsio

import (
	"bytes"
	"io"
	"testing"

	"github.com/gobwas/ws"
)

// TestTextFrame decodes TextFrame's frames with gobwas/ws, for every
// length encoding and at its boundaries.
func TestTextFrame(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 125, 126, 127, 0xffff, 0x10000, 300_000} {
		msg := bytes.Repeat([]byte{'m'}, n)
		frame := TextFrame(append(FrameStart([]byte("old contents")), msg...))
		r := bytes.NewReader(frame)
		h, err := ws.ReadHeader(r)
		if err != nil {
			t.Fatalf("%d bytes: %v", n, err)
		}
		if err := ws.CheckHeader(h, ws.StateClientSide); err != nil {
			t.Fatalf("%d bytes: %v", n, err)
		}
		if !h.Fin || h.OpCode != ws.OpText || h.Length != int64(n) {
			t.Errorf("%d bytes: header %+v", n, h)
		}
		body, _ := io.ReadAll(r)
		if !bytes.Equal(body, msg) {
			t.Errorf("%d bytes: payload of %d bytes differs", n, len(body))
		}
	}
}
