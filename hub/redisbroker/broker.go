// Package redisbroker is hub.Broker on Redis (go-redis/v9): any number of
// server instances share one sequence, one history and the topics' last
// values, and each instance receives, over pub/sub, only the topics its
// clients hold. Publishing is one Lua script per batch (seq, capped stream,
// last value, PUBLISH), so every instance sees the events in seq order.
//
// When Redis goes away an instance keeps serving: what its own feeds publish
// is numbered and delivered locally (the broker reports StateDegraded), and
// once Redis answers again the broker re-synchronises: it replays from the
// stream what its topics missed, raises the shared counter above every seq
// it handed out, and names a new epoch when the history was lost or when it
// published on its own. Lease elects one publisher per feed source.
//
// The package knows Redis and hub; fan-out stays in the hub.
package redisbroker

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vnstock-api/vnstock-api/hub"
)

// Config configures a Broker.
type Config struct {
	// Client is the Redis connection; the broker never closes it.
	Client redis.UniversalClient
	// Prefix starts every key and channel name. Default "vnstock:".
	Prefix string
	// History bounds the stream like the memory broker's history: at least
	// MinEvents and MinAge, at most MaxBytes.
	History hub.HistoryConfig
	// QueueLen bounds the events waiting for the hub. Default 65,536.
	QueueLen int
	// BatchSize is the most events one publish script carries. Default 256.
	BatchSize int
	// Publishers is the number of publish scripts in flight at once, so
	// that building one batch overlaps Redis running another. Publish
	// returns after its event is in Redis, so one caller's events keep
	// their order. Default 2.
	Publishers int
	// Heartbeat is how often the broker checks its pub/sub link and the
	// epoch. Default 1 s; the link is declared lost after 3 heartbeats of
	// silence.
	Heartbeat time.Duration
	// MinBackoff and MaxBackoff bound the wait between reconnection
	// attempts. Defaults 100 ms and 5 s.
	MinBackoff, MaxBackoff time.Duration
	// StartTimeout is how long Start waits for Redis before it starts
	// degraded. Default 5 s.
	StartTimeout time.Duration
	// OnState is called, from one goroutine and in order, when the broker's
	// state changes; reason says why. It may publish.
	OnState func(s State, reason string)
	Logger  *slog.Logger
	Now     func() time.Time
}

