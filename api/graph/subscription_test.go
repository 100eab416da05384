package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/hub"
	"github.com/vnstock-api/vnstock-api/market"
)

// variants runs f for both WebSocket protocols and both render paths (the
// shared renderer and gqlgen's per-subscriber execution); the answers are
// compared with one golden file, so the four must agree byte for byte.
func variants(t *testing.T, f func(t *testing.T, proto string, shared bool)) {
	for _, proto := range []string{protoTransport, protoLegacy} {
		for _, shared := range []bool{true, false} {
			name := proto + map[bool]string{true: "/shared", false: "/gqlgen"}[shared]
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				f(t, proto, shared)
			})
		}
	}
}

func renderMode(shared bool) func(*Config, *hub.Config) {
	return func(c *Config, _ *hub.Config) { c.NoSharedRender = !shared }
}

func quoteJSON(e *env, sym market.Symbol, last int64) string {
	q := e.svc.quotes[sym]
	q.Last, q.Change = last, last-q.Ref
	return string(q.AppendJSON(nil))
}

// State topics: the first message is the snapshot, then each update; every
// item carries seq and ts.
func TestSubscriptionState(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 3, 21, 10, 15, 0, 0, market.ICT)
	bar := market.Bar{Symbol: "VNM", Interval: market.Interval1m, Time: at, Open: 61300, High: 61400, Low: 61200, Close: 61400, Volume: 12000}
	closed := bar
	closed.Close, closed.Volume, closed.Closed = 61500, 15100, true
	idx := market.IndexQuote{Code: "VNINDEX", Time: at, Session: market.PhaseContinuous, Value: 1318.62, Ref: 1320.1, Change: -1.48,
		ChangePct: -0.11, Volume: 412_000_000, Turnover: 9_870_000_000_000, Advances: 121, Declines: 201, Unchanged: 58}
	idx2 := idx
	idx2.Value, idx2.Change, idx2.Advances = 1319.05, -1.05, 130
	session := market.SessionState{Exchange: market.HOSE, Phase: market.PhaseContinuous, Time: at, Next: market.PhaseLunchBreak, NextAt: at.Add(75 * time.Minute)}
	lunch := market.SessionState{Exchange: market.HOSE, Phase: market.PhaseLunchBreak, Time: at.Add(75 * time.Minute)}
	status := market.FeedStatus{Time: at, Sources: []market.SourceStatus{{Source: "ssi", State: market.HealthOK, LastUpdate: at}}}
	down := market.FeedStatus{Time: at.Add(time.Minute), Sources: []market.SourceStatus{{Source: "ssi", State: market.HealthDown, LastUpdate: at, Stale: true, Message: "no data for 60s"}}}
	js := func(v json.Marshaler) string { b, _ := v.MarshalJSON(); return string(b) }
	tests := []struct {
		name, query, topic string
		before, after      func(e *env) string
	}{
		{"quotes", `subscription { quotes(symbols: ["VNM"]) { symbol price change volume bid { price volume } ask { price volume } seq ts } }`,
			"quote:VNM", func(e *env) string { return quoteJSON(e, "VNM", 68200) }, func(e *env) string { return quoteJSON(e, "VNM", 68300) }},
		{"quotes_fragment_alias", `subscription Board($withBook: Boolean!) { q: quotes(symbols: ["vnm"]) { ...Row last: closePrice
			bid @include(if: $withBook) { price } __typename } } fragment Row on Quote { symbol percentChange seq }`,
			"quote:VNM", func(e *env) string { return quoteJSON(e, "VNM", 68200) }, func(e *env) string { return quoteJSON(e, "VNM", 68300) }},
		{"index", `subscription { index(codes: ["VNINDEX"]) { code value change advances declines seq ts } }`,
			"index:VNINDEX", func(*env) string { return js(idx) }, func(*env) string { return js(idx2) }},
		{"bars", `subscription { bars(symbol: "VNM", interval: "1m") { time open high low close volume closed seq } }`,
			"bar:VNM:1m", func(*env) string { return js(bar) }, func(*env) string { return js(closed) }},
		{"session", `subscription { session(exchange: HOSE) { exchange phase time nextPhase nextAt seq ts } }`,
			"session:HOSE", func(*env) string { return js(session) }, func(*env) string { return js(lunch) }},
		{"status", `subscription { status { time sources { source state lastUpdate stale message } seq ts } }`,
			"status", func(*env) string { return js(status) }, func(*env) string { return js(down) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			variants(t, func(t *testing.T, proto string, shared bool) {
				e := newEnv(t, renderMode(shared))
				publish(t, e, tt.topic, tt.before(e), 1742526900000)
				cl := connect(t, e.url, proto, nil)
				cl.subscribe("1", tt.query, map[string]any{"withBook": true})
				snap := cl.nextData("1")
				publish(t, e, tt.topic, tt.after(e), 1742526901000)
				update := cl.nextData("1")
				golden(t, "sub_"+tt.name, []byte(fmt.Sprintf(`{"snapshot":%s,"update":%s}`, snap, update)))
			})
		})
	}
}

