package rest

import (
	"unsafe"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage/memo"
)

// barsMemo remembers the JSON rows rendered from a bar slice. A cached
// answer comes back from the storage Service as the very same slice while
// its cache entry lives (the Service memoizes the decoded answer), so a
// year of daily bars is rendered once per cache entry instead of once per
// request: formatting 250 bars is about a third of a cached request's CPU.
// Slices are treated as read-only (the Service's contract); a different
// slice, even with equal bars, is a miss. The memo pins the slices it
// remembers, so their memory cannot be reused for other bars while
// remembered; memo.Map bounds it by entries and by the bytes it pins (bars
// and rows).
type barsMemo struct {
	m *memo.Map[barsKey, barsEntry]
}

type barsKey struct {
	data *market.Bar
	n    int
	div  float64
}

type barsEntry struct {
	bars []market.Bar // pins the slice the key points into
	json []byte
}

func (e barsEntry) cost() int { return len(e.bars)*int(unsafe.Sizeof(market.Bar{})) + len(e.json) }

// minMemoBars is the fewest bars worth remembering: fewer render in
// microseconds.
const minMemoBars = 64

func newBarsMemo(max, maxBytes int) *barsMemo {
	return &barsMemo{m: memo.New[barsKey](max, maxBytes, barsEntry.cost)}
}

// rows returns the JSON array of t's bars, rendered once per slice.
func (m *barsMemo) rows(b []byte, t barTable) []byte {
	if m == nil || len(t.bars) < minMemoBars {
		return t.appendJSON(b)
	}
	k := barsKey{data: unsafe.SliceData(t.bars), n: len(t.bars), div: t.div}
	if hit, ok := m.m.Get(k); ok {
		return append(b, hit.json...)
	}
	start := len(b)
	b = t.appendJSON(b)
	m.m.Put(k, barsEntry{bars: t.bars, json: append([]byte(nil), b[start:]...)})
	return b
}
