package storage

import (
	"fmt"
	"testing"

	"github.com/vnstock-api/vnstock-api/market"
)

func TestMemo(t *testing.T) {
	t.Parallel()
	m := newMemo(2, 1<<20)
	raw := []byte("entry one")
	a := Answer{Result: market.Result{Source: "kbs"}}
	m.put("k", raw, a)
	if got, ok := m.get("k", raw); !ok || got.Source != "kbs" {
		t.Fatalf("same slice: %v, %v", got, ok)
	}
	if _, ok := m.get("k", []byte("entry one")); ok {
		t.Fatal("an equal but different slice matched: a replaced cache entry would serve the old answer")
	}
	if _, ok := m.get("k", raw[:4]); ok {
		t.Fatal("a shorter view of the slice matched")
	}
	for i := range 10 {
		m.put(fmt.Sprint(i), []byte{byte(i)}, a)
	}
	if m.m.Len() > 2 {
		t.Fatalf("memo holds %d entries, bound is 2", m.m.Len())
	}
	m.put("empty", nil, a)
	if _, ok := m.m.Get("empty"); ok {
		t.Fatal("an empty slice was remembered")
	}
}

func TestMemoByteBound(t *testing.T) {
	t.Parallel()
	const bound = 4 * 3000
	m := newMemo(100, bound)
	a := Answer{}
	for i := range 10 {
		m.put(fmt.Sprint(i), make([]byte, 700), a)
		if m.m.Bytes() > bound {
			t.Fatalf("after %d puts the memo pins ~%d bytes, bound %d", i+1, m.m.Bytes(), bound)
		}
	}
	if m.m.Len() != 4 {
		t.Fatalf("%d entries, want 4 of 4*700 bytes under 4*3000", m.m.Len())
	}
	m.put("huge", make([]byte, 1000), a) // over a quarter of the bound
	if _, ok := m.m.Get("huge"); ok {
		t.Fatal("an entry over a quarter of the bound was remembered")
	}
}