// A group subscription expands to the members: the first message holds the
// snapshots of the members that have a value, in the group's order (as on
// /v1/ws: a snapshot carries the seq of the event it reflects).
func TestSubscriptionGroup(t *testing.T) {
	t.Parallel()
	variants(t, func(t *testing.T, proto string, shared bool) {
		e := newEnv(t, renderMode(shared))
		for i, s := range []market.Symbol{"FPT", "VNM", "HPG"} {
			publish(t, e, "quote:"+string(s), quoteJSON(e, s, 60000+int64(i)*100), 1742526900000+int64(i))
		}
		publish(t, e, "quote:SHS", quoteJSON(e, "SHS", 15000), 1742526900010) // not in VN30
		cl := connect(t, e.url, proto, nil)
		cl.subscribe("g", `subscription { quotes(group: "VN30") { symbol price seq } }`, nil)
		if got, want := string(cl.nextData("g")), `{"quotes":[{"symbol":"FPT","price":60000,"seq":1},{"symbol":"HPG","price":60200,"seq":3},{"symbol":"VNM","price":60100,"seq":2}]}`; got != want {
			t.Fatalf("snapshot %s, want %s", got, want)
		}
		publish(t, e, "quote:SHS", quoteJSON(e, "SHS", 15100), 1742526900020)
		publish(t, e, "quote:ACB", quoteJSON(e, "ACB", 25000), 1742526900030)
		if got, want := string(cl.nextData("g")), `{"quotes":[{"symbol":"ACB","price":25000,"seq":6}]}`; got != want {
			t.Fatalf("update %s, want %s", got, want)
		}
	})
}

