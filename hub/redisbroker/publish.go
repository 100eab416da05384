package redisbroker

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vnstock-api/vnstock-api/hub"
)

// Fence ties a publish to a Lease: Redis refuses the event unless the lease
// key still holds Value (a missing key, after a Redis restart, is taken
// back). Lease.Run puts one in its leader's context.
type Fence struct {
	Key   string
	Value string // "<token>:<owner>"
	TTL   time.Duration
}

type fenceKey struct{}

// WithFence returns ctx carrying f; Publish with it is fenced.
func WithFence(ctx context.Context, f Fence) context.Context {
	return context.WithValue(ctx, fenceKey{}, f)
}

// FenceFrom returns the fence ctx carries.
func FenceFrom(ctx context.Context) (Fence, bool) {
	f, ok := ctx.Value(fenceKey{}).(Fence)
	return f, ok
}

type pubReq struct {
	topic string
	data  []byte
	ts    int64
	fence *Fence
	res   chan pubRes // capacity 1; nil for PublishAsync
}

type pubRes struct {
	seq uint64
	err error
}

func (r *pubReq) reply(seq uint64, err error) {
	if r.res != nil {
		r.res <- pubRes{seq, err}
	}
}

// Publish implements hub.Broker. Concurrent publishes share one script call;
// the event reaches the hub, like everyone else's, through pub/sub. While
// Redis is away the event is numbered and delivered locally.
func (b *Broker) Publish(ctx context.Context, topic string, data []byte, ts int64) (uint64, error) {
	if b.closed.Load() {
		return 0, hub.ErrClosed
	}
	if ts == 0 {
		ts = b.cfg.Now().UnixMilli()
	}
	req := &pubReq{topic: topic, data: data, ts: ts, res: make(chan pubRes, 1)}
	if f, ok := FenceFrom(ctx); ok {
		req.fence = &f
	}
	select {
	case b.pubQ <- req:
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-b.stop:
		return 0, hub.ErrClosed
	}
	select {
	case r := <-req.res:
		return r.seq, r.err
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-b.pubDone:
		select {
		case r := <-req.res:
			return r.seq, r.err
		default:
			return 0, hub.ErrClosed
		}
	}
}

// PublishAsync implements hub.AsyncPublisher: it queues the event and
// returns without waiting for Redis; it blocks only while the queue is
// full. One goroutine publishes the queue, so one caller's events get
// seqs in the order it published them. An event Redis refuses (a lost
// lease) is counted and logged, not returned.
func (b *Broker) PublishAsync(ctx context.Context, topic string, data []byte, ts int64) error {
	if b.closed.Load() {
		return hub.ErrClosed
	}
	if ts == 0 {
		ts = b.cfg.Now().UnixMilli()
	}
	req := &pubReq{topic: topic, data: data, ts: ts}
	if f, ok := FenceFrom(ctx); ok {
		req.fence = &f
	}
	select {
	case b.asyncQ <- req:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-b.stop:
		return hub.ErrClosed
	}
}

// publishers runs Config.Publishers loops on Publish's queue and one on
// PublishAsync's (one, to keep its order), and closes pubDone when they
// all ended.
func (b *Broker) publishers() {
	defer b.wg.Done()
	var wg sync.WaitGroup
	for range b.cfg.Publishers {
		wg.Go(func() { b.publishLoop(b.pubQ) })
	}
	wg.Go(func() { b.publishLoop(b.asyncQ) })
	wg.Wait()
	close(b.pubDone)
}

// publishLoop batches what is waiting in q and publishes it; at Close it
// publishes what was accepted and exits.
func (b *Broker) publishLoop(q chan *pubReq) {
	batch := make([]*pubReq, 0, b.cfg.BatchSize)
	for {
		select {
		case req := <-q:
			batch = b.drainPub(q, append(batch[:0], req))
			b.publishBatch(b.ctx, batch)
			clear(batch)
		case <-b.stop:
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			for {
				if batch = b.drainPub(q, batch[:0]); len(batch) == 0 {
					return
				}
				b.publishBatch(ctx, batch)
				clear(batch)
			}
		}
	}
}

