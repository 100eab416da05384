package wsio

import (
	"testing"
	"time"
)

// A pool starts its scheduler with the first connection, shares it while
// any is counted in, and stops it with the last.
func TestPool(t *testing.T) {
	p := NewPool(1, func() time.Duration { return 0 })
	a := p.Add()
	if b := p.Add(); a != b || p.Open() != 2 {
		t.Fatalf("second Add: same scheduler %v, open %d", a == b, p.Open())
	}
	p.Done()
	if p.Open() != 1 || p.sched != a {
		t.Fatalf("after one Done: open %d, scheduler kept %v", p.Open(), p.sched == a)
	}
	p.Done()
	select {
	case <-a.stop:
	default:
		t.Fatal("the last Done did not stop the scheduler")
	}
	if c := p.Add(); c == a {
		t.Fatal("an Add after the last Done reused the stopped scheduler")
	}
	p.Done()
}

func TestRest(t *testing.T) {
	tests := []struct {
		open      int64
		frameRate int
		least     time.Duration
		want      time.Duration
	}{
		{0, 200_000, 20 * time.Millisecond, 20 * time.Millisecond},
		{1_000, 200_000, 20 * time.Millisecond, 20 * time.Millisecond},
		{10_000, 200_000, 20 * time.Millisecond, 50 * time.Millisecond},
		{5_000, 100_000, 0, 50 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := Rest(tt.open, tt.frameRate, tt.least); got != tt.want {
			t.Errorf("Rest(%d, %d, %v) = %v, want %v", tt.open, tt.frameRate, tt.least, got, tt.want)
		}
	}
}
