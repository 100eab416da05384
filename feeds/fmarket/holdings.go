package fmarket

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

type holding struct {
	StockCode       text `json:"stockCode"`
	Industry        text `json:"industry"`
	NetAssetPercent num  `json:"netAssetPercent"`
	Type            text `json:"type"`
	UpdateAt        num  `json:"updateAt"`
}

type detail struct {
	Data *struct {
		Top      []holding `json:"productTopHoldingList"`
		TopBonds []holding `json:"productTopHoldingBondList"`
		Industry []struct {
			Industry     text `json:"industry"`
			AssetPercent num  `json:"assetPercent"`
		} `json:"productIndustriesHoldingList"`
		Assets []struct {
			AssetPercent num    `json:"assetPercent"`
			AssetType    *named `json:"assetType"`
		} `json:"productAssetHoldingList"`
	} `json:"data"`
}

// parseHoldings reads products/{id} for one of the three holding
// capabilities. Columns follow vnstock, which adds short_name; its
// "fundId" column is written fund_id here.
func parseHoldings(body []byte, c market.Capability, id int64, code string) (*market.Frame, error) {
	var d detail
	if err := json.Unmarshal(body, &d); err != nil {
		return nil, schemaErr("body", err.Error())
	}
	if d.Data == nil {
		return nil, schemaErr("data", "missing")
	}
	var f *market.Frame
	switch c {
	case market.CapFundTopHoldings:
		f = market.NewFrame("stock_code", "industry", "net_asset_percent", "type_asset", "update_at", "fund_id", "short_name")
		for i, h := range append(d.Data.Top, d.Data.TopBonds...) {
			if h.StockCode == "" {
				return nil, schemaErr(fmt.Sprintf("data.productTopHoldingList[%d].stockCode", i), "missing")
			}
			_ = f.Append(string(h.StockCode), h.Industry.value(), h.NetAssetPercent.value(), h.Type.value(),
				h.UpdateAt.date(), id, code)
		}
	case market.CapFundIndustry:
		f = market.NewFrame("industry", "net_asset_percent", "short_name")
		for _, h := range d.Data.Industry {
			_ = f.Append(h.Industry.value(), h.AssetPercent.value(), code)
		}
	case market.CapFundAssets:
		f = market.NewFrame("asset_percent", "asset_type", "short_name")
		for _, h := range d.Data.Assets {
			_ = f.Append(h.AssetPercent.value(), h.AssetType.value(), code)
		}
	default:
		return nil, fmt.Errorf("fmarket: %s: %w", c, market.ErrUnsupported)
	}
	return f, nil
}

// parseNAV reads get-nav-history: date, nav_per_unit, short_name, oldest
// first, trimmed to [start, end] when they are set.
func parseNAV(body []byte, code string, start, end time.Time) (*market.Frame, error) {
	var resp struct {
		Data *[]struct {
			NavDate string `json:"navDate"`
			Nav     num    `json:"nav"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		return nil, schemaErr("body", err.Error())
	}
	if resp.Data == nil {
		return nil, schemaErr("data", "missing")
	}
	from, to := dayString(start), dayString(end)
	f := market.NewFrame("date", "nav_per_unit", "short_name")
	for i, p := range *resp.Data {
		day := p.NavDate
		if len(day) > 10 && day[10] == 'T' {
			day = day[:10] // tolerate a time part
		}
		if _, err := time.Parse(time.DateOnly, day); err != nil {
			return nil, schemaErr(fmt.Sprintf("data[%d].navDate", i), fmt.Sprintf("not a YYYY-MM-DD date: %.40q", p.NavDate))
		}
		if !p.Nav.ok || p.Nav.v <= 0 {
			return nil, schemaErr(fmt.Sprintf("data[%d].nav", i), "missing or not positive")
		}
		if (from != "" && day < from) || (to != "" && day > to) {
			continue
		}
		_ = f.Append(day, p.Nav.v, code)
	}
	// The order FMarket sends is not documented: sort, oldest first.
	slices.SortStableFunc(f.Rows, func(a, b []any) int { return strings.Compare(a[0].(string), b[0].(string)) })
	if f.Len() == 0 {
		return nil, fmt.Errorf("fmarket: no NAV for %s in the range: %w", code, market.ErrNotFound)
	}
	return f, nil
}

func dayString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return market.Date(t).Format(time.DateOnly)
}
