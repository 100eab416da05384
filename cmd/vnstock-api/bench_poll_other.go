//go:build !linux

package main

import "context"

// pollSet is empty where there is no epoll: each client reads on its own
// goroutine.
type pollSet struct{}

func (*pollSet) close() {}

// benchProcs is the GOMAXPROCS the load tool wants: Go's default here.
func benchProcs() int { return 0 }

// readWS reads c until the connection ends (its error) or ctx does (nil).
func (*pollSet) readWS(ctx context.Context, c *benchWS, _ *clientStats) error {
	return readLoop(ctx, c)
}

// latencies is what the loops recorded: none here.
func (*pollSet) latencies() *histogram { return nil }
