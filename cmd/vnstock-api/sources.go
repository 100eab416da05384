package main

import (
	"log/slog"
	"slices"

	"github.com/vnstock-api/vnstock-api/cmd/internal/queryhalf"
	"github.com/vnstock-api/vnstock-api/feeds/upstream"
)

// upstreams is every upstream source of one process and the Failover over
// them (see queryhalf.Upstreams).
type upstreams = queryhalf.Upstreams

// newUpstreams builds the sources from cfg's base URLs. With the sim feed
// on, the simulated history answers first for what it has (OHLCV, company,
// ratios), so charts match the simulated prices.
func newUpstreams(cfg Config, observe upstream.Observer, log *slog.Logger) (*upstreams, error) {
	return queryhalf.NewUpstreams(cfg.sources(observe), log)
}

// sources is the upstream part of the configuration.
func (c Config) sources(observe upstream.Observer) queryhalf.SourcesConfig {
	return queryhalf.SourcesConfig{URLs: c.URLs, BTMCKey: c.BTMCKey,
		SimHistory: slices.Contains(c.Feeds, "sim"), SimSeed: c.SimSeed, Observer: observe}
}
