package main

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
)

// directoryGroups are the index baskets loaded from the upstream listings,
// so that @VN100, @VNMIDCAP... expand to their real members.
func directoryGroups() []string { return []string{"VN30", "VN100", "VNMIDCAP", "VNSMALLCAP", "HNX30"} }

// answerer is the read-through service (cached, stored, fetched once).
type answerer interface {
	Get(ctx context.Context, q market.Query) (storage.Answer, error)
}

// refreshDirectory replaces the built-in sample listings of dir with the
// upstream's: every stock of HOSE, HNX and UPCOM (also as @HOSE, @HNX,
// @UPCOM groups) and the index baskets. What fails keeps its built-in
// value. It returns how many groups were loaded.
func refreshDirectory(ctx context.Context, svc answerer, dir *market.Directory, log *slog.Logger) int {
	loaded := 0
	for _, ex := range []market.Exchange{market.HOSE, market.HNX, market.UPCOM} {
		a, err := svc.Get(ctx, market.Query{Capability: market.CapEquities, Exchange: string(ex), Type: "stock"})
		if err != nil {
			log.WarnContext(ctx, "listing not loaded; the built-in one stays", "exchange", ex, "err", err)
			continue
		}
		syms := frameSymbols(a.Frame)
		for _, s := range syms {
			dir.AddSymbol(s, ex)
		}
		if len(syms) > 0 {
			dir.SetGroup(string(ex), syms)
			loaded++
		}
	}
	for _, g := range directoryGroups() {
		a, err := svc.Get(ctx, market.Query{Capability: market.CapGroup, Group: g})
		if err != nil {
			log.WarnContext(ctx, "group not loaded; the built-in one stays", "group", g, "err", err)
			continue
		}
		var members []market.Symbol
		for _, s := range frameSymbols(a.Frame) {
			if _, known := dir.Exchange(s); known {
				members = append(members, s)
			}
		}
		if len(members) > 0 {
			dir.SetGroup(g, members)
			loaded++
		}
	}
	return loaded
}

// frameSymbols reads the symbol column of a listing frame, skipping cells
// that are not valid symbols.
func frameSymbols(f *market.Frame) []market.Symbol {
	var out []market.Symbol
	for i := range f.Len() {
		v, _ := f.Value(i, "symbol").(string)
		if s, err := market.ParseSymbol(v); err == nil {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// keepDirectory loads the real listings at start and every day after,
// re-expanding the live feeds' watchlist when they changed. It runs only
// with upstream feeds: the simulated market trades its own sample.
func (s *server) keepDirectory(ctx context.Context) {
	if firstUpstreamFeed(s.cfg.Feeds) == "" {
		return
	}
	for {
		if n := refreshDirectory(ctx, s.query.Service, s.dir, s.log); n > 0 {
			s.log.InfoContext(ctx, "directory loaded from the upstream listings", "groups", n,
				"symbols", len(s.dir.Symbols()))
			if s.chain != nil {
				s.chain.Reload(s.chain.watchlist())
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(24 * time.Hour):
		}
	}
}
