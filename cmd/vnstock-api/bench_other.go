//go:build !linux

package main

import (
	"errors"
	"syscall"
)

// raiseFileLimit is a no-op where the tool does not manage the limit.
func raiseFileLimit() (uint64, error) {
	return 0, errors.New("not supported on this system")
}

// bindNoPort is nil: sources are bound the usual way.
var bindNoPort func(network, address string, c syscall.RawConn) error
