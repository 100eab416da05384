package gold

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/vnstock-api/vnstock-api/feeds"
	"github.com/vnstock-api/vnstock-api/feeds/upstream"
	"github.com/vnstock-api/vnstock-api/market"
)

// BTMC answers market.CapGold with Bảo Tín Minh Châu's current prices.
// Safe for concurrent use.
type BTMC struct {
	cfg Config
}

// NewBTMC returns the BTMC source with cfg's zero fields set to the defaults.
func NewBTMC(cfg Config) *BTMC {
	return &BTMC{cfg: cfg.withDefaults(NameBTMC, DefaultBTMCURL)}
}

var _ feeds.Source = (*BTMC)(nil)

// Name implements feeds.Source.
func (s *BTMC) Name() string { return NameBTMC }

// Fetch implements feeds.Source: today's prices as a frame name, karat,
// gold_content, buy_price, sell_price, world_price (VND), time; highest
// sell price first. BTMC has no history: a q.Date other than today is
// ErrUnsupported.
func (s *BTMC) Fetch(ctx context.Context, q market.Query) (market.Result, error) {
	if err := checkQuery(q, NameBTMC); err != nil {
		return market.Result{}, err
	}
	now := s.cfg.Now()
	if day := q.Day(now); !day.Equal(market.Date(now)) {
		return market.Result{}, fmt.Errorf("btmc: only today's prices, not %s: %w", day.Format(time.DateOnly), market.ErrUnsupported)
	}
	body, err := s.cfg.Doer.Do(ctx, upstream.Request{
		URL: s.cfg.BaseURL + "/api/BTMCAPI/getpricebtmc", Query: url.Values{"key": {s.cfg.Key}},
		Capability: string(q.Capability),
	})
	if err != nil {
		return market.Result{}, fmt.Errorf("btmc gold: %w", err)
	}
	frame, err := parseBTMC(body)
	if err != nil {
		return market.Result{}, err
	}
	return market.Result{Source: NameBTMC, PriceUnit: "vnd", Frame: frame, FetchedAt: now}, nil
}

type btmcResponse struct {
	DataList *struct {
		Data []map[string]json.RawMessage `json:"Data"`
	} `json:"DataList"`
}

// btmcRow is one parsed row, kept for sorting.
type btmcRow struct {
	name, karat, content string
	buy, sell, world     int64
	at                   time.Time
}

// parseBTMC reads a getpricebtmc answer, whose keys carry the row number
// ("@n_3" is row 3's name).
func parseBTMC(body []byte) (*market.Frame, error) {
	var resp btmcResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		return nil, &market.SchemaError{Source: NameBTMC, Field: "body", Msg: err.Error()}
	}
	if resp.DataList == nil {
		return nil, &market.SchemaError{Source: NameBTMC, Field: "DataList", Msg: "missing"}
	}
	if len(resp.DataList.Data) == 0 {
		return nil, fmt.Errorf("btmc: no gold prices: %w", market.ErrNotFound)
	}
	rows := make([]btmcRow, 0, len(resp.DataList.Data))
	for i, item := range resp.DataList.Data {
		r, err := parseBTMCRow(i, item)
		if err != nil {
			return nil, err
		}
		rows = append(rows, r)
	}
	slices.SortStableFunc(rows, func(a, b btmcRow) int { return cmp.Compare(b.sell, a.sell) })
	f := market.NewFrame("name", "karat", "gold_content", "buy_price", "sell_price", "world_price", "time")
	for _, r := range rows {
		_ = f.Append(r.name, r.karat, r.content, r.buy, r.sell, r.world, r.at)
	}
	return f, nil
}

func parseBTMCRow(i int, item map[string]json.RawMessage) (btmcRow, error) {
	var r btmcRow
	str := func(key string, required bool) (string, error) {
		field := fmt.Sprintf("Data[%d].%s", i, key)
		raw, ok := item[key]
		if !ok {
			if required {
				return "", &market.SchemaError{Source: NameBTMC, Field: field, Msg: "missing"}
			}
			return "", nil
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", &market.SchemaError{Source: NameBTMC, Field: field, Msg: "not a string"}
		}
		return strings.TrimSpace(s), nil
	}
	row, err := str("@row", true)
	if err != nil {
		return r, err
	}
	if row == "" || strings.ContainsFunc(row, func(c rune) bool { return c < '0' || c > '9' }) {
		return r, &market.SchemaError{Source: NameBTMC, Field: fmt.Sprintf("Data[%d].@row", i), Msg: "not a row number"}
	}
	var texts [3]string
	for j, k := range []string{"n", "k", "h"} {
		if texts[j], err = str("@"+k+"_"+row, k == "n"); err != nil {
			return r, err
		}
	}
	r.name, r.karat, r.content = texts[0], texts[1], texts[2]
	prices := [3]*int64{&r.buy, &r.sell, &r.world}
	for j, k := range []string{"pb", "ps", "pt"} {
		key := "@" + k + "_" + row
		s, err := str(key, k != "pt")
		if err != nil {
			return r, err
		}
		if s == "" && k == "pt" {
			continue
		}
		if *prices[j], err = parseVND(NameBTMC, fmt.Sprintf("Data[%d].%s", i, key), s); err != nil {
			return r, err
		}
	}
	d, err := str("@d_"+row, true)
	if err != nil {
		return r, err
	}
	if r.at, err = parseBTMCTime(d); err != nil {
		return r, &market.SchemaError{Source: NameBTMC, Field: fmt.Sprintf("Data[%d].@d_%s", i, row), Msg: err.Error()}
	}
	return r, nil
}

// btmcLayouts are the time formats accepted for "@d_n" (inferred: the
// catalogue does not show a value), read in ICT.
var btmcLayouts = [...]string{"02/01/2006 15:04", "02/01/2006 15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04:05"}

func parseBTMCTime(s string) (time.Time, error) {
	for _, l := range btmcLayouts {
		if t, err := time.ParseInLocation(l, s, market.ICT); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a dd/mm/yyyy hh:mm time: %q", truncate(s))
}
