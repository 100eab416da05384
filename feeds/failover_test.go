package feeds_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/feeds"
	"github.com/vnstock-api/vnstock-api/feeds/fakeupstream"
	"github.com/vnstock-api/vnstock-api/feeds/gold"
	"github.com/vnstock-api/vnstock-api/feeds/msn"
	"github.com/vnstock-api/vnstock-api/feeds/upstream"
	"github.com/vnstock-api/vnstock-api/feeds/vcb"
	"github.com/vnstock-api/vnstock-api/market"
)

// clock is an injected clock for the sources' breakers.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return ctx.Err()
}

func (c *clock) Advance(d time.Duration) { _ = c.Sleep(context.Background(), d) }

// upstreamStub answers with a settable status and body, counting requests.
type upstreamStub struct {
	mu         sync.Mutex
	status     int
	body       string
	retryAfter string
	n          atomic.Int64
}

func (u *upstreamStub) set(status int, body, retryAfter string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.status, u.body, u.retryAfter = status, body, retryAfter
}

func (u *upstreamStub) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	u.n.Add(1)
	u.mu.Lock()
	status, body, ra := u.status, u.body, u.retryAfter
	u.mu.Unlock()
	if ra != "" {
		w.Header().Set("Retry-After", ra)
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// jsonSource is a minimal source: GET its URL, read {"value": n} (or
// {"missing": true} for ErrNotFound), through a Resilient doer.
type jsonSource struct {
	name string
	caps []market.Capability
	url  string
	doer *upstream.Resilient
}

func (s *jsonSource) Name() string { return s.name }

func (s *jsonSource) Fetch(ctx context.Context, q market.Query) (market.Result, error) {
	if !slices.Contains(s.caps, q.Capability) {
		return market.Result{}, feeds.ErrUnsupported
	}
	if q.Symbol == "" {
		return market.Result{}, market.Invalid("symbol", "required")
	}
	body, err := s.doer.Do(ctx, upstream.Request{URL: s.url, Capability: string(q.Capability)})
	if err != nil {
		return market.Result{}, err
	}
	var v struct {
		Value   *float64 `json:"value"`
		Missing bool     `json:"missing"`
	}
	if err := json.Unmarshal(body, &v); err != nil || (v.Value == nil && !v.Missing) {
		return market.Result{}, &market.SchemaError{Source: s.name, Field: "value", Msg: "missing or not a number"}
	}
	if v.Missing {
		return market.Result{}, market.ErrNotFound
	}
	f := market.NewFrame("value")
	_ = f.Append(*v.Value)
	return market.Result{Source: s.name, Frame: f}, nil
}

type pair struct {
	a, b       *upstreamStub
	clk        *clock
	failover   *feeds.Failover
	srcA, srcB *jsonSource
}

func newPair(t *testing.T) *pair {
	t.Helper()
	p := &pair{a: &upstreamStub{status: 200, body: `{"value":1}`}, b: &upstreamStub{status: 200, body: `{"value":2}`},
		clk: &clock{now: time.Date(2026, 4, 14, 9, 0, 0, 0, market.ICT)}}
	mk := func(name string, stub *upstreamStub, caps ...market.Capability) *jsonSource {
		srv := httptest.NewServer(stub)
		t.Cleanup(srv.Close)
		pol := upstream.Policy{Source: name, MaxRetries: 1, FailureThreshold: 2, Cooldown: time.Minute,
			MaxRetryAfter: 5 * time.Second, Now: p.clk.Now, Sleep: p.clk.Sleep}
		return &jsonSource{name: name, caps: caps, url: srv.URL,
			doer: upstream.NewResilient(upstream.NewClient(upstream.Config{Source: name}), pol)}
	}
	p.srcA = mk("a", p.a, market.CapOHLCV, market.CapGold)
	p.srcB = mk("b", p.b, market.CapOHLCV, market.CapGold, market.CapFunds)
	routes := feeds.Routes{
		market.CapOHLCV: {"a", "b"}, market.CapGold: {"a", "b"}, market.CapFunds: {"a", "b"},
		market.CapNews: {"a", "nosuch"},
	}
	p.failover = feeds.NewFailover(routes, nil, p.srcA, p.srcB)
	return p
}

var ohlcvFPT = market.Query{Capability: market.CapOHLCV, Symbol: "FPT"}

func TestFailover(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		status     int
		body, ra   string
		b500       bool
		q          market.Query
		wantSource string
		wantErr    error
		wantB      int64 // requests that reached b
	}{
		{"preferred answers", 200, `{"value":1}`, "", false, ohlcvFPT, "a", nil, 0},
		{"500 falls over", 500, "oops", "", false, ohlcvFPT, "b", nil, 1},
		{"429 with long Retry-After falls over", 429, "error code: 1015", "600", false, ohlcvFPT, "b", nil, 1},
		{"garbage falls over", 200, `<html>maintenance</html>`, "", false, ohlcvFPT, "b", nil, 1},
		{"unsupported falls over", 200, `{"value":1}`, "", false, market.Query{Capability: market.CapFunds, Symbol: "X"}, "b", nil, 1},
		{"not found is the answer", 200, `{"missing":true}`, "", false, ohlcvFPT, "", market.ErrNotFound, 0},
		{"invalid is the answer", 200, `{"value":1}`, "", false, market.Query{Capability: market.CapOHLCV}, "", market.ErrInvalid, 0},
		{"both fail", 500, "oops", "", true, ohlcvFPT, "", market.ErrUpstream, 2},
		{"no source supports", 200, `{"value":1}`, "", false, market.Query{Capability: market.CapNews, Symbol: "X"}, "", market.ErrUnsupported, 0},
		{"no route", 200, `{"value":1}`, "", false, market.Query{Capability: market.CapDepth, Symbol: "X"}, "", market.ErrUnsupported, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := newPair(t)
			p.a.set(tt.status, tt.body, tt.ra)
			if tt.b500 {
				p.b.set(500, "down", "")
			}
			res, err := p.failover.Fetch(t.Context(), tt.q)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Fetch error %v, want %v", err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if res.Source != tt.wantSource {
				t.Errorf("Source %q, want %q", res.Source, tt.wantSource)
			}
			if got := p.b.n.Load(); got != tt.wantB {
				t.Errorf("fallback got %d requests, want %d", got, tt.wantB)
			}
			if tt.b500 && (!strings.Contains(err.Error(), "a: ") || !strings.Contains(err.Error(), "b: ")) {
				t.Errorf("error %q does not name both sources", err)
			}
		})
	}
}

