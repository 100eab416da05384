package feeds

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"github.com/vnstock-api/vnstock-api/feeds/upstream"
	"github.com/vnstock-api/vnstock-api/market"
)

// SSIReplay plays an SSI iBoard recording (the JSON-lines capture format,
// {"t","dir","raw"}) as a live feed named "replay": every `in` frame goes,
// after its recorded gap divided by the speed, through the same parse →
// derive trades → publish path as the live SSI client. Event times are the
// recorded ones; the publish ts is the wall clock. One Run at a time; Stats
// may be called concurrently.
//
// Pacing is this file's own small timer loop: no shared replay helper
// existed in this package when it was written.
type SSIReplay struct {
	frames  []ssiFrame
	speed   float64
	loop    bool
	log     *slog.Logger
	stats   ssiCounters
	running atomic.Bool
}

var _ Feed = (*SSIReplay)(nil)

// NewSSIReplay reads the recording at path. speed divides the recorded gaps
// (1 = real time, 10 = ten times faster); 0 plays without pauses. With loop
// the recording restarts when it ends, and the trade deriver treats the drop
// in cumulative volume as a new day (no spurious trade).
func NewSSIReplay(path string, speed float64, loop bool, logger *slog.Logger) (*SSIReplay, error) {
	if speed < 0 {
		return nil, market.Invalid("speed", "%v must not be negative", speed)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ssi replay: %w", err)
	}
	defer f.Close()
	frames, err := readSSIRecording(f)
	if err != nil {
		return nil, fmt.Errorf("ssi replay %s: %w", path, err)
	}
	if len(frames) == 0 {
		return nil, fmt.Errorf("ssi replay %s: no frames", path)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &SSIReplay{frames: frames, speed: speed, loop: loop, log: logger}, nil
}

// Name returns "replay".
func (r *SSIReplay) Name() string { return "replay" }

// Stats returns the replay's counters so far.
func (r *SSIReplay) Stats() SSIStats { return r.stats.snapshot() }

// Run plays the recording until it ends (without loop) or ctx ends, then
// returns nil.
func (r *SSIReplay) Run(ctx context.Context, pub Publisher) error {
	if !r.running.CompareAndSwap(false, true) {
		return errors.New("ssi replay: run already in progress")
	}
	defer r.running.Store(false)
	p := newSSIPipeline("replay", r.log, time.Now, &r.stats)
	p.publishStatus(ctx, pub, market.HealthOK, "")
	for {
		prev := r.frames[0].At
		for _, f := range r.frames {
			if !ssiPace(ctx, f.At.Sub(prev), r.speed) {
				return nil
			}
			prev = f.At
			p.handleFrame(ctx, pub, f.Raw)
		}
		if !r.loop {
			p.publishStatus(ctx, pub, market.HealthDown, "replay finished")
			return nil
		}
	}
}

// ssiPace waits gap/speed (no wait for speed 0 or a non-positive gap) and
// reports whether ctx is still live.
func ssiPace(ctx context.Context, gap time.Duration, speed float64) bool {
	if speed <= 0 {
		return ctx.Err() == nil
	}
	return upstream.Sleep(ctx, time.Duration(float64(gap)/speed)) == nil
}
