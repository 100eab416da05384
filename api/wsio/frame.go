package wsio

import "encoding/binary"

// FrameRoom is the space to leave in front of a message so that TextFrame
// can put the frame header there: the longest header of an unmasked frame.
const FrameRoom = 10

// FrameStart empties b and leaves FrameRoom bytes of room at its start:
// append a message to it, then hand it to TextFrame.
func FrameStart(b []byte) []byte {
	var room [FrameRoom]byte
	return append(b[:0], room[:]...)
}

// TextFrame turns b, FrameRoom bytes of room followed by a message, into
// one unmasked, final text frame (RFC 6455, section 5.2) without copying
// the message, and returns the frame: the tail of b.
//
// It is for a connection whose frames are collected between Hold and
// Release: written to the Conn in one Write, the frame lands whole in the
// batch, even beside a control frame the WebSocket library writes, and the
// library's per-message locking and buffering are skipped. The library
// writes nothing about data frames, so its state does not depend on them.
func TextFrame(b []byte) []byte {
	n := len(b) - FrameRoom
	var start int
	switch {
	case n <= 125:
		start = FrameRoom - 2
		b[start+1] = byte(n)
	case n <= 0xffff:
		start = FrameRoom - 4
		b[start+1] = 126
		binary.BigEndian.PutUint16(b[start+2:], uint16(n))
	default:
		start = 0
		b[1] = 127
		binary.BigEndian.PutUint64(b[2:], uint64(n))
	}
	b[start] = 0x81 // FIN, text
	return b[start:]
}
