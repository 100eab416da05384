// Package fmarket reads Vietnamese open-end funds from FMarket
// (api.fmarket.vn, upstream.md §6): the fund list, a fund's NAV history and
// its top, industry and asset-class holdings. Funds are named by their
// short name (Query.Code, e.g. "SSISCA"); the numeric FMarket id is looked
// up once and cached.
package fmarket

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vnstock-api/vnstock-api/feeds"
	"github.com/vnstock-api/vnstock-api/feeds/upstream"
	"github.com/vnstock-api/vnstock-api/market"
)

// Name is the source name.
const Name = "fmarket"

// DefaultBaseURL is FMarket's API host.
const DefaultBaseURL = "https://api.fmarket.vn"

// maxPages bounds the fund-list paging (100 funds a page).
const maxPages = 10

// Config configures the source. Zero fields take the defaults.
type Config struct {
	BaseURL string           // default DefaultBaseURL; fakeupstream: server URL + "/fmarket"
	Doer    upstream.Doer    // default upstream.NewClient for "fmarket"
	Now     func() time.Time // default time.Now
}

// Source answers the fund capabilities from FMarket. Safe for concurrent
// use.
type Source struct {
	cfg Config

	mu  sync.Mutex
	ids map[string]int64 // short name → FMarket id
}

var _ feeds.Source = (*Source)(nil)

// New returns the source with cfg's zero fields set to the defaults.
func New(cfg Config) *Source {
	cfg.BaseURL = upstream.BaseURL(cfg.BaseURL, DefaultBaseURL)
	cfg.Doer = upstream.DoerOr(cfg.Doer, Name)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Source{cfg: cfg, ids: map[string]int64{}}
}

// Name returns "fmarket".
func (s *Source) Name() string { return Name }

// Fetch answers CapFunds (Query.Type "", "stock", "bond" or "balanced"),
// CapFundNAV (Code; Start/End trim the history), CapFundTopHoldings,
// CapFundIndustry and CapFundAssets (Code), with vnstock's columns.
func (s *Source) Fetch(ctx context.Context, q market.Query) (market.Result, error) {
	var f *market.Frame
	var err error
	switch q.Capability {
	case market.CapFunds:
		f, err = s.funds(ctx, q)
	case market.CapFundNAV:
		f, err = s.nav(ctx, q)
	case market.CapFundTopHoldings, market.CapFundIndustry, market.CapFundAssets:
		f, err = s.holdings(ctx, q)
	default:
		return market.Result{}, fmt.Errorf("fmarket: %s: %w", q.Capability, market.ErrUnsupported)
	}
	if err != nil {
		return market.Result{}, err
	}
	return market.Result{Source: Name, PriceUnit: "vnd", Frame: f, FetchedAt: s.cfg.Now()}, nil
}

// filterBody is the products/filter request; FMarket answers 400 when
// fields are missing, so every field vnstock sends is sent.
type filterBody struct {
	Types             []string `json:"types"`
	IssuerIDs         []int    `json:"issuerIds"`
	SortOrder         string   `json:"sortOrder"`
	SortField         string   `json:"sortField"`
	Page              int      `json:"page"`
	PageSize          int      `json:"pageSize"`
	IsIPO             bool     `json:"isIpo"`
	FundAssetTypes    []string `json:"fundAssetTypes"`
	BondRemainPeriods []string `json:"bondRemainPeriods"`
	SearchField       string   `json:"searchField"`
	IsBuyByReward     bool     `json:"isBuyByReward"`
	ThirdAppIDs       []string `json:"thirdAppIds"`
}

