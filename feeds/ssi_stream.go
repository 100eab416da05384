package feeds

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/vnstock-api/vnstock-api/market"
)

// SSI iBoard defaults (upstream-realtime.md §1.7).
const (
	DefaultSSIURL         = "wss://iboard-pushstream.ssi.com.vn/realtime"
	defaultSSISilence     = 60 * time.Second
	defaultSSIBackoffBase = 2 * time.Second
	defaultSSIBackoffMax  = 30 * time.Second
	defaultSSIReadLimit   = 1 << 20
	ssiDialTimeout        = 15 * time.Second
	ssiWriteTimeout       = 10 * time.Second
)

// SSIConfig configures the iBoard push-stream client.
type SSIConfig struct {
	URL     string          // default DefaultSSIURL
	Symbols []market.Symbol // stocks and ETFs, subscribed on board MAIN
	Indices []string        // index codes, ours (HNXINDEX) or iBoard's (HNXIndex)
	// Silence closes and reconnects a connection that delivered no frame of
	// any kind for this long (default 60 s; iBoard sends no heartbeat).
	Silence time.Duration
	// BackoffBase and BackoffMax bound the reconnect delay, which doubles
	// per failed attempt with jitter (defaults 2 s and 30 s).
	BackoffBase, BackoffMax time.Duration
	ReadLimit               int64            // largest accepted frame, default 1 MiB
	Logger                  *slog.Logger     // default: discard
	Now                     func() time.Time // publish clock, default time.Now
}

// SSI is the SSI iBoard push-stream feed (feeds.Feed, name "ssi"). It
// subscribes the configured symbols and indices, publishes `quote:SYM`,
// `trade:SYM` (derived, side unknown), `index:CODE` and `status`, and
// reconnects with backoff, resubscribing, whenever the socket fails or goes
// silent. One Run at a time; Stats may be called concurrently.
type SSI struct {
	cfg     SSIConfig
	subs    [][]byte // subscription messages, sent after every connect
	stats   ssiCounters
	running atomic.Bool
}

var _ Feed = (*SSI)(nil)

// NewSSI validates cfg, fills its defaults and builds the feed.
func NewSSI(cfg SSIConfig) (*SSI, error) {
	if cfg.URL == "" {
		cfg.URL = DefaultSSIURL
	}
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "ws" && u.Scheme != "wss" && u.Scheme != "http" && u.Scheme != "https") {
		return nil, market.Invalid("url", "%q is not a ws:// or wss:// URL", cfg.URL)
	}
	if len(cfg.Symbols) == 0 && len(cfg.Indices) == 0 {
		return nil, market.Invalid("symbols", "no symbols or indices to subscribe")
	}
	if cfg.Silence <= 0 {
		cfg.Silence = defaultSSISilence
	}
	if cfg.BackoffBase <= 0 {
		cfg.BackoffBase = defaultSSIBackoffBase
	}
	if cfg.BackoffMax < cfg.BackoffBase {
		cfg.BackoffMax = max(defaultSSIBackoffMax, cfg.BackoffBase)
	}
	if cfg.ReadLimit <= 0 {
		cfg.ReadLimit = defaultSSIReadLimit
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	subs, err := ssiSubscriptions(cfg.Symbols, cfg.Indices)
	if err != nil {
		return nil, err
	}
	return &SSI{cfg: cfg, subs: subs}, nil
}

// ssiSub is a client message of the iBoard protocol (§1.2).
type ssiSub struct {
	Type      string `json:"type"`
	Topic     string `json:"topic"`
	Variables any    `json:"variables"`
	Component string `json:"component"`
}