func (b *Broker) drainPub(q chan *pubReq, batch []*pubReq) []*pubReq {
	for len(batch) < b.cfg.BatchSize {
		select {
		case req := <-q:
			batch = append(batch, req)
		default:
			return batch
		}
	}
	return batch
}

// publishBatch publishes through Redis, or locally while Redis is away.
func (b *Broker) publishBatch(ctx context.Context, batch []*pubReq) {
	if b.localMode() && !b.tryLeaveLocal(ctx) {
		b.publishLocal(batch)
		return
	}
	err := b.publishRedis(ctx, batch)
	if isNoEpoch(err) {
		// Redis lost its state while this instance was connected (FLUSHALL):
		// establish a new epoch above every seq delivered, then retry once.
		if err = b.sync(ctx, false); err == nil {
			err = b.publishRedis(ctx, batch)
		}
	}
	switch {
	case err == nil:
	case isServerError(err) || ctx.Err() != nil:
		b.log.Warn("publish refused", "events", len(batch), "err", err)
		for _, r := range batch {
			r.reply(0, err)
		}
	default:
		b.enterLocal(err)
		b.publishLocal(batch)
	}
}

// publishRedis runs the publish script for batch and replies to each
// request. On error nobody was replied to.
func (b *Broker) publishRedis(ctx context.Context, batch []*pubReq) error {
	now := b.cfg.Now()
	last := max(b.pubLast.Load(), b.seq.head()) // delivery may lag what this publisher got back
	args := make([]any, 0, 3+4*len(batch)+3)
	args = append(args, b.k.channel, encodeSeq(b.trim.minID(now, last))+"-0", 0)
	var fences []Fence
	idx := make([]int, len(batch))
	for i, r := range batch {
		if r.fence == nil {
			continue
		}
		j := 0
		for j < len(fences) && fences[j] != *r.fence {
			j++
		}
		if j == len(fences) {
			fences = append(fences, *r.fence)
			args = append(args, r.fence.Key, r.fence.Value, max(r.fence.TTL.Milliseconds(), 1))
		}
		idx[i] = j + 1
	}
	args[2] = len(fences)
	bytes := 0
	for i, r := range batch {
		args = append(args, idx[i], r.topic, r.ts, r.data)
		bytes += len(r.topic) + len(r.data) + 24
	}
	seqs, err := publishScript.Run(ctx, b.rdb, []string{b.k.seq, b.k.epoch, b.k.hist, b.k.last}, args...).Int64Slice()
	if err != nil {
		return err
	}
	if len(seqs) != len(batch) {
		return errors.New("redisbroker: publish script answered a different number of seqs")
	}
	var top uint64
	fenced := 0
	for i, r := range batch {
		if seqs[i] <= 0 {
			fenced++
			r.reply(0, ErrFenced)
			continue
		}
		top = max(top, uint64(seqs[i]))
		r.reply(uint64(seqs[i]), nil)
	}
	for cur := b.pubLast.Load(); top > cur && !b.pubLast.CompareAndSwap(cur, top); cur = b.pubLast.Load() {
	}
	if fenced > 0 {
		b.log.Debug("events refused: lease held by another instance", "count", fenced)
	}
	b.trim.observe(b.cfg.Now(), max(top, last), len(batch), bytes) // after the script: no seq is newer than its sample
	return nil
}

