package feeds

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/vnstock-api/vnstock-api/market"
)

// Routes maps each capability to the names of the sources that answer it,
// preferred first.
type Routes map[market.Capability][]string

// DefaultRoutes is the capability → source table of upstream.md §1
// (vnstock's default source first, then the fallback), by source name:
// kbs, vci (Vietcap trading and iq), msn, fmarket, sjc, btmc, vcb.
//
// msn comes first for ohlcv because it refuses (ErrUnsupported, without a
// request) everything but FX, crypto and world indices, which KBS and VCI
// do not have; ordering it first keeps those queries from reaching KBS
// and VCI at all.
func DefaultRoutes() Routes {
	both := []string{"kbs", "vci"}
	r := Routes{
		market.CapEquities:        both,
		market.CapGroup:           both,
		market.CapIndustries:      {"vci"},
		market.CapIndustry:        {"vci", "kbs"},
		market.CapIndices:         both,
		market.CapSearch:          both,
		market.CapOHLCV:           {"msn", "kbs", "vci"},
		market.CapTrades:          both,
		market.CapDepth:           {"vci"},
		market.CapBoard:           both,
		market.CapInsiderTrading:  {"kbs"},
		market.CapCapitalHistory:  {"kbs"},
		market.CapOwnership:       {"kbs"},
		market.CapFunds:           {"fmarket"},
		market.CapFundNAV:         {"fmarket"},
		market.CapFundTopHoldings: {"fmarket"},
		market.CapFundIndustry:    {"fmarket"},
		market.CapFundAssets:      {"fmarket"},
		market.CapGold:            {"sjc", "btmc"},
		market.CapExchangeRates:   {"vcb", "msn"},
	}
	for _, c := range []market.Capability{market.CapCompany, market.CapShareholders, market.CapOfficers,
		market.CapSubsidiaries, market.CapNews, market.CapEvents, market.CapBalanceSheet,
		market.CapIncomeStatement, market.CapCashFlow, market.CapRatios} {
		r[c] = both
	}
	return r
}

// Failover is a Source that answers each capability from its ordered list
// of sources: it asks the next source when one says ErrUnsupported, fails
// upstream (market.ErrUpstream: status, transport, rate limit, open
// breaker) or answers bytes that do not parse (*market.SchemaError). Any
// other error (market.ErrNotFound, market.ErrInvalid, cancellation) is the
// answer. Result.Source names the source that answered. Safe for
// concurrent use.
type Failover struct {
	routes map[market.Capability][]Source
	log    *slog.Logger
}

// NewFailover returns a Failover over sources, ordered by routes. Route
// entries naming a source not given are skipped, so a deployment may run
// with fewer sources; Sources tells what was resolved.
func NewFailover(routes Routes, logger *slog.Logger, sources ...Source) *Failover {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	byName := make(map[string]Source, len(sources))
	for _, s := range sources {
		byName[s.Name()] = s
	}
	f := &Failover{routes: make(map[market.Capability][]Source, len(routes)), log: logger}
	for c, names := range routes {
		for _, n := range names {
			if s, ok := byName[n]; ok {
				f.routes[c] = append(f.routes[c], s)
			}
		}
	}
	return f
}

// Name implements Source.
func (f *Failover) Name() string { return "failover" }

// Sources returns the names of the sources asked for c, in order.
func (f *Failover) Sources(c market.Capability) []string {
	names := make([]string, len(f.routes[c]))
	for i, s := range f.routes[c] {
		names[i] = s.Name()
	}
	return names
}

// Fetch implements Source.
func (f *Failover) Fetch(ctx context.Context, q market.Query) (market.Result, error) {
	srcs := f.routes[q.Capability]
	if len(srcs) == 0 {
		return market.Result{}, fmt.Errorf("%s: no source configured: %w", q.Capability, market.ErrUnsupported)
	}
	var msgs []string
	var first error // the first failure other than ErrUnsupported
	for _, s := range srcs {
		res, err := s.Fetch(ctx, q)
		if err == nil {
			if res.Source == "" {
				res.Source = s.Name()
			}
			return res, nil
		}
		if !failsOver(err) || ctx.Err() != nil {
			return market.Result{}, err
		}
		msgs = append(msgs, s.Name()+": "+err.Error())
		if errors.Is(err, market.ErrUnsupported) {
			f.log.DebugContext(ctx, "source does not support query", "source", s.Name(), "capability", string(q.Capability), "err", err)
			continue
		}
		f.log.WarnContext(ctx, "source failed, trying the next", "source", s.Name(), "capability", string(q.Capability), "err", err)
		if first == nil {
			first = err
		}
	}
	if first == nil {
		return market.Result{}, fmt.Errorf("%s: no source supports %s: %w", q.Capability, q.Key(), market.ErrUnsupported)
	}
	return market.Result{}, fmt.Errorf("%s: every source failed [%s]: %w", q.Capability, strings.Join(msgs, "; "), first)
}

// failsOver reports whether the next source should be asked after err.
func failsOver(err error) bool {
	if errors.Is(err, market.ErrNotFound) || errors.Is(err, market.ErrInvalid) {
		return false
	}
	var se *market.SchemaError
	return errors.Is(err, market.ErrUnsupported) || errors.Is(err, market.ErrUpstream) ||
		errors.Is(err, market.ErrUpstreamSchema) || errors.As(err, &se)
}
