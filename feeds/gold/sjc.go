package gold

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/vnstock-api/vnstock-api/feeds"
	"github.com/vnstock-api/vnstock-api/feeds/upstream"
	"github.com/vnstock-api/vnstock-api/market"
)

// sjcFirstDay is the first date SJC has prices for.
var sjcFirstDay = time.Date(2016, 1, 2, 0, 0, 0, 0, market.ICT)

// SJC answers market.CapGold from SJC's price service. Safe for concurrent
// use.
type SJC struct {
	cfg Config
}

// NewSJC returns the SJC source with cfg's zero fields set to the defaults.
func NewSJC(cfg Config) *SJC {
	return &SJC{cfg: cfg.withDefaults(NameSJC, DefaultSJCURL)}
}

var _ feeds.Source = (*SJC)(nil)

// Name implements feeds.Source.
func (s *SJC) Name() string { return NameSJC }

// Fetch implements feeds.Source: the prices of q.Date (today when zero) as
// a frame name, branch, buy_price, sell_price (VND per tael), date.
func (s *SJC) Fetch(ctx context.Context, q market.Query) (market.Result, error) {
	if err := checkQuery(q, NameSJC); err != nil {
		return market.Result{}, err
	}
	now := s.cfg.Now()
	day := q.Day(now)
	if day.Before(sjcFirstDay) || day.After(market.Date(now)) {
		return market.Result{}, market.Invalid("date", "SJC has prices from 2016-01-02 to today, not %s", day.Format(time.DateOnly))
	}
	form := url.Values{"method": {"GetSJCGoldPriceByDate"}, "toDate": {day.Format("02/01/2006")}}
	h := http.Header{}
	h.Set("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
	h.Set("Referer", "https://sjc.com.vn/bieu-do-gia-vang")
	h.Set("Origin", "https://sjc.com.vn")
	body, err := s.cfg.Doer.Do(ctx, upstream.Request{
		Method: http.MethodPost, URL: s.cfg.BaseURL + "/GoldPrice/Services/PriceService.ashx",
		Body: []byte(form.Encode()), Header: h, Capability: string(q.Capability),
	})
	if err != nil {
		return market.Result{}, fmt.Errorf("sjc gold %s: %w", day.Format(time.DateOnly), err)
	}
	frame, err := parseSJC(body, day)
	if err != nil {
		return market.Result{}, err
	}
	return market.Result{Source: NameSJC, PriceUnit: "vnd", Frame: frame, FetchedAt: now}, nil
}

type sjcResponse struct {
	Success *bool    `json:"success"`
	Data    []sjcRow `json:"data"`
}

type sjcRow struct {
	TypeName   string       `json:"TypeName"`
	BranchName string       `json:"BranchName"`
	BuyValue   *json.Number `json:"BuyValue"`
	SellValue  *json.Number `json:"SellValue"`
}

// parseSJC reads a PriceService answer for day.
func parseSJC(body []byte, day time.Time) (*market.Frame, error) {
	var resp sjcResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		return nil, &market.SchemaError{Source: NameSJC, Field: "body", Msg: err.Error()}
	}
	if resp.Success == nil {
		return nil, &market.SchemaError{Source: NameSJC, Field: "success", Msg: "missing"}
	}
	if !*resp.Success {
		return nil, fmt.Errorf("sjc: price service answered success=false: %w", market.ErrUpstream)
	}
	if len(resp.Data) == 0 {
		return nil, fmt.Errorf("sjc: no gold prices for %s: %w", day.Format(time.DateOnly), market.ErrNotFound)
	}
	f := market.NewFrame("name", "branch", "buy_price", "sell_price", "date")
	date := day.Format(time.DateOnly)
	for i, r := range resp.Data {
		field := func(name string) string { return fmt.Sprintf("data[%d].%s", i, name) }
		if r.TypeName == "" {
			return nil, &market.SchemaError{Source: NameSJC, Field: field("TypeName"), Msg: "missing"}
		}
		buy, err := sjcValue(r.BuyValue, field("BuyValue"))
		if err != nil {
			return nil, err
		}
		sell, err := sjcValue(r.SellValue, field("SellValue"))
		if err != nil {
			return nil, err
		}
		_ = f.Append(r.TypeName, r.BranchName, buy, sell, date)
	}
	return f, nil
}

func sjcValue(n *json.Number, field string) (int64, error) {
	if n == nil {
		return 0, &market.SchemaError{Source: NameSJC, Field: field, Msg: "missing"}
	}
	return parseVND(NameSJC, field, n.String())
}
