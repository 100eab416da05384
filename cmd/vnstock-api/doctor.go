package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/vnstock-api/vnstock-api/feeds"
	"github.com/vnstock-api/vnstock-api/market"
)

// doctorChecks is one representative query per capability; each source is
// asked every one and answers it or says it does not offer it.
func doctorChecks(now time.Time) []market.Query {
	end := market.Date(now).AddDate(0, 0, -1)
	start := end.AddDate(0, 0, -14)
	fpt, vnm := market.Symbol("FPT"), market.Symbol("VNM")
	return []market.Query{
		{Capability: market.CapEquities, Exchange: "HOSE"},
		{Capability: market.CapGroup, Group: "VN30"},
		{Capability: market.CapIndustries},
		{Capability: market.CapIndices},
		{Capability: market.CapOHLCV, Symbol: vnm, Asset: market.AssetEquity, Interval: market.Interval1D, Start: start, End: end},
		{Capability: market.CapOHLCV, Symbol: "VNINDEX", Asset: market.AssetIndex, Interval: market.Interval1D, Start: start, End: end},
		{Capability: market.CapOHLCV, Symbol: "USDVND", Asset: market.AssetForex, Interval: market.Interval1D, Start: start, End: end},
		{Capability: market.CapTrades, Symbol: vnm, Limit: 50},
		{Capability: market.CapBoard, Symbols: []market.Symbol{vnm, fpt}},
		{Capability: market.CapCompany, Symbol: fpt},
		{Capability: market.CapShareholders, Symbol: fpt},
		{Capability: market.CapNews, Symbol: fpt},
		{Capability: market.CapEvents, Symbol: fpt},
		{Capability: market.CapIncomeStatement, Symbol: fpt, Period: "year", Lang: "vi"},
		{Capability: market.CapRatios, Symbol: fpt, Period: "year", Lang: "vi"},
		{Capability: market.CapFunds},
		{Capability: market.CapGold, Provider: "sjc"},
		{Capability: market.CapGold, Provider: "btmc"},
		{Capability: market.CapExchangeRates},
	}
}

// doctorCmd calls every upstream endpoint once and reports which parse: a
// canary for upstream drift. It exits non-zero when any offered capability
// failed.
func doctorCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	only := fs.String("sources", "", "comma list of sources to check (default: all)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := parseConfig(nil, getenv, stderr)
	if err != nil {
		return err
	}
	u, err := newUpstreams(cfg, nil, newLogger(cfg, io.Discard))
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tCAPABILITY\tRESULT\tTIME\tDETAIL")
	failed := 0
	for _, src := range u.All {
		if *only != "" && !slices.Contains(splitList(*only), src.Name()) {
			continue
		}
		for _, q := range doctorChecks(time.Now()) {
			res, d, err := doctorOne(ctx, src, q)
			switch {
			case errors.Is(err, market.ErrUnsupported):
				continue
			case err != nil:
				failed++
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.120s\n", src.Name(), q.Capability, doctorKind(err), d.Round(time.Millisecond), err)
			default:
				fmt.Fprintf(tw, "%s\t%s\tok\t%s\t%d rows\n", src.Name(), q.Capability, d.Round(time.Millisecond), resultRows(res))
			}
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("doctor: %d checks failed", failed)
	}
	return nil
}

func doctorOne(ctx context.Context, src feeds.Source, q market.Query) (market.Result, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	t0 := time.Now()
	res, err := src.Fetch(ctx, q)
	return res, time.Since(t0), err
}

// doctorKind names what went wrong: drift in the payload, or reachability.
func doctorKind(err error) string {
	switch {
	case errors.Is(err, market.ErrUpstreamSchema):
		return "SCHEMA DRIFT"
	case errors.Is(err, market.ErrNotFound):
		return "not found"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	}
	return "unreachable"
}

func resultRows(r market.Result) int {
	return len(r.Bars) + len(r.Trades) + len(r.Quotes) + r.Frame.Len()
}
