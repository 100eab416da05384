//go:build !unix

package wsio

import "net"

// rawWrite is not available here: the caller writes within a deadline.
func rawWrite(net.Conn, []byte) (int, bool, error) { return 0, false, nil }

// rawWaitReadable returns at once here: the reader waits in the library.
func rawWaitReadable(net.Conn) {}
