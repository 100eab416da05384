// Package vci is the Vietcap (VCI) upstream source: listings, OHLCV history,
// intraday trades, price depth and the price board from
// trading.vietcap.com.vn, and company and financial documents from the
// iq.vietcap.com.vn REST API (plus the older GraphQL ratio query), as
// docs/upstream.md section 3 describes them.
//
// Units: VCI sends prices in VND (history back-adjusted, with decimals;
// indices and futures in points) and the Source keeps them in VND — it does
// not divide by 1000 as vnstock does. Epoch-second timestamps (UTC) become
// ICT times; daily bars are stamped at ICT midnight of their trading day.
package vci

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/vnstock-api/vnstock-api/feeds/upstream"
	"github.com/vnstock-api/vnstock-api/market"
)

// Defaults of Config. TradingURL is the host root: the Source appends
// "/api/..." for REST, "/data-mt/graphql" for GraphQL and "/priceboard" for
// the cookie handshake.
const (
	DefaultTradingURL = "https://trading.vietcap.com.vn"
	DefaultIQURL      = "https://iq.vietcap.com.vn/api/iq-insight-service"
	// vciOrigin is the Referer and Origin vnstock sends (trailing slash on both).
	vciOrigin = "https://trading.vietcap.com.vn/"
	// handshakeEvery is how often the priceboard cookie handshake is redone.
	handshakeEvery = 30 * time.Minute
)

// Ratio sources of Config.Ratios.
const (
	RatiosIQ      = "iq"      // GET {IQ}/v1/company/{sym}/statistics-financial (current vnstock)
	RatiosGraphQL = "graphql" // POST /data-mt/graphql CompanyFinancialRatio (vnstock ≤ 3.4)
)

// Config configures the VCI source. Zero fields take the defaults.
type Config struct {
	TradingURL string           // default DefaultTradingURL; fakeupstream: server URL + "/vci"
	IQURL      string           // default DefaultIQURL; fakeupstream: server URL + "/vciiq"
	Doer       upstream.Doer    // default upstream.NewClient with Source "vci"
	Now        func() time.Time // default time.Now
	DeviceID   string           // Device-Id header and device_id cookie; default 16 random hex digits
	Ratios     string           // RatiosIQ (default) or RatiosGraphQL
	Calendar   *market.Calendar // trading days for countBack; default market.DefaultCalendar()
}

// Source answers queries from VCI. It is safe for concurrent use.
type Source struct {
	cfg Config

	mu          sync.Mutex
	handshakeAt time.Time // last priceboard handshake attempt
}

// New returns a VCI source with cfg's zero fields set to the defaults.
func New(cfg Config) *Source {
	cfg.TradingURL = upstream.BaseURL(cfg.TradingURL, DefaultTradingURL)
	cfg.IQURL = upstream.BaseURL(cfg.IQURL, DefaultIQURL)
	cfg.Doer = upstream.DoerOr(cfg.Doer, sourceName)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.DeviceID == "" {
		var b [8]byte
		_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
		cfg.DeviceID = hex.EncodeToString(b[:])
	}
	if cfg.Ratios == "" {
		cfg.Ratios = RatiosIQ
	}
	if cfg.Calendar == nil {
		cfg.Calendar = market.DefaultCalendar()
	}
	return &Source{cfg: cfg}
}

// Name returns "vci".
func (s *Source) Name() string { return sourceName }

// handler answers one capability.
type handler func(s *Source, ctx context.Context, q market.Query) (market.Result, error)

// handlerFor returns the handler of a capability VCI offers, or nil.
func handlerFor(c market.Capability) handler {
	switch c {
	case market.CapEquities:
		return (*Source).equities
	case market.CapGroup:
		return (*Source).group
	case market.CapIndustries:
		return (*Source).industries
	case market.CapIndustry:
		return (*Source).industry
	case market.CapSearch:
		return (*Source).search
	case market.CapOHLCV:
		return (*Source).ohlcv
	case market.CapTrades:
		return (*Source).trades
	case market.CapDepth:
		return (*Source).depth
	case market.CapBoard:
		return (*Source).board
	}
	return companyHandler(c)
}

