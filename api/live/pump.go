// Package live holds what the streaming transports (WebSocket, SSE, GraphQL
// subscriptions) share: the loop that waits on a hub subscriber's queue and
// hands batches to the transport, with a heartbeat when idle and a minimum
// spacing between frames so that bursts coalesce into one write.
package live

import (
	"context"
	"sync"
	"time"

	"github.com/vnstock-api/vnstock-api/hub"
)

// Config is the stream timing every transport shares.
type Config struct {
	// Heartbeat is the longest silence before write is called with
	// heartbeat=true. Default 15 s.
	Heartbeat time.Duration
	// WriteTimeout bounds one write to the client. Default 5 s.
	WriteTimeout time.Duration
	// FlushInterval is the least time between two batches: events that arrive
	// meanwhile join the next frame (batching). Zero writes at once.
	FlushInterval time.Duration
	// OnWrite, when set, is called once per stream with its ctx and returns
	// the hook called after each of its successful batch writes with the
	// items written (metrics, usage): what the hook needs from ctx is looked
	// up once, not per batch. The hook must be quick and must not keep items.
	OnWrite func(ctx context.Context) func(items []hub.Item)
}

// Hook returns the stream's OnWrite hook for ctx, or nil when there is none.
func (c Config) Hook(ctx context.Context) func(items []hub.Item) {
	if c.OnWrite == nil {
		return nil
	}
	return c.OnWrite(ctx)
}

// WithDefaults fills the zero fields with the protocol's defaults.
func (c Config) WithDefaults() Config {
	if c.Heartbeat <= 0 {
		c.Heartbeat = 15 * time.Second
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = 5 * time.Second
	}
	return c
}

// WriteFunc sends one batch. heartbeat is true, and items empty, when the
// connection was idle for a heartbeat interval.
type WriteFunc func(items []hub.Item, heartbeat bool) error

var itemPool = sync.Pool{New: func() any { s := make([]hub.Item, 0, 64); return &s }}

// Pump drains sub into write until ctx ends, write fails or the subscriber is
// ended (it returns the subscriber's error, such as hub.ErrSlowConsumer). It
// runs on the caller's goroutine and holds no buffer while idle.
func Pump(ctx context.Context, sub *hub.Subscriber, cfg Config, write WriteFunc) error {
	cfg = cfg.WithDefaults()
	hook := cfg.Hook(ctx)
	timer := time.NewTimer(cfg.Heartbeat)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
			if err := write(nil, true); err != nil {
				return err
			}
			timer.Reset(cfg.Heartbeat)
			continue
		case <-sub.Ready():
		}
		if err := Flush(ctx, sub, write, hook); err != nil {
			return err
		}
		if cfg.FlushInterval > 0 {
			// Cool down: what arrives now waits for the next frame.
			timer.Reset(cfg.FlushInterval)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-timer.C:
			}
		}
		timer.Reset(cfg.Heartbeat)
	}
}

// Flush drains what sub has pending and hands it to write as one batch
// (nothing is written when the queue is empty), then to onWrite. It returns
// the subscriber's terminal error, write's error, or ctx's.
func Flush(ctx context.Context, sub *hub.Subscriber, write WriteFunc, onWrite func([]hub.Item)) error {
	p := itemPool.Get().(*[]hub.Item)
	defer func() {
		clear(*p)
		*p = (*p)[:0]
		itemPool.Put(p)
	}()
	items, err := sub.Drain(*p)
	*p = items
	if err != nil {
		return err
	}
	if len(items) == 0 {
		return ctx.Err()
	}
	if err := write(items, false); err != nil {
		return err
	}
	if onWrite != nil {
		onWrite(items)
	}
	return nil
}

// Wait waits for wg, or for ctx to end (its error). A transport's Shutdown
// uses it to wait for its streams within the shutdown deadline.
func Wait(ctx context.Context, wg *sync.WaitGroup) error {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
