//go:build !unix

package wsio

import "syscall"

// rawWrite is not available here: the caller writes within a deadline.
func rawWrite(syscall.RawConn, []byte) (int, bool, error) { return 0, false, nil }

// rawWaitReadable returns at once here: the reader waits in the library.
func rawWaitReadable(syscall.RawConn) {}