func TestFailoverBreakerOpensAndHalfOpens(t *testing.T) {
	t.Parallel()
	p := newPair(t)
	p.a.set(500, "down", "")
	// Two calls: each tries a twice (one retry), so the breaker (threshold 2) opens.
	for i := range 2 {
		res, err := p.failover.Fetch(t.Context(), ohlcvFPT)
		if err != nil || res.Source != "b" {
			t.Fatalf("call %d: %+v, %v; want b's answer", i, res, err)
		}
	}
	if st := p.srcA.doer.State(); st.Breaker != upstream.BreakerOpen {
		t.Fatalf("a's breaker %s, want open", st.Breaker)
	}
	hits := p.a.n.Load()
	res, err := p.failover.Fetch(t.Context(), ohlcvFPT)
	if err != nil || res.Source != "b" || p.a.n.Load() != hits {
		t.Fatalf("open breaker: %+v, %v, a hit %d→%d; want b without touching a", res, err, hits, p.a.n.Load())
	}

	p.a.set(200, `{"value":1}`, "") // a recovers; after the cooldown one probe closes the breaker
	p.clk.Advance(time.Minute)
	if st := p.srcA.doer.State(); st.Breaker != upstream.BreakerHalfOpen {
		t.Fatalf("after cooldown a's breaker is %s, want half_open", st.Breaker)
	}
	res, err = p.failover.Fetch(t.Context(), ohlcvFPT)
	if err != nil || res.Source != "a" {
		t.Fatalf("after recovery: %+v, %v; want a's answer", res, err)
	}
	if st := p.srcA.doer.State(); st.Breaker != upstream.BreakerClosed {
		t.Fatalf("after probe a's breaker is %s, want closed", st.Breaker)
	}
}

