package redisbroker

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// waiter is a token the broker awaits on its link: a PING's pong or a
// marker. done is closed when it arrived and was applied, or when the link
// was lost (failed is then set first).
type waiter struct {
	done   chan struct{}
	onPong *op // queued, in stream order, when the pong arrives
	failed bool
}

// errLinkLost fails waits on a link that went down.
var errLinkLost = errors.New("redisbroker: pub/sub link lost")

// linkLoop keeps the pub/sub link up: connect (with backoff), read until
// it fails, repeat. up is closed after the first successful connection.
func (b *Broker) linkLoop(up chan struct{}) {
	defer b.wg.Done()
	wait := b.cfg.MinBackoff
	for {
		ps, err := b.connect()
		if err == nil {
			if up != nil {
				close(up)
				up = nil
			}
			wait = b.cfg.MinBackoff
			b.resumePublishing()
			err = b.read(ps)
			b.linkDown(ps, err)
		} else if !b.closed.Load() {
			b.log.Debug("redis connect failed", "err", err, "retry_in", wait)
			b.updateState("redis unreachable: " + err.Error())
		}
		if b.closed.Load() || !b.sleep(jitter(wait)) {
			return
		}
		wait = min(2*wait, b.cfg.MaxBackoff)
	}
}

// resumePublishing leaves local publishing once Redis is back, without
// waiting for the next publish (an instance that leads no feed may not
// publish for a long time).
func (b *Broker) resumePublishing() {
	if !b.localMode() {
		return
	}
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	b.tryLeaveLocal(ctx)
}

// jitter spreads reconnections of many instances: d ± 20 %.
func jitter(d time.Duration) time.Duration {
	return d + time.Duration((rand.Float64()-0.5)*0.4*float64(d))
}

// connect opens the link and re-synchronises: the epoch and counter, a
// subscription to every routed topic, then a marker M: what the routed
// topics missed up to M is replayed from the history, what follows arrives
// on the link.
func (b *Broker) connect() (*redis.PubSub, error) {
	b.linkMu.Lock()
	defer b.linkMu.Unlock()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if err := b.sync(ctx, false); err != nil {
		return nil, err
	}
	b.mu.Lock()
	chans := make([]string, 0, len(b.routed)+1)
	chans = append(chans, b.k.ctl)
	for t := range b.routed {
		chans = append(chans, b.k.channel+t)
	}
	b.mu.Unlock()
	ps := b.rdb.Subscribe(ctx, chans...)
	if err := b.confirm(ctx, ps); err != nil {
		_ = ps.Close()
		return nil, err
	}
	from := b.seq.head()
	to, _, err := b.runMarker(ctx, "sync")
	if err == nil {
		err = b.refill(ctx, from, to)
	}
	if err != nil {
		_ = ps.Close()
		return nil, err
	}
	b.seq.mark(to, nil, b.stop)
	b.mu.Lock()
	b.ps, b.linkUp = ps, true
	b.mu.Unlock()
	b.log.Info("redis link up", "epoch", b.Epoch(), "seq", to, "topics", len(chans)-1)
	b.updateState("redis link up")
	return ps, nil
}

// confirm pings through ps and reads until the pong: the subscriptions
// before it are then in effect. What arrives meanwhile was published before
// the marker that follows and is replayed from the history instead.
func (b *Broker) confirm(ctx context.Context, ps *redis.PubSub) error {
	token := b.token("sync")
	if err := ps.Ping(ctx, token); err != nil {
		return err
	}
	for {
		msg, err := ps.ReceiveTimeout(ctx, 3*b.cfg.Heartbeat)
		if err != nil {
			return err
		}
		if p, ok := msg.(*redis.Pong); ok && p.Payload == token {
			return nil
		}
	}
}

// refill replays from the history the events of routed topics with
// from < seq ≤ to.
func (b *Broker) refill(ctx context.Context, from, to uint64) error {
	routed := b.routedSnapshot()
	if len(routed) == 0 || to <= from {
		return nil
	}
	next := from + 1
	err := b.scan(ctx, from, to, func(seq uint64, topic, msg string) {
		if seq > next {
			b.log.Warn("events missed while the link was down are no longer in the history", "from", next, "to", seq-1)
		}
		next = seq + 1
		if !routed[topic] {
			return
		}
		if ev, err := parseMessage(topic, msg); err == nil {
			b.seq.push(ev, b.stop)
		} else {
			b.log.Warn("malformed history entry", "seq", seq, "err", err)
		}
	})
	return err
}

