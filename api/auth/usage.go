package auth

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
)

// UsageSink stores usage counters (storage.UsageStore implements it).
type UsageSink interface {
	AddUsage(ctx context.Context, rows []storage.Usage) error
}

// Usage buffers usage counters in memory and flushes them in batches: one
// row per key, ICT day and endpoint class. A failed flush keeps the rows
// for the next one, so no count is lost while the store is down. Safe for
// concurrent use.
type Usage struct {
	sink UsageSink
	now  func() time.Time

	mu   sync.Mutex
	rows map[usageKey]*storage.Usage
}

type usageKey struct {
	key   string
	day   time.Time
	class string
}

// NewUsage returns a buffer flushing to sink.
func NewUsage(sink UsageSink, now func() time.Time) *Usage {
	if now == nil {
		now = time.Now
	}
	return &Usage{sink: sink, now: now, rows: make(map[usageKey]*storage.Usage)}
}

// Add counts one request (requests=1) or a stream's totals for keyID.
func (u *Usage) Add(keyID, class string, requests, streamSeconds, events, bytes int64) {
	u.add(usageKey{keyID, market.Date(u.now()), class}, requests, streamSeconds, events, bytes)
}

func (u *Usage) add(k usageKey, requests, streamSeconds, events, bytes int64) {
	u.mu.Lock()
	r, ok := u.rows[k]
	if !ok {
		r = &storage.Usage{KeyID: k.key, Day: k.day, Class: k.class}
		u.rows[k] = r
	}
	r.Requests += requests
	r.StreamSeconds += streamSeconds
	r.Events += events
	r.Bytes += bytes
	u.mu.Unlock()
}

// Flush writes the buffered rows. On error they are merged back.
func (u *Usage) Flush(ctx context.Context) error {
	u.mu.Lock()
	if len(u.rows) == 0 {
		u.mu.Unlock()
		return nil
	}
	taken := u.rows
	u.rows = make(map[usageKey]*storage.Usage, len(taken))
	u.mu.Unlock()
	rows := make([]storage.Usage, 0, len(taken))
	for _, r := range taken {
		rows = append(rows, *r)
	}
	if err := u.sink.AddUsage(ctx, rows); err != nil {
		for _, r := range rows {
			u.add(usageKey{r.KeyID, r.Day, r.Class}, r.Requests, r.StreamSeconds, r.Events, r.Bytes)
		}
		return fmt.Errorf("flush usage: %w", err)
	}
	return nil
}

// Run flushes every interval until ctx ends; the caller flushes once more
// on shutdown (Flush with its own deadline).
func (u *Usage) Run(ctx context.Context, every time.Duration, onErr func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := u.Flush(ctx); err != nil && onErr != nil {
				onErr(err)
			}
		}
	}
}
