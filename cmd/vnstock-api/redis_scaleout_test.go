package main

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// waitLeader waits until one of procs logs that it leads the sim feed (its
// n-th time, counting from what it logged before) and returns its index.
func waitLeader(t *testing.T, procs []*serveProc, before []int, within time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		for i, p := range procs {
			if p != nil && p.count(`msg="leading feed" source=sim`) > before[i] {
				return i
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no instance took the sim lease within %v", within)
	return -1
}

func leadCounts(procs []*serveProc) []int {
	out := make([]int, len(procs))
	for i, p := range procs {
		if p != nil {
			out[i] = p.count(`msg="leading feed" source=sim`)
		}
	}
	return out
}

// Three instances share a real Redis, all with the sim feed: one leads and
// publishes, clients on every instance see the same sequence; SIGKILL of
// the leader hands the feed to another within 10 s, seqs keep increasing,
// and a client of the dead instance resuming elsewhere loses nothing.
func TestScaleOutThreeInstances(t *testing.T) {
	url := requireRedisURL(t)
	prefix := randomPrefix()
	t.Cleanup(func() { deleteKeys(t, url, prefix) })
	procs := make([]*serveProc, 3)
	for i := range procs {
		procs[i] = startServe(t, fmt.Sprintf("instance %d", i), url, prefix)
	}
	leader := waitLeader(t, procs, []int{0, 0, 0}, 15*time.Second)
	clients := make([]*wsClient, 3)
	for i, p := range procs {
		clients[i] = dialWS(t, p.addr)
		clients[i].send(t, `{"op":"subscribe","id":1,"topics":["trade:@VN30"]}`)
	}
	checkSameSequence(t, clients)

	// Kill the leader; its client will resume on a survivor.
	dead := clients[leader]
	lastSeen := lastSeq(events(t, dead.all()))
	before := leadCounts(procs)
	killed := time.Now()
	procs[leader].kill()
	procs[leader] = nil
	next := waitLeader(t, procs, before, 10*time.Second)
	t.Logf("new leader after %v", time.Since(killed).Round(time.Millisecond))
	survivor := clients[next]
	preKill := lastSeq(events(t, survivor.all()))
	after := survivor.wait(t, "events from the new leader", func(ms []wireMsg) bool {
		return lastSeq(events(t, ms)) > preKill+100
	})
	all := events(t, after) // also checks that seqs kept increasing across the takeover

	resumed := dialWS(t, procs[next].addr)
	resumed.send(t, fmt.Sprintf(`{"op":"subscribe","id":2,"topics":["trade:@VN30"],"since":%d,"epoch":%q}`, lastSeen, dead.welcome.Epoch))
	got := resumed.wait(t, "recovered", func(ms []wireMsg) bool { return countType(ms, "recovered") == 1 })
	i := slices.IndexFunc(got, func(m wireMsg) bool { return m.Type == "recovered" })
	rec := got[i]
	got = got[:i] // the replay; live events follow the recovered message
	if !rec.Complete || rec.From != lastSeen {
		t.Fatalf("resume on a survivor: %+v, want complete from %d", rec, lastSeen)
	}
	replayed := events(t, got)
	all = events(t, survivor.wait(t, "the survivor's client to reach the resume's head", func(ms []wireMsg) bool {
		return lastSeq(events(t, ms)) >= rec.To
	}))
	if want := between(all, lastSeen, rec.To); !slices.Equal(replayed, want) {
		t.Fatalf("resume replayed %v, the survivor's client saw %v in (%d, %d]", replayed, want, lastSeen, rec.To)
	}
	for i, p := range procs {
		if p == nil {
			continue
		}
		if n := p.count("panic"); n > 0 {
			t.Errorf("instance %d logged a panic", i)
		}
		if err := p.stop(t); err != nil {
			t.Errorf("instance %d exit: %v", i, err)
		}
	}
}

// checkSameSequence checks that the clients see the same events over a
// window they all cover.
func checkSameSequence(t *testing.T, clients []*wsClient) {
	t.Helper()
	seqs := make([][]uint64, len(clients))
	lo, hi := uint64(0), ^uint64(0)
	for i, c := range clients {
		seqs[i] = events(t, c.wait(t, "150 trades", func(ms []wireMsg) bool { return countType(ms, "event") >= 150 }))
		lo, hi = max(lo, seqs[i][0]), min(hi, lastSeq(seqs[i]))
	}
	common := between(seqs[0], lo, hi)
	if len(common) < 50 {
		t.Fatalf("only %d events in the window all clients cover", len(common))
	}
	for i := 1; i < len(seqs); i++ {
		if w := between(seqs[i], lo, hi); !slices.Equal(w, common) {
			t.Fatalf("instance %d saw %d events in (%d, %d], instance 0 saw %d", i, len(w), lo, hi, len(common))
		}
	}
}

func countType(ms []wireMsg, typ string) int {
	n := 0
	for _, m := range ms {
		if m.Type == typ {
			n++
		}
	}
	return n
}

// The test's own Redis is stopped (losing everything) and started again
// under two instances: both report degraded (/readyz and a status event),
// the leader's clients keep their feed, both recover by themselves, and a
// client resuming from before the loss gets recovered complete:false with
// snapshots.
func TestScaleOutRedisRestart(t *testing.T) {
	srv := startRedisServer(t)
	prefix := randomPrefix()
	procs := []*serveProc{
		startServe(t, "instance 0", srv.url(), prefix),
		startServe(t, "instance 1", srv.url(), prefix),
	}
	leader := waitLeader(t, procs, []int{0, 0}, 15*time.Second)
	follower := 1 - leader
	topics := `["trade:@VN30","quote:VNM","status"]`
	var cs [2]*wsClient
	for i, p := range procs {
		cs[i] = dialWS(t, p.addr)
		cs[i].send(t, `{"op":"subscribe","id":1,"topics":`+topics+`}`)
		cs[i].wait(t, "trades", func(ms []wireMsg) bool { return countType(ms, "event") >= 20 })
	}
	seen := lastSeq(events(t, cs[follower].all()))
	epoch := cs[follower].welcome.Epoch

	srv.stop()
	for i, p := range procs {
		waitReadyz(t, p, "degraded")
		cs[i].wait(t, "a redis degraded status", func(ms []wireMsg) bool { return hasRedisStatus(ms, "degraded") })
	}
	n := countType(cs[leader].all(), "event")
	cs[leader].wait(t, "local events while Redis is down", func(ms []wireMsg) bool { return countType(ms, "event") >= n+50 })

	srv.start(t)
	for _, p := range procs {
		waitReadyz(t, p, "ready")
	}
	for _, c := range cs {
		n := countType(c.all(), "event")
		events(t, c.wait(t, "events after the restart", func(ms []wireMsg) bool { return countType(ms, "event") >= n+50 }))
	}
	resumed := dialWS(t, procs[follower].addr)
	if resumed.welcome.Epoch == epoch {
		t.Fatalf("epoch %s unchanged after Redis lost the history", epoch)
	}
	resumed.send(t, fmt.Sprintf(`{"op":"subscribe","id":2,"topics":%s,"since":%d,"epoch":%q}`, topics, seen, epoch))
	got := resumed.wait(t, "recovered and a snapshot", func(ms []wireMsg) bool { return countType(ms, "snapshot") >= 1 })
	rec := slices.IndexFunc(got, func(m wireMsg) bool { return m.Type == "recovered" })
	snap := slices.IndexFunc(got, func(m wireMsg) bool { return m.Type == "snapshot" })
	if rec < 0 || got[rec].Complete || snap < rec {
		t.Fatalf("resume across the loss: %+v, want recovered complete:false, then snapshots", got)
	}
	for i, p := range procs {
		if p.count("panic") > 0 {
			t.Errorf("instance %d logged a panic", i)
		}
		if err := p.stop(t); err != nil {
			t.Errorf("instance %d exit: %v", i, err)
		}
	}
}

func waitReadyz(t *testing.T, p *serveProc, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for p.readyz() != want {
		if time.Now().After(deadline) {
			t.Fatalf("%s /readyz = %q, want %q", p.name, p.readyz(), want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// hasRedisStatus reports a status message for source redis in state.
func hasRedisStatus(ms []wireMsg, state string) bool {
	for _, m := range ms {
		if m.Topic == "status" && (m.Type == "event" || m.Type == "snapshot") &&
			slices.Contains(statusStates(m.Data, "redis"), state) {
			return true
		}
	}
	return false
}
