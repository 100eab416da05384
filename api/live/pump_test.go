package live

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// Wait returns once the group is done, or with ctx's error while it is not.
func TestWait(t *testing.T) {
	var wg sync.WaitGroup
	wg.Add(1)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := Wait(ctx, &wg); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("with the group pending: %v", err)
	}
	wg.Done()
	if err := Wait(context.Background(), &wg); err != nil {
		t.Fatalf("with the group done: %v", err)
	}
}
