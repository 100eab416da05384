package main

import (
	"log/slog"
	"slices"

	"github.com/vnstock-api/vnstock-api/feeds"
	"github.com/vnstock-api/vnstock-api/feeds/fmarket"
	"github.com/vnstock-api/vnstock-api/feeds/gold"
	"github.com/vnstock-api/vnstock-api/feeds/kbs"
	"github.com/vnstock-api/vnstock-api/feeds/msn"
	"github.com/vnstock-api/vnstock-api/feeds/upstream"
	"github.com/vnstock-api/vnstock-api/feeds/vcb"
	"github.com/vnstock-api/vnstock-api/feeds/vci"
	"github.com/vnstock-api/vnstock-api/market"
)

// upstreams is every upstream source of one process, each behind its own
// Resilient client (rate limit, retries, breaker, singleflight), and the
// Failover that answers the query half from them.
type upstreams struct {
	kbs      *kbs.Source
	vci      *vci.Source
	failover *feeds.Failover
	clients  []*upstream.Resilient
	all      []feeds.Source // every real upstream source, by itself
}

// newUpstreams builds the sources from cfg's base URLs. With the sim feed
// on, the simulated history answers first for what it has (OHLCV, company,
// ratios), so charts match the simulated prices.
func newUpstreams(cfg Config, observe upstream.Observer, log *slog.Logger) (*upstreams, error) {
	u := &upstreams{}
	doer := func(source string) upstream.Doer {
		p := upstream.DefaultPolicy(source)
		p.Observer, p.Logger = observe, log
		r := upstream.NewResilient(upstream.NewClient(upstream.Config{Source: source}), p)
		u.clients = append(u.clients, r)
		return r
	}
	u.kbs = kbs.New(kbs.Config{BaseURL: cfg.URLs["kbs"], Doer: doer("kbs")})
	u.vci = vci.New(vci.Config{TradingURL: cfg.URLs["vci"], IQURL: cfg.URLs["vciiq"], Doer: doer("vci")})
	sources := []feeds.Source{
		u.kbs, u.vci,
		msn.New(msn.Config{BaseURL: cfg.URLs["msn"], Doer: doer("msn")}),
		fmarket.New(fmarket.Config{BaseURL: cfg.URLs["fmarket"], Doer: doer("fmarket")}),
		gold.NewSJC(gold.Config{BaseURL: cfg.URLs["sjc"], Doer: doer("sjc")}),
		gold.NewBTMC(gold.Config{BaseURL: cfg.URLs["btmc"], Key: cfg.BTMCKey, Doer: doer("btmc")}),
		vcb.New(vcb.Config{BaseURL: cfg.URLs["vcb"], Doer: doer("vcb")}),
	}
	u.all = slices.Clone(sources)
	routes := feeds.DefaultRoutes()
	if slices.Contains(cfg.Feeds, "sim") {
		hist, err := feeds.NewSimHistory(feeds.SimHistoryConfig{Seed: cfg.SimSeed})
		if err != nil {
			return nil, err
		}
		sources = append(sources, hist)
		for _, c := range []market.Capability{market.CapOHLCV, market.CapCompany, market.CapRatios} {
			routes[c] = append([]string{hist.Name()}, routes[c]...)
		}
	}
	u.failover = feeds.NewFailover(routes, log, sources...)
	return u, nil
}

// states reports every upstream client's breaker state (readiness, metrics).
func (u *upstreams) states() []upstream.State {
	out := make([]upstream.State, len(u.clients))
	for i, c := range u.clients {
		out[i] = c.State()
	}
	return out
}
