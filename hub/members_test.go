package hub

import (
	"slices"
	"testing"
)

func TestMemberCounts(t *testing.T) {
	g := []string{"quote:A", "quote:B", "quote:C"}
	tests := []struct {
		name     string
		add      [][]string
		remove   [][]string
		wantGone [][]string
		wantHeld []string
	}{
		{"one request", [][]string{g}, [][]string{g}, [][]string{g}, nil},
		{"empty request first", [][]string{{}, g}, [][]string{{}, g}, [][]string{nil, g}, nil},
		{"overlap keeps shared members", [][]string{g, {"quote:B", "quote:D"}}, [][]string{g},
			[][]string{{"quote:A", "quote:C"}}, []string{"quote:B", "quote:D"}},
		{"overlap released in turn", [][]string{g, {"quote:B"}}, [][]string{{"quote:B"}, g},
			[][]string{nil, g}, nil},
		{"duplicates count twice", [][]string{{"quote:A", "quote:A"}}, [][]string{{"quote:A", "quote:A"}},
			[][]string{{"quote:A"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mc memberCounts
			for _, l := range tt.add {
				mc.add(l)
			}
			for i, l := range tt.remove {
				gone := mc.remove(l)
				slices.Sort(gone)
				if !slices.Equal(gone, tt.wantGone[i]) {
					t.Fatalf("remove %v: gone %v, want %v", l, gone, tt.wantGone[i])
				}
			}
			held := mc.all()
			slices.Sort(held)
			if !slices.Equal(held, tt.wantHeld) && !(len(held) == 0 && len(tt.wantHeld) == 0) {
				t.Fatalf("held %v, want %v", held, tt.wantHeld)
			}
			if mc.len() != len(tt.wantHeld) {
				t.Fatalf("len %d, want %d", mc.len(), len(tt.wantHeld))
			}
			for _, m := range tt.wantHeld {
				if mc.count(m) == 0 {
					t.Fatalf("count(%s) = 0 while held", m)
				}
			}
		})
	}
}

func TestExpansionsShareEqualLists(t *testing.T) {
	var e expansions
	a := e.share("quote:@G", []string{"quote:A", "quote:B"})
	b := e.share("quote:@G", []string{"quote:A", "quote:B"})
	if &a[0] != &b[0] {
		t.Fatal("an unchanged expansion was not shared")
	}
	c := e.share("quote:@G", []string{"quote:A", "quote:C"})
	if &c[0] == &a[0] || c[1] != "quote:C" {
		t.Fatal("a changed expansion returned the old list")
	}
	if one := e.share("quote:A", []string{"quote:A"}); len(e.lists) != 1 || one[0] != "quote:A" {
		t.Fatal("single topics are not kept")
	}
}