func (c Config) withDefaults() Config {
	if c.Prefix == "" {
		c.Prefix = "vnstock:"
	}
	if c.QueueLen <= 0 {
		c.QueueLen = 65_536
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 256
	}
	if c.Publishers <= 0 {
		c.Publishers = 2
	}
	if c.Heartbeat <= 0 {
		c.Heartbeat = time.Second
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = 100 * time.Millisecond
	}
	if c.MaxBackoff < c.MinBackoff {
		c.MaxBackoff = max(5*time.Second, c.MinBackoff)
	}
	if c.StartTimeout <= 0 {
		c.StartTimeout = 5 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// keys are the broker's Redis names.
type keys struct {
	seq, epoch, hist, last, channel, ctl string
}

func newKeys(prefix, instance string) keys {
	return keys{
		seq: prefix + "seq", epoch: prefix + "epoch", hist: prefix + "hist", last: prefix + "last",
		channel: prefix + "t:", ctl: prefix + "ctl:" + instance,
	}
}

// Broker is hub.Broker on Redis. Its locks and their order are in
// LOCKS.md.
type Broker struct {
	cfg      Config
	rdb      redis.UniversalClient
	log      *slog.Logger
	instance string
	k        keys
	ctx      context.Context // cancelled by Close: ends Redis calls in flight
	cancel   context.CancelFunc

	seq   sequencer // the delivery queue and the highest seq queued
	epoch atomic.Pointer[string]

	// linkMu is held by the link while it (re)connects and by the router
	// while it changes subscriptions, so the two never interleave.
	linkMu sync.Mutex

	mu        sync.Mutex
	routed    map[string]bool // topics whose channel this instance subscribes to; written under linkMu too
	nextProbe time.Time       // when publishing locally: next time to try Redis
	probeWait time.Duration
	ps        *redis.PubSub      // the live link; nil while down
	waiters   map[string]*waiter // marker and ping tokens awaited
	linkUp    bool
	pubLocal  bool                  // publishing without Redis
	minted    bool                  // a seq was numbered locally since the last sync
	local     map[string]*hub.Event // last values published locally while degraded
	state     State
	nextTok   uint64

	pubQ    chan *pubReq
	asyncQ  chan *pubReq
	routeQ  chan *routeReq
	stateQ  chan stateChange
	stop    chan struct{} // closed by Close
	closed  atomic.Bool
	wg      sync.WaitGroup // every goroutine but delivery
	pubDone chan struct{}  // closed when every publisher exited
	pubMu   sync.Mutex     // serialises local publishing and leaving it
	delDone chan struct{}  // closed when delivery exited
	started bool
	d       hub.Deliverer
	routedD hub.RoutedDeliverer // d, when it is one
	trim    *trimmer
	pubLast atomic.Uint64 // the highest seq the publisher got back
}

var (
	_ hub.Broker         = (*Broker)(nil)
	_ hub.AsyncPublisher = (*Broker)(nil)
)

// ErrFenced is returned by Publish when the event carried a lease fence
// (WithFence) that is no longer held: another instance leads its source.
var ErrFenced = errors.New("redisbroker: lease lost, event not published")

// New returns a broker on cfg.Client; Start connects it.
func New(cfg Config) (*Broker, error) {
	if cfg.Client == nil {
		return nil, errors.New("redisbroker: Config.Client is nil")
	}
	cfg = cfg.withDefaults()
	instance := hub.NewEpoch()
	b := &Broker{
		cfg: cfg, rdb: cfg.Client, log: cfg.Logger.With("broker", "redis", "instance", instance),
		instance: instance, k: newKeys(cfg.Prefix, instance),
		routed: map[string]bool{}, waiters: map[string]*waiter{}, local: map[string]*hub.Event{},
		state: StateDegraded,
		pubQ:  make(chan *pubReq, 4*cfg.BatchSize), asyncQ: make(chan *pubReq, 16*cfg.BatchSize),
		routeQ: make(chan *routeReq, 1024),
		stateQ: make(chan stateChange, 64), stop: make(chan struct{}),
		pubDone: make(chan struct{}), delDone: make(chan struct{}),
		trim: newTrimmer(cfg.History),
	}
	b.ctx, b.cancel = context.WithCancel(context.Background())
	b.seq.q = make(chan op, cfg.QueueLen)
	b.setEpoch(hub.NewEpoch())
	return b, nil
}

// Instance names this broker in logs and in its marker channel.
func (b *Broker) Instance() string { return b.instance }

// Start implements hub.Broker: it starts delivery to d and connects to
// Redis, waiting up to Config.StartTimeout; past that the broker starts
// degraded and keeps trying.
func (b *Broker) Start(d hub.Deliverer) error {
	b.mu.Lock()
	if b.started || b.closed.Load() {
		b.mu.Unlock()
		return nil
	}
	b.started = true
	b.d = d
	b.routedD, _ = d.(hub.RoutedDeliverer)
	b.mu.Unlock()
	up := make(chan struct{})
	go b.deliverLoop()
	b.wg.Add(5)
	go b.publishers()
	go b.linkLoop(up)
	go b.routeLoop()
	go b.heartbeatLoop()
	go b.notifyLoop()
	select {
	case <-up:
	case <-time.After(b.cfg.StartTimeout):
		b.log.Warn("redis unreachable at start; serving degraded until it answers")
	}
	return nil
}

// Epoch implements hub.Broker.
func (b *Broker) Epoch() string { return *b.epoch.Load() }

func (b *Broker) setEpoch(e string) { b.epoch.Store(&e) }

// Close implements hub.Broker: it refuses new publishes, publishes what was
// accepted, stops the link and delivers what was queued.
func (b *Broker) Close(ctx context.Context) error {
	if b.closed.Swap(true) {
		return nil
	}
	close(b.stop)
	b.cancel()
	b.mu.Lock()
	started := b.started
	if b.ps != nil {
		_ = b.ps.Close() // unblocks the link's read
	}
	b.mu.Unlock()
	if !started {
		return nil
	}
	done := make(chan struct{})
	go func() {
		b.wg.Wait()
		close(b.seq.q) // every producer has exited
		<-b.delDone
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// sleep waits d or until Close; it reports whether to go on.
func (b *Broker) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-b.stop:
		return false
	}
}