// Trades are a stream: every trade arrives, in order, none conflated.
func TestSubscriptionTrades(t *testing.T) {
	t.Parallel()
	variants(t, func(t *testing.T, proto string, shared bool) {
		e := newEnv(t, renderMode(shared), func(c *Config, _ *hub.Config) { c.Stream.FlushInterval = 20 * time.Millisecond })
		cl := connect(t, e.url, proto, nil)
		cl.subscribe("t", `subscription { trades(symbols: ["VNM", "FPT"]) { symbol time price volume side seq ts } }`, nil)
		syncStream(t, e, cl, "t", "trade:VNM")
		var want []string
		for i, tr := range e.svc.trades[:50] {
			tr.Symbol = []market.Symbol{"VNM", "FPT"}[i%2]
			seq := publish(t, e, "trade:"+string(tr.Symbol), string(tr.AppendJSON(nil)), 1742543100000+int64(i))
			want = append(want, fmt.Sprintf(`{"symbol":"%s","time":"%s","price":%d,"volume":%d,"side":"%s","seq":%d,"ts":%d}`,
				tr.Symbol, tr.Time.Format(time.RFC3339), tr.Price, tr.Volume, tr.Side, seq, 1742543100000+int64(i)))
		}
		var got []string
		for len(got) < len(want) {
			var batch struct{ Trades []json.RawMessage }
			if err := json.Unmarshal(cl.nextData("t"), &batch); err != nil {
				t.Fatal(err)
			}
			for _, r := range batch.Trades {
				if !strings.Contains(string(r), `"price":1,`) { // a late probe of syncStream
					got = append(got, string(r))
				}
			}
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("trades:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

// syncStream publishes a probe on a stream topic until the subscription
// sees one, so that what follows is certain to be delivered.
func syncStream(t *testing.T, e *env, cl *wsClient, id, topic string) {
	t.Helper()
	probe := market.Trade{Symbol: market.Symbol(strings.TrimPrefix(topic, "trade:")), Time: time.Date(2025, 3, 21, 9, 0, 0, 0, market.ICT), Price: 1, Volume: 1}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			m, err := cl.read(10 * time.Second)
			if err != nil || m.Type != cl.dataType() || m.ID != id {
				t.Errorf("probe: %+v %v", m, err)
				return
			}
			if strings.Contains(string(m.Payload), `"price":1,`) {
				return
			}
		}
	}()
	for i := 0; ; i++ {
		select {
		case <-done:
			return
		case <-time.After(10 * time.Millisecond):
			if _, err := e.hub.Publish(t.Context(), topic, probe.AppendJSON(nil), 0); err != nil {
				t.Fatal(err)
			}
		}
		if i > 500 {
			t.Fatal("the subscription never saw a probe")
		}
	}
}

// Config.Stream.OnWrite sees each batch a subscription sends, with the
// context the Authenticator returned (metrics and usage hang off it).
func TestOnWrite(t *testing.T) {
	t.Parallel()
	variants(t, func(t *testing.T, proto string, shared bool) {
		type keyCtx struct{}
		var mu sync.Mutex
		var seen []string
		e := newEnv(t, renderMode(shared), func(c *Config, _ *hub.Config) {
			c.Authenticate = func(ctx context.Context, key string) (context.Context, error) {
				return context.WithValue(ctx, keyCtx{}, key), nil
			}
			c.Stream.OnWrite = func(ctx context.Context) func([]hub.Item) {
				key := ctx.Value(keyCtx{})
				return func(items []hub.Item) {
					mu.Lock()
					defer mu.Unlock()
					for _, it := range items {
						if it.Event != nil {
							seen = append(seen, fmt.Sprintf("%v %s %d", key, it.Event.Topic, it.Event.Seq))
						}
					}
				}
			}
		})
		publish(t, e, "index:VNINDEX", `{"code":"VNINDEX","value":1318.6}`, 1)
		cl := connect(t, e.url, proto, map[string]any{"apiKey": "k1"})
		cl.subscribe("1", `subscription { index(codes: ["VNINDEX"]) { value seq } }`, nil)
		cl.nextData("1")
		publish(t, e, "index:VNINDEX", `{"code":"VNINDEX","value":1319.0}`, 2)
		cl.nextData("1")
		waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(seen) == 2 })
		mu.Lock()
		defer mu.Unlock()
		if seen[0] != "k1 index:VNINDEX 1" || seen[1] != "k1 index:VNINDEX 2" {
			t.Fatalf("OnWrite saw %v", seen)
		}
	})
}

// A client's own topic cap (its key's plan) ends a subscription that asks
// for more topics with an error, and leaves smaller ones alone.
func TestSubscriptionTopicCap(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config, _ *hub.Config) {
		c.Limits = func(context.Context) (int, float64) { return 2, 0 }
	})
	publish(t, e, "quote:FPT", quoteJSON(e, "FPT", 60000), 1742526900000)
	cl := connect(t, e.url, protoTransport, nil)
	cl.subscribe("two", `subscription { quotes(symbols: ["FPT", "VNM"]) { symbol seq } }`, nil)
	if got := string(cl.nextData("two")); !strings.Contains(got, `"FPT"`) {
		t.Fatalf("two topics: %s", got)
	}
	cl.subscribe("three", `subscription { quotes(symbols: ["FPT", "VNM", "HPG"]) { symbol seq } }`, nil)
	for {
		m := cl.next()
		if m.ID != "three" {
			continue
		}
		if m.Type != "error" && !strings.Contains(string(m.Payload), "errors") {
			t.Fatalf("three topics under a cap of two: %s %s", m.Type, m.Payload)
		}
		if !strings.Contains(string(m.Payload), "topic") {
			t.Fatalf("the error does not name the topic limit: %s", m.Payload)
		}
		return
	}
}
