package hub

import (
	"testing"
	"time"
)

func TestHistoryByteBound(t *testing.T) {
	t.Parallel()
	h := newHistory(HistoryConfig{MinEvents: 1000, MinAge: time.Hour, MaxBytes: 10 * (64 + 1 + 100)})
	for i := range 100 {
		h.add(NewEvent("x", uint64(i+1), 1, make([]byte, 100)), 1)
	}
	if h.len() > 10 {
		t.Fatalf("history holds %d events over its byte bound", h.len())
	}
	if h.oldest() != 91 {
		t.Fatalf("oldest = %d, want 91", h.oldest())
	}
}
