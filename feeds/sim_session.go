package feeds

import (
	"context"
	"encoding/json"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// simExchangeCount is the number of simulated exchanges: HOSE, HNX, UPCOM.
const simExchangeCount = 3

// simExchange returns the i-th simulated exchange.
func simExchange(i int) market.Exchange {
	switch i {
	case 0:
		return market.HOSE
	case 1:
		return market.HNX
	}
	return market.UPCOM
}

// simSessions tracks the phase of the simulated exchanges. With the
// "always" clock every exchange is continuous for good; with the "real"
// clock phases follow market.DefaultCalendar.
type simSessions struct {
	cal     *market.Calendar // nil with the "always" clock
	states  [simExchangeCount]market.SessionState
	changed [simExchangeCount]bool
}

func newSimSessions(real bool) simSessions {
	var ss simSessions
	if real {
		ss.cal = market.DefaultCalendar()
	}
	return ss
}

// update recomputes the phases at now and reports whether any changed.
func (ss *simSessions) update(now time.Time) bool {
	changed := false
	for i := range ss.states {
		ex := simExchange(i)
		phase := market.PhaseContinuous
		if ss.cal != nil {
			phase = ss.cal.Phase(ex, now)
		}
		ss.changed[i] = phase != ss.states[i].Phase
		if !ss.changed[i] {
			continue
		}
		changed = true
		ss.states[i] = market.SessionState{Exchange: ex, Phase: phase, Time: now}
		if ss.cal != nil {
			ss.states[i] = ss.cal.State(ex, now)
		}
	}
	return changed
}

// of returns the current phase of ex; exchanges that are not simulated are
// closed.
func (ss *simSessions) of(ex market.Exchange) market.Phase {
	switch ex {
	case market.HOSE:
		return ss.states[0].Phase
	case market.HNX:
		return ss.states[1].Phase
	case market.UPCOM:
		return ss.states[2].Phase
	}
	return market.PhaseClosed
}

// simActive reports whether the simulator updates boards in phase p: book
// changes in the auctions, trades as well in continuous matching.
func simActive(p market.Phase) bool {
	return p == market.PhaseATO || p == market.PhaseContinuous || p == market.PhaseATC
}

// publishSessions publishes `session:EX` for every exchange (all) or only
// for those whose phase changed at the last update.
func (s *Sim) publishSessions(ctx context.Context, pub Publisher, now time.Time, all bool) {
	for i := range s.session.states {
		if !all && !s.session.changed[i] {
			continue
		}
		st := s.session.states[i]
		st.Time = now
		s.buf = st.AppendJSON(s.buf[:0])
		s.emit(ctx, pub, "session:"+string(st.Exchange), now)
	}
}

// publishStatus publishes the `status` topic: the sim source is always ok.
// It also logs how many events the publisher refused since the last status.
func (s *Sim) publishStatus(ctx context.Context, pub Publisher, now time.Time) {
	if s.dropped > 0 {
		s.log.Warn("publisher refused events", "source", "sim", "count", s.dropped)
		s.dropped = 0
	}
	st := market.FeedStatus{Time: now, Sources: []market.SourceStatus{
		{Source: "sim", State: market.HealthOK, LastUpdate: now},
	}}
	b, err := json.Marshal(st)
	if err != nil { // cannot happen: the status holds only strings and times
		s.log.Error("encode status", "source", "sim", "err", err)
		return
	}
	s.buf = append(s.buf[:0], b...)
	s.emit(ctx, pub, "status", now)
}
