// Package kbs is the KB Securities (KBS) source, vnstock v4's default: the
// listings, OHLCV, intraday trades, price board, company documents and
// financial statements of shared/docs/upstream.md §4, answered as
// feeds.Source. Prices come back in VND, times in ICT, and every tabular
// answer as a market.Frame with vnstock's column names.
package kbs

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/vnstock-api/vnstock-api/feeds"
	"github.com/vnstock-api/vnstock-api/feeds/upstream"
	"github.com/vnstock-api/vnstock-api/market"
)

// Name is the source name in results, errors and logs.
const Name = "kbs"

// DefaultBaseURL is KBS's IIS base (upstream.md §4); every path this
// package calls hangs off it.
const DefaultBaseURL = "https://kbbuddywts.kbsec.com.vn/iis-server/investment"

// site is KBS's web origin, sent as Referer and Origin (upstream.md §11).
const site = "https://kbbuddywts.kbsec.com.vn"

// Config configures the source.
type Config struct {
	BaseURL string           // default DefaultBaseURL; a fake upstream's URL + "/kbs" in tests
	Doer    upstream.Doer    // default: upstream.NewClient for "kbs"
	Now     func() time.Time // clock for FetchedAt, default ranges and bar closing; default time.Now
}

// Source answers queries from KBS. It is safe for concurrent use.
type Source struct {
	base string
	doer upstream.Doer
	now  func() time.Time
}

var _ feeds.Source = (*Source)(nil)

// New returns a KBS source with cfg's defaults filled in.
func New(cfg Config) *Source {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Source{
		base: upstream.BaseURL(cfg.BaseURL, DefaultBaseURL),
		doer: upstream.DoerOr(cfg.Doer, Name),
		now:  cfg.Now,
	}
}

// Name returns "kbs".
func (s *Source) Name() string { return Name }

// Fetch answers q, or returns an error wrapping market.ErrUnsupported for
// what KBS does not offer (ICB codes, index list, search, price depth,
// funds, gold, FX).
func (s *Source) Fetch(ctx context.Context, q market.Query) (market.Result, error) {
	res := market.Result{Source: Name, PriceUnit: "vnd"}
	var err error
	switch q.Capability {
	case market.CapEquities:
		res.Frame, err = s.equities(ctx, q)
	case market.CapGroup:
		res.Frame, err = s.group(ctx, q)
	case market.CapIndustry:
		res.Frame, err = s.industry(ctx, q)
	case market.CapOHLCV:
		res.Bars, err = s.ohlcv(ctx, q)
	case market.CapTrades:
		res.Trades, err = s.trades(ctx, q)
	case market.CapBoard:
		res.Quotes, err = s.board(ctx, q)
	case market.CapCompany, market.CapShareholders, market.CapOfficers, market.CapSubsidiaries,
		market.CapOwnership, market.CapCapitalHistory:
		res.Frame, err = s.company(ctx, q)
	case market.CapNews, market.CapEvents, market.CapInsiderTrading:
		res.Frame, err = s.companyList(ctx, q)
	case market.CapBalanceSheet, market.CapIncomeStatement, market.CapCashFlow, market.CapRatios:
		res.Frame, err = s.finance(ctx, q)
	default:
		err = unsupported(q.Capability, "")
	}
	if err != nil {
		return market.Result{}, fmt.Errorf("kbs %s: %w", q.Capability, err)
	}
	res.FetchedAt = s.now()
	return res, nil
}

// unsupported wraps market.ErrUnsupported with what is missing.
func unsupported(c market.Capability, detail string) error {
	if detail == "" {
		return fmt.Errorf("%w: kbs has no %s", market.ErrUnsupported, c)
	}
	return fmt.Errorf("%w: kbs has no %s (%s)", market.ErrUnsupported, c, detail)
}

// get performs a GET of path (relative to the base) with query.
func (s *Source) get(ctx context.Context, c market.Capability, path string, query url.Values) ([]byte, error) {
	return s.doer.Do(ctx, upstream.Request{
		URL: s.base + path, Query: query, Header: kbsHeader(false), Capability: string(c),
	})
}

// post performs a POST of a JSON body to path, as the price board wants it.
func (s *Source) post(ctx context.Context, c market.Capability, path string, body []byte) ([]byte, error) {
	return s.doer.Do(ctx, upstream.Request{
		Method: http.MethodPost, URL: s.base + path, Body: body, Header: kbsHeader(true), Capability: string(c),
	})
}

// kbsHeader is what KBS calls add to the base headers: the site as Referer
// and Origin, and on the board x-lang and a same-origin fetch (upstream.md
// §2.1, §11).
func kbsHeader(board bool) http.Header {
	h := http.Header{"Referer": {site + "/"}, "Origin": {site}}
	if board {
		h.Set("x-lang", "vi")
		h.Set("Sec-Fetch-Site", "same-origin")
	}
	return h
}

// symbolOf validates q.Symbol for the symbol capabilities.
func symbolOf(q market.Query) (market.Symbol, error) {
	return market.ParseSymbol(string(q.Symbol))
}