// read dispatches what the link receives until it fails. A silence of
// three heartbeats (markers arrive every heartbeat) counts as a failure.
func (b *Broker) read(ps *redis.PubSub) error {
	for {
		msg, err := ps.ReceiveTimeout(b.ctx, 3*b.cfg.Heartbeat)
		if err != nil {
			return err
		}
		switch m := msg.(type) {
		case *redis.Message:
			b.onMessage(m)
		case *redis.Pong:
			b.onPong(m.Payload)
		}
	}
}

func (b *Broker) onMessage(m *redis.Message) {
	if m.Channel == b.k.ctl {
		token, seq, err := parseMarker(m.Payload)
		if err != nil {
			b.log.Warn("malformed marker", "err", err)
			return
		}
		var done chan struct{}
		if w := b.takeWaiter(token); w != nil {
			done = w.done
		}
		b.seq.mark(seq, done, b.stop)
		return
	}
	topic, ok := strings.CutPrefix(m.Channel, b.k.channel)
	if !ok {
		return
	}
	ev, err := parseMessage(topic, m.Payload)
	if err != nil {
		b.log.Warn("malformed message", "topic", topic, "err", err)
		return
	}
	b.seq.push(ev, b.stop)
}

func (b *Broker) onPong(token string) {
	w := b.takeWaiter(token)
	if w == nil {
		return
	}
	if w.onPong != nil {
		b.seq.control(*w.onPong, b.stop)
	}
	close(w.done)
}

// linkDown records that ps failed and fails every wait on it.
func (b *Broker) linkDown(ps *redis.PubSub, err error) {
	b.mu.Lock()
	if b.ps == ps {
		b.ps = nil
	}
	b.linkUp = false
	waiters := b.waiters
	b.waiters = map[string]*waiter{}
	for _, w := range waiters {
		w.failed = true
	}
	b.mu.Unlock()
	for _, w := range waiters {
		close(w.done)
	}
	_ = ps.Close()
	if !b.closed.Load() {
		b.log.Warn("redis link down", "err", err)
		b.updateState("redis link down")
	}
}

// kickLink makes the link reconnect: closing the pub/sub ends its read.
func (b *Broker) kickLink() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ps != nil {
		_ = b.ps.Close()
	}
}

// token returns a new unique token.
func (b *Broker) token(kind string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.nextTok++
	return kind + strconv.FormatUint(b.nextTok, 10)
}

// await registers a waiter for a new token.
func (b *Broker) await(kind string, onPong *op) (string, *waiter) {
	token := b.token(kind)
	w := &waiter{done: make(chan struct{}), onPong: onPong}
	b.mu.Lock()
	b.waiters[token] = w
	b.mu.Unlock()
	return token, w
}

func (b *Broker) takeWaiter(token string) *waiter {
	b.mu.Lock()
	defer b.mu.Unlock()
	w := b.waiters[token]
	delete(b.waiters, token)
	return w
}

// wait waits for w, ctx or Close.
func (b *Broker) wait(ctx context.Context, w *waiter) error {
	select {
	case <-w.done:
		b.mu.Lock()
		failed := w.failed
		b.mu.Unlock()
		if failed {
			return errLinkLost
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-b.stop:
		return errors.New("redisbroker: closed")
	}
}

// runMarker publishes a marker with token on this instance's channel and
// returns the seq it marks and the epoch in Redis ("" when missing).
func (b *Broker) runMarker(ctx context.Context, token string) (uint64, string, error) {
	vals, err := markerScript.Run(ctx, b.rdb, []string{b.k.seq, b.k.epoch}, b.k.ctl, token).StringSlice()
	if err != nil {
		return 0, "", err
	}
	if len(vals) != 2 {
		return 0, "", errors.New("redisbroker: marker script answered an unexpected shape")
	}
	seq, err := strconv.ParseUint(vals[0], 10, 64)
	if err != nil {
		return 0, "", errors.New("redisbroker: seq counter holds " + strconv.Quote(vals[0]))
	}
	return seq, vals[1], nil
}

func (b *Broker) routedSnapshot() map[string]bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make(map[string]bool, len(b.routed))
	for t := range b.routed {
		out[t] = true
	}
	return out
}
