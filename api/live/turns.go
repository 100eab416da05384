package live

import (
	"context"
	"runtime"
)

// Turns bounds the streams that write at once: the others wait, parked,
// first come first served. With thousands of streams it keeps the
// goroutines the scheduler has to run few, so that the hub's delivering
// goroutine gets its share of the CPU and the values writers pull from it
// stay fresh.
type Turns struct{ c chan struct{} }

// NewTurns returns n turns; n <= 0 means 8 × GOMAXPROCS.
func NewTurns(n int) *Turns {
	if n <= 0 {
		n = 8 * runtime.GOMAXPROCS(0)
	}
	return &Turns{c: make(chan struct{}, n)}
}

// Take waits for a turn; false means ctx ended first (and no turn is held).
func (t *Turns) Take(ctx context.Context) bool {
	select {
	case t.c <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	if ctx.Err() != nil {
		t.Give()
		return false
	}
	return true
}

// Give hands a turn back; call it once per successful Take.
func (t *Turns) Give() { <-t.c }