// publishLocal numbers and delivers batch on this instance alone. The
// first local seq since Redis was in sync starts a local epoch: these seqs
// are in no shared history.
func (b *Broker) publishLocal(batch []*pubReq) {
	b.pubMu.Lock()
	defer b.pubMu.Unlock()
	b.mu.Lock()
	if !b.minted {
		b.minted = true
		b.setEpoch(hub.NewEpoch())
	}
	b.mu.Unlock()
	for _, r := range batch {
		ev, ok := b.seq.mint(r.topic, r.data, r.ts, b.stop)
		if !ok {
			r.reply(0, hub.ErrClosed)
			continue
		}
		b.mu.Lock()
		b.local[r.topic] = ev
		b.mu.Unlock()
		r.reply(ev.Seq, nil)
	}
}

// localMode reports whether publishes go local now. While they do, Redis
// is tried again when the link is back or the backoff has passed.
func (b *Broker) localMode() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.pubLocal
}

// tryLeaveLocal reports whether publishing may go through Redis again,
// re-synchronising first if it still goes local.
func (b *Broker) tryLeaveLocal(ctx context.Context) bool {
	b.pubMu.Lock()
	defer b.pubMu.Unlock()
	return !b.localMode() || b.leaveLocal(ctx) == nil
}

// leaveLocal re-synchronises with Redis, under pubMu (so no local seq can
// follow the counter's raise): a new epoch when seqs were minted, the
// counter above them.
func (b *Broker) leaveLocal(ctx context.Context) error {
	b.mu.Lock()
	due := b.linkUp || !b.cfg.Now().Before(b.nextProbe)
	rotate := b.minted
	b.mu.Unlock()
	if !due {
		return errors.New("redis retry not due")
	}
	if err := b.sync(ctx, rotate); err != nil {
		b.mu.Lock()
		b.probeWait = min(max(2*b.probeWait, b.cfg.MinBackoff), b.cfg.MaxBackoff)
		b.nextProbe = b.cfg.Now().Add(b.probeWait)
		b.mu.Unlock()
		return err
	}
	b.mu.Lock()
	b.pubLocal, b.minted, b.probeWait = false, false, 0
	var stale []string
	for t := range b.local {
		if !b.routed[t] {
			stale = append(stale, t)
		}
	}
	clear(b.local)
	b.mu.Unlock()
	if len(stale) > 0 {
		b.seq.control(op{unroute: stale}, b.stop)
	}
	b.updateState("publishing through redis again")
	return nil
}

// enterLocal switches publishing to local after a Redis failure, and asks
// the link to check itself.
func (b *Broker) enterLocal(err error) {
	b.mu.Lock()
	first := !b.pubLocal
	b.pubLocal = true
	b.probeWait = b.cfg.MinBackoff
	b.nextProbe = b.cfg.Now().Add(b.probeWait)
	b.mu.Unlock()
	if first {
		b.log.Warn("publish through redis failed; publishing locally", "err", err)
		b.kickLink()
		b.updateState("publish failed: " + err.Error())
	}
}

// sync runs the sync script: the epoch (new if Redis lost it, or when
// rotate) and the counter raised to at least every seq this instance
// queued or was given.
func (b *Broker) sync(ctx context.Context, rotate bool) error {
	r := "0"
	if rotate {
		r = "1"
	}
	vals, err := syncScript.Run(ctx, b.rdb, []string{b.k.seq, b.k.epoch}, hub.NewEpoch(), r, encodeSeq(max(b.seq.head(), b.pubLast.Load()))).Slice()
	if err != nil {
		return err
	}
	if len(vals) != 3 {
		return errors.New("redisbroker: sync script answered an unexpected shape")
	}
	epoch, _ := vals[0].(string)
	created, _ := vals[2].(int64)
	if created == 1 {
		b.log.Warn("new history epoch", "epoch", epoch, "rotated", rotate)
	}
	b.setEpoch(epoch)
	return nil
}

func isNoEpoch(err error) bool { return err != nil && strings.HasPrefix(err.Error(), "NOEPOCH") }

// isServerError reports an error Redis answered (as opposed to a lost
// connection), which retrying elsewhere would not fix.
func isServerError(err error) bool {
	var re redis.Error
	return errors.As(err, &re) && !errors.Is(err, redis.Nil)
}