// ssiSubscriptions builds the sub messages: one stockRealtimeBySymbolsAndBoards
// for the symbols and one notifyIndexRealtimeByListV2 for the indices.
func ssiSubscriptions(symbols []market.Symbol, indices []string) ([][]byte, error) {
	var msgs []ssiSub
	if len(symbols) > 0 {
		syms := make([]string, len(symbols))
		for i, s := range symbols {
			p, err := market.ParseSymbol(string(s))
			if err != nil {
				return nil, err
			}
			syms[i] = string(p)
		}
		msgs = append(msgs, ssiSub{Type: "sub", Topic: "stockRealtimeBySymbolsAndBoards",
			Variables: map[string][]string{"symbols": syms, "boardIds": {"MAIN"}}, Component: "priceTableEquities"})
	}
	if len(indices) > 0 {
		codes := make([]string, len(indices))
		for i, c := range indices {
			if _, err := market.ParseSymbol(c); err != nil {
				return nil, market.Invalid("indices", "%q is not an index code", c)
			}
			codes[i] = SSIIndexCode(c)
		}
		msgs = append(msgs, ssiSub{Type: "sub", Topic: "notifyIndexRealtimeByListV2",
			Variables: codes, Component: "indexChart"})
	}
	out := make([][]byte, len(msgs))
	for i, m := range msgs {
		b, err := json.Marshal(m)
		if err != nil {
			return nil, fmt.Errorf("encode ssi subscription: %w", err)
		}
		out[i] = b
	}
	return out, nil
}

// Name returns "ssi".
func (s *SSI) Name() string { return ssiSource }

// Stats returns the feed's counters so far.
func (s *SSI) Stats() SSIStats { return s.stats.snapshot() }

// Run connects, subscribes and publishes until ctx ends, then returns nil.
// Connection failures are not returned: the feed publishes status `down` and
// reconnects after a jittered exponential backoff, reset by any session that
// received data.
func (s *SSI) Run(ctx context.Context, pub Publisher) error {
	if !s.running.CompareAndSwap(false, true) {
		return errors.New("ssi: run already in progress")
	}
	defer s.running.Store(false)
	p := newSSIPipeline(ssiSource, s.cfg.Logger, s.cfg.Now, &s.stats)
	attempt := 0
	for {
		gotData, err := s.session(ctx, pub, p)
		if ctx.Err() != nil {
			stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
			p.publishStatus(stop, pub, market.HealthDown, "stopped")
			cancel()
			return nil
		}
		if gotData {
			attempt = 0
		}
		delay := backoffDelay(s.cfg.BackoffBase, s.cfg.BackoffMax, attempt)
		attempt++
		s.cfg.Logger.Warn("ssi disconnected", "source", ssiSource, "err", err, "retry_in", delay)
		p.publishStatus(ctx, pub, market.HealthDown, err.Error())
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
		case <-t.C:
		}
	}
}

// backoffDelay is base·2^attempt capped at maxDelay, with "equal jitter":
// a uniform draw from the upper half, so reconnecting clients spread out.
func backoffDelay(base, maxDelay time.Duration, attempt int) time.Duration {
	d := base
	for range min(attempt, 30) {
		d *= 2
		if d >= maxDelay {
			d = maxDelay
			break
		}
	}
	half := d / 2
	return half + rand.N(half+1)
}

// session runs one connection: dial, subscribe, read until error or
// silence. gotData reports that at least one frame arrived after subscribing.
func (s *SSI) session(ctx context.Context, pub Publisher, p *ssiPipeline) (gotData bool, err error) {
	dctx, cancel := context.WithTimeout(ctx, ssiDialTimeout)
	conn, _, err := websocket.Dial(dctx, s.cfg.URL, nil)
	cancel()
	if err != nil {
		return false, fmt.Errorf("dial ssi: %w", err)
	}
	defer conn.CloseNow()
	conn.SetReadLimit(s.cfg.ReadLimit)
	for _, m := range s.subs {
		wctx, cancel := context.WithTimeout(ctx, ssiWriteTimeout)
		err := conn.Write(wctx, websocket.MessageText, m)
		cancel()
		if err != nil {
			return false, fmt.Errorf("subscribe ssi: %w", err)
		}
	}
	s.stats.connects.Add(1)
	s.cfg.Logger.Info("ssi connected", "source", ssiSource, "url", s.cfg.URL)
	p.publishStatus(ctx, pub, market.HealthOK, "")
	for {
		rctx, cancel := context.WithTimeout(ctx, s.cfg.Silence)
		typ, data, err := conn.Read(rctx)
		silent := err != nil && ctx.Err() == nil && errors.Is(rctx.Err(), context.DeadlineExceeded)
		cancel()
		switch {
		case silent:
			return gotData, fmt.Errorf("ssi silent for %v", s.cfg.Silence)
		case err != nil:
			return gotData, fmt.Errorf("read ssi: %w", err)
		case typ != websocket.MessageText:
			p.stats.malformed.Add(1)
			continue
		}
		gotData = true
		p.handleFrame(ctx, pub, data)
	}
}
