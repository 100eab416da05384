package fmarket

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// num is an optional number that FMarket may send as a number, a numeric
// string or null. Anything else fails to decode.
type num struct {
	v  float64
	ok bool
}

func (n *num) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*n = num{}
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s == "" {
			*n = num{}
			return nil
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("not a number: %.40s", b)
	}
	*n = num{v: f, ok: true}
	return nil
}

// value is the cell: float64, or nil when absent.
func (n num) value() any {
	if !n.ok {
		return nil
	}
	return n.v
}

// date is the cell of an epoch-ms timestamp: its ICT day "YYYY-MM-DD", or
// nil when absent or before 1970 (vnstock drops those too; it renders the
// day in UTC, which moves VN-midnight stamps a day back, so this differs
// from vnstock by design).
func (n num) date() any {
	if !n.ok || n.v < 0 || n.v > 1e14 {
		return nil
	}
	return time.UnixMilli(int64(n.v)).In(market.ICT).Format(time.DateOnly)
}

// named is an object with a name ({"name": ...}), or null.
type named struct {
	Name string `json:"name"`
}

func (n *named) value() any {
	if n == nil || n.Name == "" {
		return nil
	}
	return n.Name
}

// text is an optional string that may come as a number or null.
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*t = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = text(s)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("not a string or number: %.40s", b)
		}
		*t = text(n.String())
	}
	return nil
}

func (t text) value() any {
	if t == "" {
		return nil
	}
	return string(t)
}

type navChange struct {
	NavToPrevious, NavToLastYear, NavToBeginning                                          num
	NavTo1Months, NavTo3Months, NavTo6Months, NavTo12Months, NavTo24Months, NavTo36Months num
	AnnualizedReturn36Months                                                              num
	UpdateAt                                                                              num
}

// fundRow is one fund of products/filter.
type fundRow struct {
	ID                int64      `json:"-"`
	RawID             *num       `json:"id"`
	Code              text       `json:"code"`
	ShortName         string     `json:"shortName"`
	Name              text       `json:"name"`
	VsdFeeID          text       `json:"vsdFeeId"`
	ManagementFee     num        `json:"managementFee"`
	FirstIssueAt      num        `json:"firstIssueAt"`
	Nav               num        `json:"nav"`
	DataFundAssetType *named     `json:"dataFundAssetType"`
	Owner             *named     `json:"owner"`
	ProductNavChange  *navChange `json:"productNavChange"`
}

func schemaErr(field, msg string) error {
	return &market.SchemaError{Source: Name, Field: field, Msg: msg}
}

// parseFunds reads one products/filter page: its rows and the total.
func parseFunds(body []byte) ([]fundRow, int, error) {
	var resp struct {
		Data *struct {
			Total *int      `json:"total"`
			Rows  []fundRow `json:"rows"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		return nil, 0, schemaErr("body", err.Error())
	}
	if resp.Data == nil || resp.Data.Total == nil {
		return nil, 0, schemaErr("data.total", "missing")
	}
	for i := range resp.Data.Rows {
		r := &resp.Data.Rows[i]
		if r.RawID == nil || !r.RawID.ok || r.RawID.v != math.Trunc(r.RawID.v) || r.RawID.v <= 0 || r.RawID.v > 1e15 {
			return nil, 0, schemaErr(fmt.Sprintf("data.rows[%d].id", i), "missing or not a positive integer")
		}
		if strings.TrimSpace(r.ShortName) == "" {
			return nil, 0, schemaErr(fmt.Sprintf("data.rows[%d].shortName", i), "missing")
		}
		r.ID = int64(r.RawID.v)
	}
	return resp.Data.Rows, *resp.Data.Total, nil
}

// fundColumns are vnstock's listing columns.
var fundColumns = []string{"short_name", "name", "fund_type", "fund_owner_name", "management_fee",
	"inception_date", "nav", "nav_change_previous", "nav_change_last_year", "nav_change_inception",
	"nav_change_1m", "nav_change_3m", "nav_change_6m", "nav_change_12m", "nav_change_24m",
	"nav_change_36m", "nav_change_36m_annualized", "nav_update_at", "fund_id_fmarket", "fund_code", "vsd_fee_id"}

// fundsFrame lays the funds out as vnstock does: highest 36-month NAV
// change first, funds without one last.
func fundsFrame(rows []fundRow) *market.Frame {
	rows = slices.Clone(rows)
	change36 := func(r fundRow) num {
		if r.ProductNavChange == nil {
			return num{}
		}
		return r.ProductNavChange.NavTo36Months
	}
	slices.SortStableFunc(rows, func(a, b fundRow) int {
		x, y := change36(a), change36(b)
		if x.ok != y.ok {
			if x.ok {
				return -1
			}
			return 1
		}
		return cmp.Compare(y.v, x.v)
	})
	f := market.NewFrame(fundColumns...)
	for _, r := range rows {
		c := r.ProductNavChange
		if c == nil {
			c = &navChange{}
		}
		_ = f.Append(r.ShortName, r.Name.value(), r.DataFundAssetType.value(), r.Owner.value(),
			r.ManagementFee.value(), r.FirstIssueAt.date(), r.Nav.value(),
			c.NavToPrevious.value(), c.NavToLastYear.value(), c.NavToBeginning.value(),
			c.NavTo1Months.value(), c.NavTo3Months.value(), c.NavTo6Months.value(), c.NavTo12Months.value(),
			c.NavTo24Months.value(), c.NavTo36Months.value(), c.AnnualizedReturn36Months.value(),
			c.UpdateAt.date(), r.ID, r.Code.value(), r.VsdFeeID.value())
	}
	return f
}
