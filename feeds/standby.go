package feeds

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"sync"
)

// Standby runs a primary live feed and, while it is down, a backup: the
// default `ssi,kbs` pair streams from SSI iBoard and polls the KBS board
// only while the stream is away. The primary's own `status` events decide
// (down or degraded: start the backup; ok: stop it), as does the primary
// returning. Both feeds' events and statuses pass through unchanged.
type Standby struct {
	Primary, Backup Feed
	Logger          *slog.Logger
}

// Name names the pair, e.g. "ssi+kbs".
func (s *Standby) Name() string { return s.Primary.Name() + "+" + s.Backup.Name() }

// Run runs until ctx ends.
func (s *Standby) Run(ctx context.Context, pub Publisher) error {
	log := s.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	sw := &standbySwitch{backup: s.Backup, pub: pub, log: log}
	defer sw.stop("shutting down")
	watch := &standbyWatch{Publisher: pub, onHealth: sw.health}
	err := s.Primary.Run(ctx, watch)
	if ctx.Err() != nil {
		return nil
	}
	// The primary gave up for good: the backup carries on alone.
	log.Warn("primary feed stopped; the backup runs alone", "source", s.Primary.Name(), "err", err)
	sw.start(ctx)
	<-ctx.Done()
	return nil
}

// standbyWatch passes events on and reports the primary's health.
type standbyWatch struct {
	Publisher
	onHealth func(ctx context.Context, up bool)
}

var (
	healthOKField   = []byte(`"state":"ok"`)
	healthDownField = []byte(`"state":"down"`)
	healthDegField  = []byte(`"state":"degraded"`)
)

func (w *standbyWatch) Publish(ctx context.Context, topic string, payload []byte, ts int64) error {
	if topic == "status" {
		switch {
		case bytes.Contains(payload, healthDownField), bytes.Contains(payload, healthDegField):
			w.onHealth(ctx, false)
		case bytes.Contains(payload, healthOKField):
			w.onHealth(ctx, true)
		}
	}
	return w.Publisher.Publish(ctx, topic, payload, ts)
}

// standbySwitch starts and stops the backup.
type standbySwitch struct {
	backup Feed
	pub    Publisher
	log    *slog.Logger

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

// health is called with the primary's publishing ctx, which lives as long
// as the Standby's Run; the backup runs under it.
func (s *standbySwitch) health(ctx context.Context, up bool) {
	if up {
		s.stop("the primary is back")
	} else {
		s.start(ctx)
	}
}

func (s *standbySwitch) start(parent context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(parent))
	s.cancel, s.done = cancel, make(chan struct{})
	s.log.Info("backup feed started", "source", s.backup.Name())
	go func(done chan struct{}) {
		defer close(done)
		if err := s.backup.Run(ctx, s.pub); err != nil && !errors.Is(err, context.Canceled) {
			s.log.Warn("backup feed stopped", "source", s.backup.Name(), "err", err)
		}
	}(s.done)
}

func (s *standbySwitch) stop(why string) {
	s.mu.Lock()
	cancel, done := s.cancel, s.done
	s.cancel, s.done = nil, nil
	s.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
	s.log.Info("backup feed stopped", "source", s.backup.Name(), "reason", why)
}
