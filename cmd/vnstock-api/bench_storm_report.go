package main

import (
	"fmt"
	"time"
)

// stormReport is the reconnect part of a report. Times are Unix
// milliseconds (0: did not happen), so a script can measure from an event
// of its own, such as the server's restart.
type stormReport struct {
	Target               int64          `json:"target"`  // clients connected when the wait began
	Dropped              int64          `json:"dropped"` // of all clients, dropped at least once
	ResumedNow           int64          `json:"resumed"` // dropped and resumed since their last drop, at the end
	AllResumed           bool           `json:"all_resumed"`
	TimedOut             bool           `json:"timed_out,omitempty"`
	Attempts             int64          `json:"reconnect_attempts"`
	RecoveredComplete    int            `json:"recovered_complete"`
	RecoveredIncomplete  int            `json:"recovered_incomplete"`
	FirstDropUnixMs      int64          `json:"first_drop_unix_ms"`
	FirstReconnectUnixMs int64          `json:"first_reconnect_unix_ms"`
	LastResumeUnixMs     int64          `json:"last_resume_unix_ms"`
	DropToAllResumedMs   float64        `json:"drop_to_all_resumed_ms"` // first drop → last resume
	ResumeMs             latencyMs      `json:"resume_ms"`              // per client: its drop → its resume
	Ends                 map[string]int `json:"ends"`                   // why connections ended or reconnects failed
}

// stormReport merges the resuming clients' stats; every client goroutine
// has exited.
func (r *runner) stormReport(stats []*clientStats, m measurement) *stormReport {
	if !r.cfg.storm.reconnect {
		return nil
	}
	ms := func(us int64) int64 { return us / 1000 }
	rep := &stormReport{
		Target: m.target, Dropped: r.storm.dropped.Load(), ResumedNow: r.storm.resumedNow.Load(),
		TimedOut: m.timedOut, Attempts: r.storm.attempts.Load(),
		FirstDropUnixMs: ms(r.storm.firstDrop.Load()), FirstReconnectUnixMs: ms(r.storm.firstReconnect.Load()),
		LastResumeUnixMs: ms(r.storm.lastResume.Load()), Ends: map[string]int{},
	}
	rep.AllResumed = rep.Target > 0 && rep.Dropped >= rep.Target && rep.ResumedNow >= rep.Target
	if rep.AllResumed {
		rep.DropToAllResumedMs = float64(r.storm.lastResume.Load()-r.storm.firstDrop.Load()) / 1000
	}
	var h histogram
	for _, st := range stats {
		rs := st.resume
		if rs == nil {
			continue
		}
		rep.RecoveredComplete += rs.complete
		rep.RecoveredIncomplete += rs.incomplete
		for _, us := range rs.resumeUs {
			h.record(us)
		}
		for k, n := range rs.ends {
			rep.Ends[k] += n
		}
	}
	rep.ResumeMs = summarize(&h)
	return rep
}

// writeText adds the reconnect rows to a text report.
func (rep *stormReport) writeText(row func(name, format string, args ...any)) {
	row("reconnect", "%d of %d clients dropped, %d resumed (all: %v), %d attempts; recovered %d complete, %d incomplete",
		rep.Dropped, rep.Target, rep.ResumedNow, rep.AllResumed, rep.Attempts, rep.RecoveredComplete, rep.RecoveredIncomplete)
	at := func(ms int64) string {
		if ms == 0 {
			return "-"
		}
		return time.UnixMilli(ms).UTC().Format("15:04:05.000")
	}
	row("times", "first drop %s, first reconnect %s, last resume %s; first drop → all resumed %.0f ms",
		at(rep.FirstDropUnixMs), at(rep.FirstReconnectUnixMs), at(rep.LastResumeUnixMs), rep.DropToAllResumedMs)
	l := rep.ResumeMs
	row("resume ms", "per client drop → resumed: p50 %.0f  p90 %.0f  p99 %.0f  max %.0f", l.P50, l.P90, l.P99, l.Max)
	for _, k := range sortedKeys(rep.Ends) {
		row("ends", "%s: %d", k, rep.Ends[k])
	}
	if rep.TimedOut {
		row("note", fmt.Sprintf("timed out: %d clients had not resumed", rep.Target-rep.ResumedNow))
	}
}
