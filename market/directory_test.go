package market

import (
	"slices"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func sorted(s []Symbol) []Symbol {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func TestDirectoryMembers(t *testing.T) {
	t.Parallel()
	d := DefaultDirectory()
	tests := []struct {
		name   string
		group  string
		want   []Symbol
		wantOK bool
	}{
		{"explicit VN30 keeps its order", "VN30", VN30, true},
		{"explicit HNX30", "HNX30", HNX30Sample, true},
		{"implicit HOSE", "HOSE", sorted(VN30), true},
		{"implicit HNX", "HNX", sorted(HNX30Sample), true},
		{"implicit UPCOM", "UPCOM", sorted(UPCOMSample), true},
		{"HSX alias of HOSE", "HSX", sorted(VN30), true},
		{"DER has no listed symbols", "DER", nil, false},
		{"DER alias refused", "DERIVATIVES", nil, false},
		{"unknown group", "VN100", nil, false},
		{"empty name", "", nil, false},
		{"index code is not a group", "VNINDEX", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := d.Members(tt.group)
			if ok != tt.wantOK {
				t.Fatalf("Members(%q) ok = %v, want %v", tt.group, ok, tt.wantOK)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Members(%q) (-want +got):\n%s", tt.group, diff)
			}
		})
	}
}

func TestDirectoryMembersIsACopy(t *testing.T) {
	t.Parallel()
	d := DefaultDirectory()
	m, _ := d.Members("VN30")
	m[0] = "XXX"
	again, _ := d.Members("VN30")
	if again[0] != VN30[0] {
		t.Errorf("mutating Members' result changed the group: %v", again[0])
	}
	members := []Symbol{"AAA", "BBB"}
	d.SetGroup("MINE", members)
	members[0] = "ZZZ"
	if got, _ := d.Members("MINE"); got[0] != "AAA" {
		t.Errorf("SetGroup kept the caller's slice: %v", got)
	}
}

func TestDirectoryLookups(t *testing.T) {
	t.Parallel()
	d := DefaultDirectory()
	tests := []struct {
		name   string
		sym    Symbol
		wantEx Exchange
		wantOK bool
		index  bool
	}{
		{"VN30 member", "VCB", HOSE, true, false},
		{"HNX sample", "SHS", HNX, true, false},
		{"UPCOM sample", "ACV", UPCOM, true, false},
		{"unknown", "ZZZ", "", false, false},
		{"index is not tradable", "VNINDEX", "", false, true},
		{"VN30 index", "VN30", "", false, true},
		{"UPCOM index", "UPCOMINDEX", "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ex, ok := d.Exchange(tt.sym)
			if ex != tt.wantEx || ok != tt.wantOK {
				t.Errorf("Exchange(%s) = %q, %v; want %q, %v", tt.sym, ex, ok, tt.wantEx, tt.wantOK)
			}
			if got := d.HasIndex(tt.sym); got != tt.index {
				t.Errorf("HasIndex(%s) = %v, want %v", tt.sym, got, tt.index)
			}
		})
	}
	if got, want := len(d.Symbols()), len(VN30)+len(HNX30Sample)+len(UPCOMSample); got != want {
		t.Errorf("Symbols() has %d, want %d", got, want)
	}
	if !slices.IsSorted(d.Symbols()) || !slices.IsSorted(d.Indices()) {
		t.Error("Symbols and Indices must be sorted")
	}
	if diff := cmp.Diff([]Symbol{"HNX30", "HNXINDEX", "UPCOMINDEX", "VN30", "VNINDEX"}, d.Indices()); diff != "" {
		t.Errorf("Indices (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"HNX30", "VN30"}, d.Groups()); diff != "" {
		t.Errorf("Groups (-want +got):\n%s", diff)
	}
}

func TestDirectoryUpdates(t *testing.T) {
	t.Parallel()
	d := NewDirectory()
	if _, ok := d.Members("HOSE"); ok {
		t.Error("an empty directory has no HOSE members")
	}
	d.AddSymbol("VNM", HOSE)
	d.AddSymbol("VNM", HNX) // a transfer between boards replaces the exchange
	d.AddSymbol("F1", DER)
	if ex, _ := d.Exchange("VNM"); ex != HNX {
		t.Errorf("Exchange(VNM) = %s, want HNX", ex)
	}
	if got, ok := d.Members("DER"); !ok || !slices.Equal(got, []Symbol{"F1"}) {
		t.Errorf("Members(DER) = %v, %v", got, ok)
	}
	// An explicit group shadows the implicit exchange group.
	d.SetGroup("HNX", []Symbol{"ONLY"})
	if got, _ := d.Members("HNX"); !slices.Equal(got, []Symbol{"ONLY"}) {
		t.Errorf("Members(HNX) = %v, want the explicit group", got)
	}
}

func TestDirectoryConcurrent(t *testing.T) {
	t.Parallel()
	d := DefaultDirectory()
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for j := range 200 {
				if i%2 == 0 {
					d.AddSymbol(Symbol("X"+string(rune('A'+j%26))), UPCOM)
					d.SetGroup("G", VN30[:j%len(VN30)])
				} else {
					d.Members("UPCOM")
					d.Members("G")
					d.Symbols()
				}
			}
		})
	}
	wg.Wait()
}
