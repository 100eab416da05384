package redisbroker

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vnstock-api/vnstock-api/hub"
)

// LeaseConfig configures a Lease.
type LeaseConfig struct {
	// Name is what is led, e.g. a feed source ("sim", "ssi").
	Name string
	// Prefix starts the lease's keys; the broker's prefix. Default "vnstock:".
	Prefix string
	// Owner names this instance in the lease's value. Default random.
	Owner string
	// TTL is how long a lease outlives its holder's last renewal: the
	// longest a dead leader keeps it. Default 5 s.
	TTL time.Duration
	// Renew is the renewal period. Default TTL/3.
	Renew time.Duration
	// Retry is how often a follower tries to take the lease. Default 1 s,
	// so a dead leader is replaced within TTL + Retry.
	Retry  time.Duration
	Logger *slog.Logger
}

// Lease elects one leader per name among instances sharing Redis: SET NX
// with a TTL, renewed by the holder, with a fencing token (an INCR per
// acquisition) in the value. Publishes made with the leader's context carry
// the fence (WithFence), and Redis refuses them once another instance
// holds the lease, so a paused or partitioned old leader cannot publish.
//
// While Redis is unreachable the leader keeps leading: it serves its local
// clients (the broker publishes locally). It steps down only when Redis
// says another instance holds the lease.
type Lease struct {
	rdb           redis.UniversalClient
	cfg           LeaseConfig
	key, fenceKey string
	log           *slog.Logger
}

// NewLease returns a lease on cfg.Name; Run takes part in the election.
func NewLease(rdb redis.UniversalClient, cfg LeaseConfig) (*Lease, error) {
	if rdb == nil || cfg.Name == "" {
		return nil, errors.New("redisbroker: a lease needs a client and a name")
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "vnstock:"
	}
	if cfg.Owner == "" {
		cfg.Owner = hub.NewEpoch()
	}
	if cfg.TTL <= 0 {
		cfg.TTL = 5 * time.Second
	}
	if cfg.Renew <= 0 || cfg.Renew >= cfg.TTL {
		cfg.Renew = cfg.TTL / 3
	}
	if cfg.Retry <= 0 {
		cfg.Retry = time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Lease{
		rdb: rdb, cfg: cfg,
		key: cfg.Prefix + "lease:" + cfg.Name, fenceKey: cfg.Prefix + "fence:" + cfg.Name,
		log: cfg.Logger.With("lease", cfg.Name, "owner", cfg.Owner),
	}, nil
}

// Run takes part in the election until ctx ends. Each time this instance
// wins, it calls lead with a context that carries the fence and is
// cancelled when the lease is lost; when lead returns, or ctx ends, the
// lease is released at once so another instance takes over without
// waiting for the TTL. A lead that fails is retried after Retry.
func (l *Lease) Run(ctx context.Context, lead func(ctx context.Context) error) error {
	failing := false // the last attempt failed: later failures log at debug
	for {
		value, err := l.acquire(ctx)
		switch {
		case err == nil && value != "":
			failing = false
			l.hold(ctx, value, lead)
		case err == nil:
			failing = false
		case ctx.Err() != nil:
		case !failing:
			// An instance that cannot reach the lease cannot take over
			// from a leader that left: worth a line, once per outage.
			failing = true
			l.log.Warn("lease acquire failed; retrying", "err", err, "retry", l.cfg.Retry)
		default:
			l.log.Debug("lease acquire failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(l.cfg.Retry):
		}
	}
}

// acquire returns the lease's new value, or "" when another holds it.
func (l *Lease) acquire(ctx context.Context) (string, error) {
	v, err := acquireScript.Run(ctx, l.rdb, []string{l.key, l.fenceKey}, l.cfg.Owner, l.cfg.TTL.Milliseconds()).Text()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	return v, err
}

// hold runs lead while renewing the lease, and releases it afterwards.
func (l *Lease) hold(ctx context.Context, value string, lead func(ctx context.Context) error) {
	l.log.Info("lease acquired", "value", value)
	fence := Fence{Key: l.key, Value: value, TTL: l.cfg.TTL}
	leadCtx, cancel := context.WithCancel(WithFence(ctx, fence))
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- lead(leadCtx) }()
	t := time.NewTicker(l.cfg.Renew)
	defer t.Stop()
	for {
		select {
		case err := <-done:
			if err != nil && ctx.Err() == nil {
				l.log.Error("leader stopped", "err", err)
			}
			l.release(value)
			return
		case <-ctx.Done():
			cancel()
			<-done
			l.release(value)
			return
		case <-t.C:
			if !l.renew(ctx, value) {
				l.log.Warn("lease lost to another instance")
				cancel()
				<-done
				return
			}
		}
	}
}

// renew extends the lease; false means another instance holds it. A Redis
// error keeps the lease (this instance serves on, degraded).
func (l *Lease) renew(ctx context.Context, value string) bool {
	n, err := renewScript.Run(ctx, l.rdb, []string{l.key}, value, l.cfg.TTL.Milliseconds()).Int()
	if err != nil {
		if ctx.Err() == nil {
			l.log.Warn("lease renewal failed; leading on", "err", err)
		}
		return true
	}
	return n == 1
}

// release deletes the lease if still held, with its own short deadline
// (it runs at shutdown, after ctx ended).
func (l *Lease) release(value string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	n, err := releaseScript.Run(ctx, l.rdb, []string{l.key}, value).Int()
	switch {
	case err != nil:
		l.log.Warn("lease release failed", "err", err)
	case n == 0:
		l.log.Info("lease not released: no longer held", "value", value)
	default:
		l.log.Info("lease released")
	}
}
