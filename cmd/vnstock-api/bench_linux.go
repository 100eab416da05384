//go:build linux

package main

import (
	"fmt"
	"syscall"
)

// raiseFileLimit sets the RLIMIT_NOFILE soft limit to the hard limit and
// returns the soft limit in force afterwards.
func raiseFileLimit() (uint64, error) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0, fmt.Errorf("getrlimit: %w", err)
	}
	if rl.Cur >= rl.Max {
		return rl.Cur, nil
	}
	soft := rl.Cur
	rl.Cur = rl.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return soft, fmt.Errorf("setrlimit to %d: %w", rl.Max, err)
	}
	return rl.Max, nil
}

// ipBindAddressNoPort is IP_BIND_ADDRESS_NO_PORT (linux/in.h), which the
// syscall package does not name.
const ipBindAddressNoPort = 24

// bindNoPort lets a socket bound to a source address pick its port at
// connect time, so each (source, destination) pair has a whole port range.
// It is best effort: a kernel without the option binds the usual way.
func bindNoPort(_, _ string, c syscall.RawConn) error {
	return c.Control(func(fd uintptr) {
		_ = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_IP, ipBindAddressNoPort, 1)
	})
}
