package feeds

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// simSectors are the sectors a simulated company is drawn from.
var simSectors = [...]string{
	"Banks", "Financial Services", "Real Estate", "Food & Beverage", "Technology",
	"Basic Resources", "Oil & Gas", "Utilities", "Retail", "Industrial Goods & Services",
}

// company answers CapCompany with vnstock's company-info columns
// (Reference().company(sym).info()): one synthetic row, plainly labelled as
// simulated.
func (h *SimHistory) company(sym market.Symbol) (*market.Frame, error) {
	in, err := h.lookup(sym, market.AssetEquity)
	if err != nil {
		return nil, err
	}
	draw := func(stream uint64) uint64 { return simHash4(h.seed, in.key, 0, stream) }
	listed := time.Date(2000+int(draw(1)%20), time.Month(1+draw(2)%12), 1+int(draw(3)%28), 0, 0, 0, 0, market.ICT)
	sector := simSectors[draw(4)%uint64(len(simSectors))]
	f := market.NewFrame("symbol", "name", "sector", "profile", "listing_date", "issued_share")
	err = f.Append(string(sym),
		"Công ty Cổ phần "+string(sym)+" (mô phỏng)",
		sector,
		fmt.Sprintf("Simulated company %s listed on %s (%s). The vnstock-api sim feed generates this record; it is not real data.", sym, in.ex, sector),
		listed,
		float64(in.shares))
	return f, err
}

// simRatioItem is one row of the ratios table.
type simRatioItem struct{ id, vi, en string }

var simRatioItems = [...]simRatioItem{
	{"trailing_eps", "Thu nhập trên mỗi cổ phần của 4 quý gần nhất (EPS)", "Trailing EPS (VND)"},
	{"book_value_per_share_bvps", "Giá trị sổ sách của cổ phiếu (BVPS)", "Book value per share (BVPS, VND)"},
	{"p_e", "Chỉ số giá thị trường trên thu nhập (P/E)", "Price to earnings (P/E)"},
	{"p_b", "Chỉ số giá thị trường trên giá trị sổ sách (P/B)", "Price to book (P/B)"},
	{"roe", "Tỷ suất lợi nhuận trên vốn chủ sở hữu (ROE, %)", "Return on equity (ROE, %)"},
	{"roa", "Tỷ suất sinh lợi trên tổng tài sản (ROA, %)", "Return on assets (ROA, %)"},
	{"market_capital", "Vốn hóa thị trường (VND)", "Market capitalisation (VND)"},
}

// ratios answers CapRatios with vnstock's wide layout (item, item_id, then
// one column per period, newest first): four synthetic periods whose
// ratios agree with each other and with the price history.
func (h *SimHistory) ratios(q market.Query) (*market.Frame, error) {
	in, err := h.lookup(q.Symbol, market.AssetEquity)
	if err != nil {
		return nil, err
	}
	periods, err := simPeriods(q.Period, h.now())
	if err != nil {
		return nil, err
	}
	english := false
	switch q.Lang {
	case "", "vi":
	case "en":
		english = true
	default:
		return nil, market.Invalid("lang", "%q is not vi or en", q.Lang)
	}
	f := market.NewFrame(append([]string{"item", "item_id"}, periods...)...)
	rows := make([][]any, len(simRatioItems))
	for i, it := range simRatioItems {
		label := it.vi
		if english {
			label = it.en
		}
		rows[i] = append(make([]any, 0, 2+len(periods)), label, it.id)
	}
	for k, p := range periods {
		u := func(stream uint64) float64 {
			return simUnit(simHash4(h.seed, in.key, simHashString(p), stream))
		}
		price := in.anchor * (1 - 0.04*float64(k)) * (0.95 + 0.1*u(1))
		pe, pb := 8+17*u(2), 0.8+3*u(3)
		roe := pb / pe * 100
		vals := []float64{
			math.Round(price / pe), math.Round(price / pb), simRound2(pe), simRound2(pb),
			simRound2(roe), simRound2(roe * (0.1 + 0.4*u(4))), math.Round(price * float64(in.shares)),
		}
		for i, v := range vals {
			rows[i] = append(rows[i], v)
		}
	}
	for _, r := range rows {
		if err := f.Append(r...); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// simPeriods names the four reporting periods before now, newest first:
// "2025", "2024", ... for years (the default) or "2026-Q1", "2025-Q4", ...
// for quarters, as vnstock labels its columns.
func simPeriods(period string, now time.Time) ([]string, error) {
	now = now.In(market.ICT)
	out := make([]string, 4)
	switch period {
	case "", "year":
		for i := range out {
			out[i] = strconv.Itoa(now.Year() - 1 - i)
		}
	case "quarter":
		q := (int(now.Month())-1)/3 + now.Year()*4 - 1 // the last complete quarter
		for i := range out {
			out[i] = fmt.Sprintf("%d-Q%d", (q-i)/4, (q-i)%4+1)
		}
	default:
		return nil, market.Invalid("period", "%q is not year or quarter", period)
	}
	return out, nil
}