func TestDefaultRoutes(t *testing.T) {
	t.Parallel()
	r := feeds.DefaultRoutes()
	want := map[market.Capability][]string{
		market.CapOHLCV:         {"msn", "kbs", "vci"},
		market.CapGold:          {"sjc", "btmc"},
		market.CapExchangeRates: {"vcb", "msn"},
		market.CapFundNAV:       {"fmarket"},
		market.CapIndustries:    {"vci"},
		market.CapBalanceSheet:  {"kbs", "vci"},
	}
	for c, names := range want {
		if !slices.Equal(r[c], names) {
			t.Errorf("%s: %v, want %v", c, r[c], names)
		}
	}
	stub := func(n string) feeds.Source { return &jsonSource{name: n} }
	f := feeds.NewFailover(r, nil, stub("vcb"), stub("kbs"))
	if got := f.Sources(market.CapExchangeRates); !slices.Equal(got, []string{"vcb"}) {
		t.Errorf("resolved exchange_rates %v, want [vcb]", got)
	}
}

func TestFailoverGoldAgainstFakeUpstream(t *testing.T) {
	t.Parallel()
	fake := fakeupstream.New(fakeupstream.Config{Only: []string{"sjc"}, Status: http.StatusServiceUnavailable})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	clk := &clock{now: time.Now()}
	resilient := func(name string) upstream.Doer {
		p := upstream.DefaultPolicy(name)
		p.RPS, p.FailureThreshold, p.Now, p.Sleep = 0, 3, clk.Now, clk.Sleep
		return upstream.NewResilient(upstream.NewClient(upstream.Config{Source: name}), p)
	}
	sjcDoer := resilient("sjc").(*upstream.Resilient)
	f := feeds.NewFailover(feeds.DefaultRoutes(), nil,
		gold.NewSJC(gold.Config{BaseURL: srv.URL + "/sjc", Doer: sjcDoer, Now: clk.Now}),
		gold.NewBTMC(gold.Config{BaseURL: srv.URL + "/btmc", Key: "k", Doer: resilient("btmc"), Now: clk.Now}))

	res, err := f.Fetch(t.Context(), market.Query{Capability: market.CapGold})
	if err != nil || res.Source != "btmc" || res.Frame.Len() == 0 {
		t.Fatalf("sjc down: %+v, %v; want btmc's prices", res, err)
	}
	if n := fake.Count("sjc", ""); n != 3 || sjcDoer.State().Breaker != upstream.BreakerOpen {
		t.Fatalf("sjc saw %d requests, breaker %s; want 3 and open", n, sjcDoer.State().Breaker)
	}
	// Asked for SJC explicitly, no fallback: the open breaker is the answer.
	if _, err := f.Fetch(t.Context(), market.Query{Capability: market.CapGold, Provider: "sjc"}); !errors.Is(err, upstream.ErrBreakerOpen) {
		t.Fatalf("provider sjc with the breaker open: %v", err)
	}
	fake.SetConfig(fakeupstream.Config{})
	clk.Advance(upstream.DefaultPolicy("sjc").Cooldown)
	res, err = f.Fetch(t.Context(), market.Query{Capability: market.CapGold})
	if err != nil || res.Source != "sjc" {
		t.Fatalf("sjc back: %+v, %v; want sjc's prices", res, err)
	}
}

func TestFailoverExchangeRatesAgainstFakeUpstream(t *testing.T) {
	t.Parallel()
	fake := fakeupstream.New(fakeupstream.Config{Only: []string{"vcb"}, Malformed: true})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	f := feeds.NewFailover(feeds.DefaultRoutes(), nil,
		vcb.New(vcb.Config{BaseURL: srv.URL + "/vcb"}),
		msn.New(msn.Config{BaseURL: srv.URL + "/msn"}))
	q := market.Query{Capability: market.CapExchangeRates, Date: time.Now().AddDate(0, 0, -2)}
	res, err := f.Fetch(t.Context(), q)
	if err != nil || res.Source != "msn" || res.Frame.Len() != 7 {
		t.Fatalf("vcb malformed: %+v, %v; want msn's rates", res, err)
	}
	fake.SetConfig(fakeupstream.Config{})
	res, err = f.Fetch(t.Context(), q)
	if err != nil || res.Source != "vcb" {
		t.Fatalf("vcb healthy: %+v, %v; want vcb's rates", res, err)
	}
}
