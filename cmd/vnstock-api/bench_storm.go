package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"math/rand/v2"
	"strconv"
	"sync/atomic"
	"time"
)

// Reconnect storm: with --reconnect every WebSocket client that loses its
// connection (the server's 1001 on shutdown, a reset, a refused dial while
// the server is down) reconnects after an exponential backoff with full
// jitter and resubscribes with since (its last event's seq) and the epoch of
// its last welcome. A client has resumed when the server answers that
// subscribe with `recovered` (or with the ack, for a client that had seen no
// event yet). With --until-resumed the run ends at the first moment every
// client connected before the wait is resumed after at least one drop, which
// measures the time a fleet takes to come back after a server restart.

// stormConfig is the reconnect mode's flags.
type stormConfig struct {
	reconnect    bool
	untilResumed bool
	backoff      time.Duration // ceiling of the first retry's random delay
	backoffMax   time.Duration // largest ceiling
	settle       time.Duration // most to wait for every client to see an event
}

// stormFlags registers the reconnect flags on fs; the returned function
// reads them after Parse.
func stormFlags(fs *flag.FlagSet) func() stormConfig {
	reconnect := fs.Bool("reconnect", false, "ws: reconnect after a close (1001) or a lost connection, with exponential backoff and full jitter, and resume with since/epoch")
	until := fs.Bool("until-resumed", false, "with --reconnect: end when every client connected is resumed after a drop (--duration is the most to wait)")
	backoff := fs.Duration("backoff", 100*time.Millisecond, "reconnect: ceiling of the first retry's random delay; doubles per failed attempt")
	backoffMax := fs.Duration("backoff-max", 2*time.Second, "reconnect: largest backoff ceiling")
	settle := fs.Duration("settle", 10*time.Second, "with --until-resumed: most to wait for every client to see an event before saying it is ready for the restart")
	return func() stormConfig {
		return stormConfig{reconnect: *reconnect, untilResumed: *until, backoff: *backoff, backoffMax: *backoffMax, settle: *settle}
	}
}

// delay returns the random wait before reconnect attempt n (1, 2, …):
// uniform in [0, min(backoffMax, backoff·2^(n-1))).
func (c stormConfig) delay(n int) time.Duration {
	ceil := c.backoff << min(max(n-1, 0), 20)
	if ceil > c.backoffMax || ceil <= 0 {
		ceil = c.backoffMax
	}
	return rand.N(ceil)
}

// stormState is what the resuming clients share with the runner; times are
// Unix microseconds, 0 until they happen.
type stormState struct {
	seen           atomic.Int64 // clients that have an event's seq to resume from
	dropped        atomic.Int64 // clients dropped at least once
	resumedNow     atomic.Int64 // clients dropped at least once and resumed since their last drop
	attempts       atomic.Int64 // reconnect attempts, failed ones included
	firstDrop      atomic.Int64
	firstReconnect atomic.Int64 // first successful reconnect after a drop
	lastResume     atomic.Int64
}

// resumeStats is one resuming client's state; only its goroutine touches it
// until it exits.
type resumeStats struct {
	epoch      string
	lastSeq    uint64
	sentSince  bool      // the current connection subscribed with since
	waiting    bool      // dropped and not resumed yet
	droppedAt  time.Time // the drop being waited on
	drops      int
	complete   int            // recovered with complete:true
	incomplete int            // recovered with complete:false
	resumeUs   []int64        // drop → resumed, per resume
	ends       map[string]int // why connections ended, and why reconnects failed
}

func (rs *resumeStats) count(kind string) {
	if rs.ends == nil {
		rs.ends = map[string]int{}
	}
	rs.ends[kind]++
}

// runResuming is one WebSocket client of a reconnect run.
func (r *runner) runResuming(ctx context.Context, url string, st *clientStats, connected func()) {
	rs := &resumeStats{}
	st.resume = rs
	for attempt := 0; ctx.Err() == nil; {
		if st.connected {
			r.storm.attempts.Add(1)
		}
		c, err := r.dialWS(ctx, url, st, nil)
		if err == nil {
			c.handle = func(b []byte) error {
				st.frame(b)
				r.scanResume(rs, b)
				return nil
			}
			if err = c.write(r.resubscribe(rs)); err != nil {
				_ = c.conn.Close()
			}
		}
		if !st.connected && err != nil {
			st.err = err
			connected()
			return
		}
		if err != nil {
			if ctx.Err() == nil {
				rs.count("reconnect failed: " + errorKind(err))
				attempt++
				sleepCtx(ctx, r.cfg.storm.delay(attempt))
			}
			continue
		}
		if !st.connected {
			st.connected = true
			connected()
		} else {
			casMin(&r.storm.firstReconnect, time.Now().UnixMicro())
		}
		attempt = 0
		st.alive.Store(true)
		err = r.polls.readWS(ctx, c, st)
		st.alive.Store(false)
		c.close("bench done")
		if ctx.Err() != nil {
			return
		}
		r.dropped(rs, err)
		attempt = 1
		sleepCtx(ctx, r.cfg.storm.delay(attempt))
	}
}

// resubscribe is the subscribe message of the next connection: with since
// and epoch once the client has seen an event.
func (r *runner) resubscribe(rs *resumeStats) []byte {
	rs.sentSince = rs.lastSeq > 0
	if !rs.sentSince {
		return r.subscribe
	}
	m := map[string]any{"op": "subscribe", "id": 2, "topics": r.cfg.topics, "since": rs.lastSeq}
	if rs.epoch != "" {
		m["epoch"] = rs.epoch
	}
	b, _ := json.Marshal(m) // strings, ints: cannot fail
	return b
}

