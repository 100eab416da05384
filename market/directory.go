package market

import (
	"cmp"
	"maps"
	"slices"
	"sync"
)

// Directory knows which symbols, indices and groups exist. The live protocol
// uses it to expand `@GROUP` topics and to refuse unknown symbols; listings
// from an upstream replace its contents at run time. It is safe for
// concurrent use.
type Directory struct {
	mu      sync.RWMutex
	symbols map[Symbol]Exchange
	indices map[Symbol]Exchange
	groups  map[string][]Symbol
}

// NewDirectory returns an empty directory.
func NewDirectory() *Directory {
	return &Directory{
		symbols: map[Symbol]Exchange{},
		indices: map[Symbol]Exchange{},
		groups:  map[string][]Symbol{},
	}
}

// AddSymbol records a tradable symbol and its exchange.
func (d *Directory) AddSymbol(s Symbol, ex Exchange) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.symbols[s] = ex
}

// AddIndex records an index code and the exchange that computes it.
func (d *Directory) AddIndex(code Symbol, ex Exchange) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.indices[code] = ex
}

// SetGroup replaces the members of a group (VN30, HNX30, HOSE, ...).
func (d *Directory) SetGroup(name string, members []Symbol) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.groups[name] = slices.Clone(members)
}

// Exchange returns the exchange of a tradable symbol.
func (d *Directory) Exchange(s Symbol) (Exchange, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	ex, ok := d.symbols[s]
	return ex, ok
}

// HasIndex reports whether code is a known index.
func (d *Directory) HasIndex(code Symbol) bool {
	d.mu.RLock()
	defer d.mu.RUnlock()
	_, ok := d.indices[code]
	return ok
}

// Members returns a copy of a group's members. The exchanges HOSE, HNX and
// UPCOM are implicit groups of every symbol listed on them.
func (d *Directory) Members(group string) ([]Symbol, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if m, ok := d.groups[group]; ok {
		return slices.Clone(m), true
	}
	ex, err := ParseExchange(group)
	if err != nil || ex == DER && group != string(DER) {
		return nil, false
	}
	var out []Symbol
	for s, e := range d.symbols {
		if e == ex {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out, len(out) > 0
}

// Symbols returns every tradable symbol, sorted.
func (d *Directory) Symbols() []Symbol {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return sortedKeys(d.symbols)
}

// Indices returns every index code, sorted.
func (d *Directory) Indices() []Symbol {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return sortedKeys(d.indices)
}

// Groups returns the names of the explicit groups, sorted.
func (d *Directory) Groups() []string {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return sortedKeys(d.groups)
}

// sortedKeys returns m's keys in order; never nil.
func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	out := slices.AppendSeq(make([]K, 0, len(m)), maps.Keys(m))
	slices.Sort(out)
	return out
}

// VN30 is the VN30 basket as of the second half of 2026, the built-in default
// until a listing source refreshes it.
var VN30 = []Symbol{
	"ACB", "BCM", "BID", "BVH", "CTG", "FPT", "GAS", "GVR", "HDB", "HPG",
	"LPB", "MBB", "MSN", "MWG", "PLX", "SAB", "SHB", "SSB", "SSI", "STB",
	"TCB", "TPB", "VCB", "VHM", "VIB", "VIC", "VJC", "VNM", "VPB", "VRE",
}

// HNX30Sample and UPCOMSample are a few liquid names of the other two boards,
// enough for the simulator and for tests; real listings replace them.
var (
	HNX30Sample = []Symbol{"SHS", "PVS", "CEO", "IDC", "MBS", "NVB", "TNG", "VCS", "PVI", "HUT"}
	UPCOMSample = []Symbol{"ACV", "BSR", "VEA", "MCH", "QNS", "OIL", "VGI", "FOX"}
)

// DefaultDirectory returns the built-in directory: VN30 on HOSE, a sample of
// HNX and UPCOM names, and the four headline indices.
func DefaultDirectory() *Directory {
	d := NewDirectory()
	for _, s := range VN30 {
		d.AddSymbol(s, HOSE)
	}
	for _, s := range HNX30Sample {
		d.AddSymbol(s, HNX)
	}
	for _, s := range UPCOMSample {
		d.AddSymbol(s, UPCOM)
	}
	d.SetGroup("VN30", VN30)
	d.SetGroup("HNX30", HNX30Sample)
	d.AddIndex("VNINDEX", HOSE)
	d.AddIndex("VN30", HOSE)
	d.AddIndex("HNXINDEX", HNX)
	d.AddIndex("HNX30", HNX)
	d.AddIndex("UPCOMINDEX", UPCOM)
	return d
}
