package memo

import (
	"fmt"
	"sync"
	"testing"
)

func size(s string) int { return len(s) }

func TestBounds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		max, maxBytes   int
		puts            int
		value           string
		wantLen, wantBy int
	}{
		{"entry bound", 2, 1 << 20, 10, "abc", 2, 6},
		{"byte bound", 100, 4 * 10, 10, "0123456789", 4, 40},
		{"over a quarter of the bytes", 100, 4*10 - 1, 3, "0123456789", 0, 0},
		{"no entries allowed", 0, 1 << 20, 3, "a", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := New[string](tt.max, tt.maxBytes, size)
			for i := range tt.puts {
				m.Put(fmt.Sprint(i), tt.value)
				if m.Bytes() > tt.maxBytes || m.Len() > tt.max {
					t.Fatalf("after %d puts: %d entries, %d bytes", i+1, m.Len(), m.Bytes())
				}
			}
			if m.Len() != tt.wantLen || m.Bytes() != tt.wantBy {
				t.Errorf("%d entries of %d bytes, want %d of %d", m.Len(), m.Bytes(), tt.wantLen, tt.wantBy)
			}
		})
	}
}

func TestPutReplacesAndGets(t *testing.T) {
	t.Parallel()
	m := New[string](10, 1000, size)
	if !m.Put("k", "one") || !m.Put("k", "three") {
		t.Fatal("Put refused a small value")
	}
	if v, ok := m.Get("k"); !ok || v != "three" {
		t.Errorf("Get = %q %v, want the replacement", v, ok)
	}
	if m.Len() != 1 || m.Bytes() != len("three") {
		t.Errorf("after a replacement: %d entries, %d bytes", m.Len(), m.Bytes())
	}
	if _, ok := m.Get("other"); ok {
		t.Error("Get found a key never put")
	}
	if m.Put("big", string(make([]byte, 251))) {
		t.Error("Put stored a value over a quarter of the bound")
	}
}

func TestConcurrent(t *testing.T) {
	t.Parallel()
	m := New[int](8, 1<<10, size)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 200 {
				m.Put(g*1000+i, "value")
				m.Get(i)
			}
		})
	}
	wg.Wait()
	if m.Len() > 8 || m.Bytes() != m.Len()*len("value") {
		t.Errorf("%d entries, %d bytes", m.Len(), m.Bytes())
	}
}