// companyHandler returns the handler of an iq (company or finance) capability, or nil.
func companyHandler(c market.Capability) handler {
	switch c {
	case market.CapCompany:
		return (*Source).company
	case market.CapShareholders:
		return (*Source).shareholders
	case market.CapOfficers:
		return (*Source).officers
	case market.CapOwnership:
		return (*Source).ownership
	case market.CapSubsidiaries:
		return (*Source).subsidiaries
	case market.CapEvents:
		return (*Source).events
	case market.CapNews:
		return (*Source).news
	case market.CapBalanceSheet, market.CapIncomeStatement, market.CapCashFlow:
		return (*Source).statement
	case market.CapRatios:
		return (*Source).ratios
	}
	return nil
}

// Fetch answers q. Capabilities VCI lacks (index list, insider trading,
// capital history, funds, gold, FX) return an error wrapping
// market.ErrUnsupported.
func (s *Source) Fetch(ctx context.Context, q market.Query) (market.Result, error) {
	h := handlerFor(q.Capability)
	if h == nil {
		return market.Result{}, fmt.Errorf("vci: %s: %w", q.Capability, market.ErrUnsupported)
	}
	res, err := h(s, ctx, q)
	if err != nil {
		return market.Result{}, fmt.Errorf("vci: %s %s: %w", q.Capability, describe(q), err)
	}
	res.Source = sourceName
	res.PriceUnit = "vnd"
	res.FetchedAt = s.cfg.Now()
	return res, nil
}

// describe names the query's subject for error messages.
func describe(q market.Query) string {
	switch {
	case q.Symbol != "":
		return string(q.Symbol)
	case len(q.Symbols) > 0:
		return fmt.Sprint(q.Symbols)
	case q.Group != "":
		return q.Group
	case q.Code != "":
		return q.Code
	}
	return q.Text
}

// header returns the VCI headers of one request: Referer and Origin of the
// trading site, and the Device-Id header with its device_id cookie as the
// web client sends them.
func (s *Source) header() http.Header {
	h := make(http.Header, 4)
	h.Set("Referer", vciOrigin)
	h.Set("Origin", vciOrigin)
	h.Set("Device-Id", s.cfg.DeviceID)
	h.Set("Cookie", "device_id="+s.cfg.DeviceID)
	return h
}

// post sends a JSON body to the trading API path (after "/api/").
func (s *Source) post(ctx context.Context, capability, path string, body any) ([]byte, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	return s.cfg.Doer.Do(ctx, upstream.Request{Method: http.MethodPost, URL: s.cfg.TradingURL + "/api/" + path,
		Body: b, Header: s.header(), Capability: capability})
}

// getTrading sends a GET to the trading API path (after "/api/").
func (s *Source) getTrading(ctx context.Context, capability, path string, query url.Values) ([]byte, error) {
	return s.cfg.Doer.Do(ctx, upstream.Request{Method: http.MethodGet, URL: s.cfg.TradingURL + "/api/" + path,
		Query: query, Header: s.header(), Capability: capability})
}

// getIQ sends a GET to the iq API path (after the iq base), after the
// cookie handshake.
func (s *Source) getIQ(ctx context.Context, capability, path string, query url.Values) ([]byte, error) {
	s.handshake(ctx)
	return s.cfg.Doer.Do(ctx, upstream.Request{Method: http.MethodGet, URL: s.cfg.IQURL + path,
		Query: query, Header: s.header(), Capability: capability})
}

// handshake GETs the trading site's /priceboard page once per
// handshakeEvery so that the Doer's cookie jar holds the site's cookies
// before iq and GraphQL calls, as vnstock's Finance does. Its failure is not
// an error (vnstock only logs it); the call that follows reports any real
// problem.
func (s *Source) handshake(ctx context.Context) {
	now := s.cfg.Now()
	s.mu.Lock()
	if !s.handshakeAt.IsZero() && now.Sub(s.handshakeAt) < handshakeEvery {
		s.mu.Unlock()
		return
	}
	s.handshakeAt = now
	s.mu.Unlock()
	h := s.header()
	h.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	_, _ = s.cfg.Doer.Do(ctx, upstream.Request{Method: http.MethodGet, URL: s.cfg.TradingURL + "/priceboard",
		Header: h, Capability: "handshake"})
}

// unsupported returns an error wrapping market.ErrUnsupported.
func unsupported(format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, market.ErrUnsupported)...)
}