// dropped records the end of a connection the run did not end.
func (r *runner) dropped(rs *resumeStats, err error) {
	rs.count(errorKind(err))
	rs.drops++
	if rs.drops == 1 {
		r.storm.dropped.Add(1)
	}
	if !rs.waiting {
		rs.waiting, rs.droppedAt = true, time.Now()
		casMin(&r.storm.firstDrop, rs.droppedAt.UnixMicro())
		if rs.drops > 1 {
			r.storm.resumedNow.Add(-1) // it had resumed after an earlier drop
		}
	}
}

// scanResume follows the messages a resuming client needs: the epoch of
// the welcome, the seq of each event, and the reply that resumes it.
func (r *runner) scanResume(rs *resumeStats, frame []byte) {
	for len(frame) > 0 {
		line := frame
		if i := bytes.IndexByte(frame, '\n'); i >= 0 {
			line, frame = frame[:i], frame[i+1:]
		} else {
			frame = nil
		}
		switch {
		case bytes.HasPrefix(line, prefixEvent):
			if seq, ok := jsonUint(line, keySeq); ok && seq > rs.lastSeq {
				if rs.lastSeq == 0 {
					r.storm.seen.Add(1)
				}
				rs.lastSeq = seq
			}
		case bytes.HasPrefix(line, prefixWelcome):
			rs.epoch = jsonString(line, keyEpoch)
		case bytes.HasPrefix(line, prefixRecovered):
			if bytes.Contains(line, []byte(`"complete":true`)) {
				rs.complete++
			} else {
				rs.incomplete++
			}
			r.resumed(rs)
		case bytes.HasPrefix(line, prefixAck) && !rs.sentSince:
			r.resumed(rs)
		}
	}
}

// resumed records that a dropped client is back.
func (r *runner) resumed(rs *resumeStats) {
	if !rs.waiting {
		return
	}
	now := time.Now()
	rs.waiting = false
	rs.resumeUs = append(rs.resumeUs, now.Sub(rs.droppedAt).Microseconds())
	r.storm.resumedNow.Add(1)
	casMax(&r.storm.lastResume, now.UnixMicro())
}

// waitResumed waits until every client connected now has seen an event
// (so that it can resume with since; at most --settle) and says so, then
// until every one has been dropped and resumed, or --duration passes, or
// ctx ends, printing progress each second.
func (r *runner) waitResumed(ctx context.Context, stats []*clientStats, m *measurement) {
	m.target = int64(countAlive(stats))
	m.start = time.Now()
	deadline := time.NewTimer(r.cfg.duration)
	defer deadline.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for settled := time.Now().Add(r.cfg.storm.settle); r.storm.seen.Load() < m.target && r.storm.dropped.Load() == 0 && time.Now().Before(settled); {
		select {
		case <-ctx.Done():
			return
		case <-deadline.C:
			m.timedOut = true
			return
		case <-tick.C:
		}
	}
	r.progressf("bench: %d of %d clients have an event to resume from; waiting for the server to go away\n",
		r.storm.seen.Load(), m.target)
	lastPrint := time.Now()
	for r.storm.resumedNow.Load() < m.target || r.storm.dropped.Load() < m.target {
		select {
		case <-ctx.Done():
			return
		case <-deadline.C:
			m.timedOut = true
			m.window = time.Since(m.start)
			return
		case now := <-tick.C:
			if now.Sub(lastPrint) >= time.Second {
				lastPrint = now
				r.progressf("bench: %d of %d clients dropped, %d resumed, %d reconnect attempts\n",
					r.storm.dropped.Load(), m.target, r.storm.resumedNow.Load(), r.storm.attempts.Load())
			}
		}
	}
	m.window = time.Since(m.start)
	r.progressf("bench: all %d clients resumed\n", m.target)
}

var (
	prefixWelcome   = []byte(`{"type":"welcome",`)
	prefixRecovered = []byte(`{"type":"recovered",`)
	keyEpoch        = []byte(`"epoch":"`)
)

// jsonUint reads the unsigned integer after the first key in line.
func jsonUint(line, key []byte) (uint64, bool) {
	i := bytes.Index(line, key)
	if i < 0 {
		return 0, false
	}
	rest := line[i+len(key):]
	j := 0
	for j < len(rest) && j < 20 && rest[j] >= '0' && rest[j] <= '9' {
		j++
	}
	v, err := strconv.ParseUint(string(rest[:j]), 10, 64)
	return v, err == nil
}

// jsonString reads the string value after key (which ends with the
// opening quote); "" when it is missing, escaped or too long.
func jsonString(line, key []byte) string {
	i := bytes.Index(line, key)
	if i < 0 {
		return ""
	}
	rest := line[i+len(key):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 || j > 128 || bytes.IndexByte(rest[:j], '\\') >= 0 {
		return ""
	}
	return string(rest[:j])
}

// casMin stores v in a when a is 0 or larger than v.
func casMin(a *atomic.Int64, v int64) {
	for {
		cur := a.Load()
		if (cur != 0 && cur <= v) || a.CompareAndSwap(cur, v) {
			return
		}
	}
}

// casMax stores v in a when a is smaller.
func casMax(a *atomic.Int64, v int64) {
	for {
		cur := a.Load()
		if cur >= v || a.CompareAndSwap(cur, v) {
			return
		}
	}
}
