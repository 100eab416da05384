package rest

import (
	"slices"
	"testing"
	"unsafe"
)

func TestBarsMemo(t *testing.T) {
	t.Parallel()
	m := newBarsMemo(2, 1<<24)
	bars := yearOfBars("VNM", 100)
	want := string(barTable{bars: bars}.appendJSON(nil))
	if got := string(m.rows([]byte("x"), barTable{bars: bars})); got != "x"+want {
		t.Fatal("first render differs from appendJSON")
	}
	// The memo answers by identity: a change to the very slice (which the
	// Service's contract forbids) is not seen, which shows the rows were
	// not rendered again.
	bars[0].Close = 1
	if got := string(m.rows(nil, barTable{bars: bars})); got != want {
		t.Fatal("a hit on the same slice rendered again")
	}
	// Another slice with other bars, or another divisor, is rendered anew.
	other := slices.Clone(bars)
	if got := string(m.rows(nil, barTable{bars: other})); got == want {
		t.Fatal("a different slice was answered from the memo")
	}
	if got := string(m.rows(nil, barTable{bars: bars, div: 1000})); got != string(barTable{bars: bars, div: 1000}.appendJSON(nil)) {
		t.Fatal("divisor 1000 answered with the VND rows")
	}
	if m.m.Len() > 2 {
		t.Fatalf("memo holds %d series, bound is 2", m.m.Len())
	}
	short := yearOfBars("VNM", 10)
	m.rows(nil, barTable{bars: short})
	if _, ok := m.m.Get(barsKey{data: unsafe.SliceData(short), n: len(short)}); ok {
		t.Fatal("a short series was remembered")
	}
}

func TestBarsMemoByteBound(t *testing.T) {
	t.Parallel()
	one := barsEntry{bars: yearOfBars("VNM", 100), json: barTable{bars: yearOfBars("VNM", 100)}.appendJSON(nil)}.cost()
	bound := 4*one + one/2
	m := newBarsMemo(100, bound)
	for range 6 {
		m.rows(nil, barTable{bars: yearOfBars("VNM", 100)})
		if m.m.Bytes() > bound {
			t.Fatalf("memo pins %d bytes, bound %d", m.m.Bytes(), bound)
		}
	}
	if m.m.Len() != 4 {
		t.Fatalf("%d series remembered, want 4", m.m.Len())
	}
	m.rows(nil, barTable{bars: yearOfBars("VNM", 500)}) // over a quarter of the bound
	if m.m.Len() != 4 {
		t.Fatal("a series over a quarter of the bound was remembered")
	}
}
