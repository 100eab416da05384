package feeds

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

func TestSimRealClock(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		start      time.Time
		hoseQuotes bool // quote events for HOSE symbols
		hoseTrades bool
		hnxTrades  bool
		hosePhase  market.Phase
	}{
		{"saturday", time.Date(2026, 3, 7, 10, 0, 0, 0, market.ICT), false, false, false, market.PhaseClosed},
		{"holiday", time.Date(2026, 4, 30, 10, 0, 0, 0, market.ICT), false, false, false, market.PhaseClosed},
		{"before the open", simWednesday(8, 30, 0), false, false, false, market.PhasePreOpen},
		{"lunch", simWednesday(12, 0, 0), false, false, false, market.PhaseLunchBreak},
		{"evening", simWednesday(20, 0, 0), false, false, false, market.PhaseClosed},
		{"HOSE opening auction", simWednesday(9, 5, 0), true, false, true, market.PhaseATO},
		{"continuous", simWednesday(10, 0, 0), true, true, true, market.PhaseContinuous},
		{"HOSE closing auction", simWednesday(14, 35, 0), true, false, false, market.PhaseATC},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, c := newTestSim(t, 21, 1000, SimClockReal, tc.start)
			events := driveSim(s, c, 100, 10*time.Millisecond)
			kinds := map[string]int{}
			for _, e := range events {
				kind, rest, _ := strings.Cut(e.Topic, ":")
				sym, _, _ := strings.Cut(rest, ":")
				ex, _ := market.DefaultDirectory().Exchange(market.Symbol(sym))
				kinds[kind+"/"+string(ex)]++
				if kind == "session" {
					kinds[e.Topic]++
				}
				if e.Topic == "session:HOSE" {
					var st market.SessionState
					if err := json.Unmarshal(e.Payload, &st); err != nil || st.Phase != tc.hosePhase {
						t.Errorf("session:HOSE = %s (%v), want phase %s", e.Payload, err, tc.hosePhase)
					}
				}
			}
			for _, ex := range []string{"HOSE", "HNX", "UPCOM"} {
				if kinds["session:"+ex] != 1 {
					t.Errorf("session:%s published %d times, want once at start", ex, kinds["session:"+ex])
				}
			}
			if got := kinds["quote/HOSE"] > 0; got != tc.hoseQuotes {
				t.Errorf("HOSE quotes = %d, want any: %v", kinds["quote/HOSE"], tc.hoseQuotes)
			}
			if got := kinds["trade/HOSE"] > 0; got != tc.hoseTrades {
				t.Errorf("HOSE trades = %d, want any: %v", kinds["trade/HOSE"], tc.hoseTrades)
			}
			if got := kinds["trade/HNX"] > 0; got != tc.hnxTrades {
				t.Errorf("HNX trades = %d, want any: %v", kinds["trade/HNX"], tc.hnxTrades)
			}
			if !tc.hoseQuotes && kinds["index/"] > 0 {
				t.Errorf("%d index events while closed", kinds["index/"])
			}
		})
	}
}

func TestSimRealClockPhaseChange(t *testing.T) {
	t.Parallel()
	s, c := newTestSim(t, 23, 1000, SimClockReal, simWednesday(11, 29, 50))
	events := driveSim(s, c, 200, 100*time.Millisecond) // to 11:30:10
	lunch := simWednesday(11, 30, 0).UnixMilli()
	var phases []market.Phase
	for _, e := range events {
		switch {
		case e.Topic == "session:HOSE":
			var st market.SessionState
			if err := json.Unmarshal(e.Payload, &st); err != nil {
				t.Fatal(err)
			}
			phases = append(phases, st.Phase)
			if st.Phase == market.PhaseContinuous && (st.Next != market.PhaseLunchBreak || st.NextAt.UnixMilli() != lunch) {
				t.Errorf("continuous session announces %s at %v, want lunch_break at 11:30", st.Next, st.NextAt)
			}
		case strings.HasPrefix(e.Topic, "quote:") && e.TS >= lunch:
			t.Fatalf("%s published at lunch", e.Topic)
		}
	}
	if len(phases) != 2 || phases[0] != market.PhaseContinuous || phases[1] != market.PhaseLunchBreak {
		t.Fatalf("session:HOSE phases = %v, want [continuous lunch_break]", phases)
	}
}

func TestSimAlwaysClockIsContinuous(t *testing.T) {
	t.Parallel()
	s, c := newTestSim(t, 25, 1000, "", time.Date(2026, 3, 7, 23, 59, 59, 0, market.ICT)) // Saturday night
	events := driveSim(s, c, 300, 10*time.Millisecond)                                    // across midnight
	if n := countTopics(events, "trade:"); n < 500 {
		t.Fatalf("%d trades on a Saturday night with the always clock", n)
	}
	if n := countTopics(events, "session:"); n != 3 {
		t.Fatalf("%d session events, want 3 at start", n)
	}
	// At ICT midnight the day rolls: the reference becomes the last price
	// and the limits follow it.
	midnight := time.Date(2026, 3, 8, 0, 0, 0, 0, market.ICT).UnixMilli()
	before, rolled := map[string]simQuoteRow{}, 0
	for _, e := range events {
		if !strings.HasPrefix(e.Topic, "quote:") {
			continue
		}
		var q simQuoteRow
		if err := json.Unmarshal(e.Payload, &q); err != nil {
			t.Fatal(err)
		}
		if e.TS < midnight {
			before[q.Symbol] = q
			continue
		}
		if b, ok := before[q.Symbol]; ok && b.Volume > 0 {
			if q.Ref != b.Close || checkSimQuote(&q) != "" {
				t.Fatalf("%s after midnight: ref %d volume %d, before: close %d volume %d", q.Symbol, q.Ref, q.Volume, b.Close, b.Volume)
			}
			delete(before, q.Symbol)
			rolled++
		}
	}
	if rolled < 20 {
		t.Fatalf("only %d symbols seen rolling over midnight", rolled)
	}
}

func TestSimRollDayResets(t *testing.T) {
	t.Parallel()
	s, c := newTestSim(t, 27, 2000, "", simWednesday(10, 0, 0))
	driveSim(s, c, 200, 5*time.Millisecond)
	prices := map[*simSymbol]int64{}
	for _, st := range append(append([]*simSymbol(nil), s.primary...), s.others...) {
		prices[st] = st.price()
	}
	values := map[*simIndex]float64{}
	for _, x := range s.indices {
		values[x] = x.value
	}
	s.rollDay()
	for st, p := range prices {
		if st.ref != p || st.totalVol != 0 || st.totalVal != 0 || st.open != 0 || st.bars[0].Volume != 0 {
			t.Fatalf("%s after roll: ref %d (want %d), volume %d", st.sym, st.ref, p, st.totalVol)
		}
	}
	for x, v := range values {
		if x.base != v || x.open != 0 {
			t.Fatalf("%s after roll: base %v, want %v", x.code, x.base, v)
		}
	}
}
