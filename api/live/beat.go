package live

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/vnstock-api/vnstock-api/hub"
)

// Beat is the send side of a stream written by a pool (api/wsio): a
// heartbeat falls due after an interval without a write and kicks the
// stream, and Send writes either what is pending or that heartbeat.
type Beat struct {
	every time.Duration
	timer *time.Timer
	due   atomic.Bool
}

// Start arms the heartbeat: every without a write, it falls due and kick
// is called.
func (b *Beat) Start(every time.Duration, kick func()) {
	b.every = every
	b.timer = time.AfterFunc(every, func() {
		b.due.Store(true)
		kick()
	})
}

// Stop disarms it.
func (b *Beat) Stop() { b.timer.Stop() }

// Send writes one batch of what sub has pending (Flush), or, when nothing
// was and a heartbeat is due, the heartbeat (write with heartbeat=true);
// after either the next heartbeat is an interval away.
func (b *Beat) Send(ctx context.Context, sub *hub.Subscriber, write WriteFunc, onWrite func([]hub.Item)) error {
	hb := b.due.Swap(false)
	wrote := false
	err := Flush(ctx, sub, func(items []hub.Item, _ bool) error {
		wrote = true
		return write(items, false)
	}, onWrite)
	if err == nil && hb && !wrote {
		wrote, err = true, write(nil, true)
	}
	if wrote {
		b.timer.Reset(b.every)
	}
	return err
}
