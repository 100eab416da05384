package storage

import (
	"fmt"
	"testing"

	"github.com/vnstock-api/vnstock-api/market"
)

func TestMemo(t *testing.T) {
	t.Parallel()
	m := newMemo(2)
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
	if len(m.m) > 2 {
		t.Fatalf("memo holds %d entries, bound is 2", len(m.m))
	}
	m.put("empty", nil, a)
	if _, ok := m.m["empty"]; ok {
		t.Fatal("an empty slice was remembered")
	}
}
