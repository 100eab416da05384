package main

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/vnstock-api/vnstock-api/feeds"
	"github.com/vnstock-api/vnstock-api/market"
)

// upstreamFeeds are the live feeds that read a real upstream. Listed
// together (VNSTOCK_FEEDS=ssi,kbs) they form one failover chain in that
// order: each backs up the ones before it while they report down.
func upstreamFeeds() []string { return []string{"ssi", "kbs", "vci"} }

// watchlist expands the configured symbols and @GROUPs through dir.
func watchlist(items []string, dir *market.Directory) ([]market.Symbol, error) {
	var out []market.Symbol
	for _, it := range items {
		if g, ok := strings.CutPrefix(it, "@"); ok {
			members, ok := dir.Members(strings.ToUpper(g))
			if !ok {
				return nil, fmt.Errorf("watchlist: unknown group %q (known: %s)", it, strings.Join(dir.Groups(), ", "))
			}
			out = append(out, members...)
			continue
		}
		s, err := market.ParseSymbol(it)
		if err != nil {
			return nil, fmt.Errorf("watchlist: %w", err)
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// newUpstreamChain builds the failover chain of the upstream feeds in names
// (in order), or nil when names holds none.
func newUpstreamChain(names []string, cfg Config, dir *market.Directory, u *upstreams, log *slog.Logger) (feeds.Feed, error) {
	syms, err := watchlist(cfg.Watchlist, dir)
	if err != nil {
		return nil, err
	}
	var chain []feeds.Feed
	for _, name := range names {
		var f feeds.Feed
		switch name {
		case "ssi":
			indices := make([]string, 0)
			for _, ix := range dir.Indices() {
				indices = append(indices, string(ix))
			}
			f, err = feeds.NewSSI(feeds.SSIConfig{URL: cfg.URLs["ssi"], Symbols: syms, Indices: indices, Logger: log})
		case "kbs", "vci":
			src := feeds.Source(u.KBS)
			if name == "vci" {
				src = u.VCI
			}
			f, err = feeds.NewPoller(feeds.PollerConfig{Name: name, Source: src, Symbols: syms, Directory: dir,
				Every: cfg.PollEvery, AlwaysOn: cfg.Session == "always", Logger: log})
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("feed %s: %w", name, err)
		}
		chain = append(chain, f)
	}
	if len(chain) == 0 {
		return nil, nil
	}
	f := chain[len(chain)-1]
	for i := len(chain) - 2; i >= 0; i-- {
		f = &feeds.Standby{Primary: chain[i], Backup: f, Logger: log}
	}
	return f, nil
}

// upstreamNames keeps, in order, the names of feeds that read a real upstream.
func upstreamNames(names []string) []string {
	var out []string
	for _, n := range names {
		if slices.Contains(upstreamFeeds(), n) {
			out = append(out, n)
		}
	}
	return out
}

// firstUpstreamFeed is the first of names that reads a real upstream.
func firstUpstreamFeed(names []string) string {
	if up := upstreamNames(names); len(up) > 0 {
		return up[0]
	}
	return ""
}

// upstreamChainName names the chain of the upstream feeds in names, e.g.
// "ssi+kbs".
func upstreamChainName(names []string) string { return strings.Join(upstreamNames(names), "+") }
