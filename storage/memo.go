package storage

import (
	"sync"
	"unsafe"
)

// memo remembers the Answer decoded from each cache entry. An in-process
// cache (cache.Memory) returns the very slice it stores, so a hit on the
// same entry is recognised by the slice's address and length and costs no
// decoding: a year of daily bars decodes in about 10 µs and allocates 30
// KB, which would otherwise be most of a cached request. A cache that
// copies (Redis) never matches and decodes every time. The memo keeps the
// slice it saw, so its memory cannot be reused for other bytes while
// remembered; it is bounded by entries and by an estimate of the bytes it
// pins (the entry plus the decoded answer), and forgets arbitrary entries
// when over either bound.
type memo struct {
	mu       sync.RWMutex
	m        map[string]memoEntry
	max      int
	maxBytes int
	bytes    int
}

type memoEntry struct {
	raw []byte
	a   Answer
}

// cost estimates the memory an entry pins: its bytes and the decoded
// answer, which for bars is about 2.5 times the entry.
func (e memoEntry) cost() int { return 4 * len(e.raw) }

func newMemo(max, maxBytes int) *memo {
	return &memo{m: make(map[string]memoEntry), max: max, maxBytes: maxBytes}
}

// same reports whether x and y are the same slice.
func same(x, y []byte) bool {
	return len(x) == len(y) && len(x) > 0 && unsafe.SliceData(x) == unsafe.SliceData(y)
}

// get returns the answer decoded from raw when raw is the slice remembered
// under key.
func (m *memo) get(key string, raw []byte) (Answer, bool) {
	m.mu.RLock()
	e, ok := m.m[key]
	m.mu.RUnlock()
	if !ok || !same(e.raw, raw) {
		return Answer{}, false
	}
	return e.a, true
}

// put remembers the answer decoded from raw under key.
func (m *memo) put(key string, raw []byte, a Answer) {
	e := memoEntry{raw: raw, a: a}
	if m.max <= 0 || len(raw) == 0 || e.cost() > m.maxBytes/4 {
		return // too big to be worth pinning
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if old, ok := m.m[key]; ok {
		m.bytes -= old.cost()
		delete(m.m, key)
	}
	for k, old := range m.m {
		if len(m.m) < m.max && m.bytes+e.cost() <= m.maxBytes {
			break
		}
		m.bytes -= old.cost()
		delete(m.m, k)
	}
	m.m[key] = e
	m.bytes += e.cost()
}
