package graph

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// Shared subscriptions on a WebSocket connection are written by the
// handler's writer pool: two on one connection each get their own
// messages under their own id, a query answered meanwhile (gqlgen's own
// write, queued behind the pool's) arrives whole and in order, a stopped
// one is completed after its last message, and the pool lets the
// connection go when it closes.
func TestPooledSubscriptions(t *testing.T) {
	t.Parallel()
	for _, proto := range []string{protoTransport, protoLegacy} {
		t.Run(proto, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			cl := connect(t, e.url, proto, nil)
			cl.subscribe("a", `subscription { trades(symbols: ["VNM"]) { price seq } }`, nil)
			cl.subscribe("b", `subscription { trades(symbols: ["FPT"]) { price seq } }`, nil)
			// Both are live once a trade published after subscribing arrives
			// on each (the client's reads are on their own goroutine: a read
			// that times out would close the connection).
			msgs := make(chan wsMsg, 1024)
			go func() {
				defer close(msgs)
				for {
					m, err := cl.read(20 * time.Second)
					if err != nil {
						return
					}
					msgs <- m
				}
			}()
			next := func() wsMsg {
				t.Helper()
				select {
				case m, ok := <-msgs:
					if !ok {
						t.Fatal("the connection ended")
					}
					return m
				case <-time.After(10 * time.Second):
					t.Fatal("no message in 10s")
				}
				return wsMsg{}
			}
			seen := map[string]bool{}
			tick := time.NewTicker(10 * time.Millisecond)
			defer tick.Stop()
			for len(seen) < 2 {
				select {
				case m := <-msgs:
					seen[m.ID] = true
				case <-tick.C:
					publish(t, e, "trade:VNM", tradeJSON("VNM", 1), 0)
					publish(t, e, "trade:FPT", tradeJSON("FPT", 1), 0)
				}
			}
			if n := e.h.pool.Open(); n != 1 {
				t.Fatalf("the pool serves %d connections, want 1", n)
			}

			cl.subscribe("q", `{ __typename }`, nil) // a query: gqlgen writes its answer
			publish(t, e, "trade:VNM", tradeJSON("VNM", 61400), 0)
			publish(t, e, "trade:FPT", tradeJSON("FPT", 98100), 0)
			got := map[string]string{}
			var order []string
			for len(got) < 3 || !strings.Contains(got["a"], "61400") || !strings.Contains(got["b"], "98100") {
				m := next()
				order = append(order, m.Type+":"+m.ID)
				got[m.ID] += string(m.Payload)
				if m.ID == "q" && m.Type == cl.dataType() && !strings.Contains(string(m.Payload), `"__typename":"Query"`) {
					t.Fatalf("query answer %s", m.Payload)
				}
			}
			if strings.Contains(got["a"], "98100") || strings.Contains(got["b"], "61400") {
				t.Fatalf("messages under the wrong id: %v", got)
			}
			if i := slices.Index(order, cl.dataType()+":q"); i < 0 || !slices.Contains(order[i:], "complete:q") {
				if m := next(); m.Type != "complete" || m.ID != "q" {
					t.Fatalf("after the query's answer: %s %s (so far %v)", m.Type, m.ID, order)
				}
			}

			cl.stop("a")
			waitFor(t, func() bool { return e.h.Subscriptions() == 1 })
			publish(t, e, "trade:VNM", tradeJSON("VNM", 61500), 0)
			publish(t, e, "trade:FPT", tradeJSON("FPT", 98200), 0)
			for {
				m := next()
				if m.ID == "a" && strings.Contains(string(m.Payload), "61500") {
					t.Fatalf("a stopped subscription got a message: %s", m.Payload)
				}
				if m.ID == "b" && strings.Contains(string(m.Payload), "98200") {
					break
				}
			}

			_ = cl.c.CloseNow()
			for range msgs {
			}
			waitFor(t, func() bool { return e.h.pool.Open() == 0 && e.h.Subscriptions() == 0 })
		})
	}
}

func tradeJSON(sym string, price int64) string {
	tr := market.Trade{Symbol: market.Symbol(sym), Time: time.Date(2025, 3, 21, 10, 0, 0, 0, market.ICT), Price: price, Volume: 100, Side: market.SideBuy}
	return string(tr.AppendJSON(nil))
}
