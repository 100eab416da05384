//go:build unix

package wsio

import (
	"errors"
	"sync"
	"syscall"
)

// rawWrite writes what the socket's send buffer takes of b with write(2)
// on the non-blocking descriptor, returning at EAGAIN instead of parking:
// no deadline timer is set or cleared per batch. ok is false when there is
// no descriptor to write to (rc nil: the caller then uses a deadline).
//
// It goes through Control, which only holds the descriptor open, rather
// than Write, which also takes the descriptor's write lock and re-arms its
// poller for a wait that never comes (~4% of the server at 10,000
// clients): the caller serialises its writes itself (Conn.mu). The
// function Control calls is a pooled rawOp's, made once: a closure per
// batch put three allocations on every write (half of the server's
// garbage under load).
func rawWrite(rc syscall.RawConn, b []byte) (n int, ok bool, err error) {
	if rc == nil {
		return 0, false, nil
	}
	op := rawOps.Get().(*rawOp)
	op.b = b
	err = rc.Control(op.do)
	n, werr := op.n, op.err
	*op = rawOp{do: op.do}
	rawOps.Put(op)
	if err == nil {
		err = werr
	}
	return n, true, err
}

// rawOp is one write through RawConn.Control: do writes b and keeps the
// result in n and err.
type rawOp struct {
	do  func(fd uintptr) // op.write, bound once
	b   []byte
	n   int
	err error
}

func (op *rawOp) write(fd uintptr) { op.n, op.err = writeSome(int(fd), op.b) }

var rawOps = sync.Pool{New: func() any {
	op := new(rawOp)
	op.do = op.write
	return op
}}

// writeSome writes b to the non-blocking fd until it is all written or the
// socket is full (EAGAIN, not an error here).
func writeSome(fd int, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := syscall.Write(fd, b[n:])
		switch {
		case m > 0:
			n += m
		case errors.Is(err, syscall.EINTR):
		case errors.Is(err, syscall.EAGAIN):
			return n, nil
		case err != nil:
			return n, err
		default:
			return n, syscall.EIO // write(2) took nothing and gave no reason
		}
	}
	return n, nil
}

// rawWaitReadable parks until c has bytes to read, an end of stream or an
// error, in a shallow call: an idle connection's reading goroutine waits
// here rather than deep in the WebSocket library, so the garbage collector
// can shrink its stack to the minimum. Edge-triggered polling only wakes a
// waiter for bytes that arrive after it looked, so it looks first (a
// one-byte MSG_PEEK) and waits only when there is nothing.
func rawWaitReadable(rc syscall.RawConn) {
	if rc == nil {
		return
	}
	_ = rc.Read(func(fd uintptr) bool {
		var b [1]byte
		_, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK)
		// Only "nothing yet" waits; anything else (bytes, the end, an
		// error, even EINTR) goes on to the library's read, which sorts it
		// out: waiting on an edge after an unexplained result could miss
		// bytes already there.
		return !errors.Is(err, syscall.EAGAIN)
	})
}