// filter fetches every page of products/filter.
func (s *Source) filter(ctx context.Context, assetTypes []string, search string, capability market.Capability) ([]fundRow, error) {
	var all []fundRow
	for page := 1; page <= maxPages; page++ {
		body, _ := json.Marshal(filterBody{ // cannot fail: plain fields
			Types: []string{"NEW_FUND", "TRADING_FUND"}, IssuerIDs: []int{}, SortOrder: "DESC",
			SortField: "navTo6Months", Page: page, PageSize: 100, FundAssetTypes: assetTypes,
			BondRemainPeriods: []string{}, SearchField: search, ThirdAppIDs: []string{},
		})
		raw, err := s.do(ctx, http.MethodPost, "/res/products/filter", body, capability)
		if err != nil {
			return nil, fmt.Errorf("fmarket funds: %w", err)
		}
		rows, total, err := parseFunds(raw)
		if err != nil {
			return nil, err
		}
		all = append(all, rows...)
		if len(rows) == 0 || len(all) >= total {
			break
		}
	}
	s.mu.Lock()
	for _, r := range all {
		s.ids[strings.ToUpper(r.ShortName)] = r.ID
	}
	s.mu.Unlock()
	return all, nil
}

func (s *Source) funds(ctx context.Context, q market.Query) (*market.Frame, error) {
	types := []string{}
	switch t := strings.ToUpper(q.Type); t {
	case "":
	case "STOCK", "BOND", "BALANCED":
		types = []string{t}
	default:
		return nil, market.Invalid("type", "%q is not stock, bond or balanced", q.Type)
	}
	rows, err := s.filter(ctx, types, "", q.Capability)
	if err != nil {
		return nil, err
	}
	return fundsFrame(rows), nil
}

// fundID returns the FMarket id and short name of q's fund.
func (s *Source) fundID(ctx context.Context, q market.Query) (int64, string, error) {
	code := strings.ToUpper(strings.TrimSpace(q.Code))
	if code == "" {
		code = string(q.Symbol)
	}
	if code == "" {
		return 0, "", market.Invalid("code", "a fund short name is required")
	}
	s.mu.Lock()
	id, ok := s.ids[code]
	s.mu.Unlock()
	if ok {
		return id, code, nil
	}
	if _, err := s.filter(ctx, []string{}, code, q.Capability); err != nil {
		return 0, "", err
	}
	s.mu.Lock()
	id, ok = s.ids[code]
	s.mu.Unlock()
	if !ok {
		return 0, "", fmt.Errorf("fmarket: fund %q: %w", code, market.ErrNotFound)
	}
	return id, code, nil
}

func (s *Source) holdings(ctx context.Context, q market.Query) (*market.Frame, error) {
	id, code, err := s.fundID(ctx, q)
	if err != nil {
		return nil, err
	}
	raw, err := s.do(ctx, http.MethodGet, "/res/products/"+strconv.FormatInt(id, 10), nil, q.Capability)
	if err != nil {
		return nil, fmt.Errorf("fmarket fund %s: %w", code, err)
	}
	return parseHoldings(raw, q.Capability, id, code)
}

func (s *Source) nav(ctx context.Context, q market.Query) (*market.Frame, error) {
	id, code, err := s.fundID(ctx, q)
	if err != nil {
		return nil, err
	}
	body, _ := json.Marshal(map[string]any{ // cannot fail: plain values
		"isAllData": 1, "productId": id, "fromDate": nil, "toDate": market.Date(s.cfg.Now()).Format("20060102"),
	})
	raw, err := s.do(ctx, http.MethodPost, "/res/product/get-nav-history", body, q.Capability)
	if err != nil {
		return nil, fmt.Errorf("fmarket nav %s: %w", code, err)
	}
	return parseNAV(raw, code, q.Start, q.End)
}

func (s *Source) do(ctx context.Context, method, path string, body []byte, c market.Capability) ([]byte, error) {
	h := http.Header{}
	h.Set("Referer", "https://fmarket.vn/")
	h.Set("Origin", "https://fmarket.vn/")
	return s.cfg.Doer.Do(ctx, upstream.Request{
		Method: method, URL: s.cfg.BaseURL + path, Body: body, Header: h, Capability: string(c),
	})
}
