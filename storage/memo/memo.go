// Package memo is the bounded map behind the server's identity memos (the
// storage Service's decoded answers, api/rest's rendered bar rows): it holds
// at most a number of entries whose estimated costs, in bytes pinned, sum to
// at most a bound, and forgets arbitrary entries to stay within both.
package memo

import "sync"

// Map is a map bounded by entry count and by the summed cost of its values.
// It is safe for concurrent use.
type Map[K comparable, V any] struct {
	mu       sync.RWMutex
	m        map[K]V
	cost     func(V) int
	max      int
	maxBytes int
	bytes    int
}

// New returns a Map of at most max entries whose costs (cost of each value,
// in bytes) sum to at most maxBytes.
func New[K comparable, V any](max, maxBytes int, cost func(V) int) *Map[K, V] {
	return &Map[K, V]{m: make(map[K]V), cost: cost, max: max, maxBytes: maxBytes}
}

// Get returns the value stored under k.
func (m *Map[K, V]) Get(k K) (V, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	v, ok := m.m[k]
	return v, ok
}

// Put stores v under k, replacing what k held, after forgetting arbitrary
// entries until v fits both bounds. A value costing more than a quarter of
// the byte bound is too big to be worth pinning and is not stored, nor is
// anything when the entry bound is not positive. Put reports whether it
// stored v.
func (m *Map[K, V]) Put(k K, v V) bool {
	c := m.cost(v)
	if m.max <= 0 || c > m.maxBytes/4 {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if old, ok := m.m[k]; ok {
		m.bytes -= m.cost(old)
		delete(m.m, k)
	}
	for key, old := range m.m {
		if len(m.m) < m.max && m.bytes+c <= m.maxBytes {
			break
		}
		m.bytes -= m.cost(old)
		delete(m.m, key)
	}
	m.m[k] = v
	m.bytes += c
	return true
}

// Len returns the number of entries.
func (m *Map[K, V]) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.m)
}

// Bytes returns the summed cost of the entries.
func (m *Map[K, V]) Bytes() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.bytes
}
