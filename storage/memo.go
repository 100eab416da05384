package storage

import (
	"unsafe"

	"github.com/vnstock-api/vnstock-api/storage/memo"
)

// answerMemo remembers the Answer decoded from each cache entry. An
// in-process cache (cache.Memory) returns the very slice it stores, so a hit
// on the same entry is recognised by the slice's address and length and
// costs no decoding: a year of daily bars decodes in about 10 µs and
// allocates 30 KB, which would otherwise be most of a cached request. A
// cache that copies (Redis) never matches and decodes every time. The memo
// keeps the slice it saw, so its memory cannot be reused for other bytes
// while remembered; memo.Map bounds it by entries and by an estimate of the
// bytes it pins (the entry plus the decoded answer).
type answerMemo struct {
	m *memo.Map[string, memoEntry]
}

type memoEntry struct {
	raw []byte
	a   Answer
}

// cost estimates the memory an entry pins: its bytes and the decoded
// answer, which for bars is about 2.5 times the entry.
func (e memoEntry) cost() int { return 4 * len(e.raw) }

func newMemo(max, maxBytes int) *answerMemo {
	return &answerMemo{m: memo.New[string](max, maxBytes, memoEntry.cost)}
}

// same reports whether x and y are the same slice.
func same(x, y []byte) bool {
	return len(x) == len(y) && len(x) > 0 && unsafe.SliceData(x) == unsafe.SliceData(y)
}

// get returns the answer decoded from raw when raw is the slice remembered
// under key.
func (m *answerMemo) get(key string, raw []byte) (Answer, bool) {
	e, ok := m.m.Get(key)
	if !ok || !same(e.raw, raw) {
		return Answer{}, false
	}
	return e.a, true
}

// put remembers the answer decoded from raw under key.
func (m *answerMemo) put(key string, raw []byte, a Answer) {
	if len(raw) > 0 {
		m.m.Put(key, memoEntry{raw: raw, a: a})
	}
}
