package cache

import (
	"context"
	"sync"
	"time"
)

// Memory is a bounded in-process LRU cache with a time to live per entry. It
// evicts the least recently used entries when it holds more than MaxEntries
// entries or more than MaxBytes bytes (keys, values and a fixed per-entry
// overhead), and drops expired entries when they are read or reached by
// eviction. It is safe for concurrent use: one mutex guards everything, which
// holds up to several hundred thousand operations per second.
//
// Get returns the stored slice itself, without a copy: callers must not
// modify it. Set keeps val: callers must not modify it afterwards.
type Memory struct {
	mu         sync.Mutex
	items      map[string]*entry
	head       entry // sentinel: head.next is the most recently used
	bytes      int64
	maxBytes   int64
	maxEntries int
	now        func() time.Time
}

// MemoryConfig bounds a Memory cache. Zero fields take the defaults.
type MemoryConfig struct {
	MaxBytes   int64            // default 64 MiB
	MaxEntries int              // default 100,000
	Now        func() time.Time // default time.Now
}

// Defaults of MemoryConfig.
const (
	DefaultMaxBytes   = 64 << 20
	DefaultMaxEntries = 100_000
	// entryOverhead approximates the bytes an entry costs beyond its key
	// and value (map slot, list links, header).
	entryOverhead = 96
)

type entry struct {
	key        string
	val        []byte
	expires    time.Time
	prev, next *entry
}

func (e *entry) size() int64 { return int64(len(e.key) + len(e.val) + entryOverhead) }

// NewMemory returns an empty in-memory cache.
func NewMemory(cfg MemoryConfig) *Memory {
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	if cfg.MaxEntries <= 0 {
		cfg.MaxEntries = DefaultMaxEntries
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	m := &Memory{items: map[string]*entry{}, maxBytes: cfg.MaxBytes, maxEntries: cfg.MaxEntries, now: cfg.Now}
	m.head.next, m.head.prev = &m.head, &m.head
	return m
}

// Get returns the bytes stored under key; ok is false on a miss or when the
// entry expired. The error is always nil.
func (m *Memory) Get(_ context.Context, key string) ([]byte, bool, error) {
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.items[key]
	if e == nil {
		return nil, false, nil
	}
	if !now.Before(e.expires) {
		m.remove(e)
		return nil, false, nil
	}
	m.unlink(e)
	m.pushFront(e)
	return e.val, true, nil
}

// Set stores val under key for ttl, replacing any entry, then evicts the
// least recently used entries until the bounds hold. A ttl ≤ 0 removes the
// key; a value larger than MaxBytes is not stored. The error is always nil.
func (m *Memory) Set(_ context.Context, key string, val []byte, ttl time.Duration) error {
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if old := m.items[key]; old != nil {
		m.remove(old)
	}
	e := &entry{key: key, val: val, expires: now.Add(ttl)}
	if ttl <= 0 || e.size() > m.maxBytes {
		return nil
	}
	m.items[key] = e
	m.pushFront(e)
	m.bytes += e.size()
	for m.bytes > m.maxBytes || len(m.items) > m.maxEntries {
		m.remove(m.head.prev)
	}
	return nil
}

// Ping always succeeds: the cache is in this process.
func (m *Memory) Ping(context.Context) error { return nil }

// Len returns the number of entries, expired ones not yet dropped included.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.items)
}

// Bytes returns the accounted size of the entries.
func (m *Memory) Bytes() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.bytes
}

func (m *Memory) remove(e *entry) {
	m.unlink(e)
	delete(m.items, e.key)
	m.bytes -= e.size()
}

func (m *Memory) unlink(e *entry) {
	e.prev.next = e.next
	e.next.prev = e.prev
	e.prev, e.next = nil, nil
}

func (m *Memory) pushFront(e *entry) {
	e.prev = &m.head
	e.next = m.head.next
	m.head.next.prev = e
	m.head.next = e
}
