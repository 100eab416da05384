//go:build unix

package ws

import (
	"errors"
	"net"
	"syscall"
)

// rawWrite writes what the socket's send buffer takes of b with write(2)
// on the non-blocking descriptor, returning at EAGAIN instead of parking:
// no deadline timer is set or cleared per batch. ok is false when c has no
// descriptor to write to (the caller then uses a deadline).
func rawWrite(c net.Conn, b []byte) (n int, ok bool, err error) {
	sc, isSys := c.(syscall.Conn)
	if !isSys {
		return 0, false, nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return 0, false, nil
	}
	var werr error
	err = rc.Write(func(fd uintptr) bool {
		n, werr = writeSome(int(fd), b)
		return true
	})
	if err == nil {
		err = werr
	}
	return n, true, err
}

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
