package fakeupstream

import (
	"encoding/json"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// mountFMarket serves FMarket's products/filter, products/{id} and
// product/get-nav-history under "/fmarket".
//
// No recording exists. The answers follow the shapes of upstream.md §6
// (filter: {data:{total, rows:[{id, code, shortName, name, vsdFeeId,
// managementFee, firstIssueAt ms, nav, dataFundAssetType{name}, owner{name},
// productNavChange{navTo… , updateAt}}]}}; detail: {data:{
// productTopHoldingList, productTopHoldingBondList,
// productIndustriesHoldingList, productAssetHoldingList}}; NAV:
// {data:[{navDate, nav}]}). The funds are real fund names with made-up ids
// and figures; NAVs are computed from the date.
func (s *Server) mountFMarket(mux *http.ServeMux) {
	mux.HandleFunc("POST /fmarket/res/products/filter", serveFMarketFilter)
	mux.HandleFunc("GET /fmarket/res/products/{id}", serveFMarketDetail)
	mux.HandleFunc("POST /fmarket/res/product/get-nav-history", serveFMarketNAV)
}

type fakeFund struct {
	id                     int64
	short, name, kind      string
	owner                  string
	fee                    float64
	inception              time.Time
	startNAV, yearlyGrowth float64
}

var fakeFunds = [...]fakeFund{
	{11, "SSISCA", "QUỸ ĐẦU TƯ LỢI THẾ CẠNH TRANH BỀN VỮNG SSI", "STOCK", "CÔNG TY TNHH QUẢN LÝ QUỸ SSI", 1.75,
		time.Date(2014, 9, 15, 0, 0, 0, 0, market.ICT), 10_000, 0.12},
	{20, "TCBF", "QUỸ ĐẦU TƯ TRÁI PHIẾU TECHCOM", "BOND", "CÔNG TY CỔ PHẦN QUẢN LÝ QUỸ KỸ THƯƠNG", 0.9,
		time.Date(2015, 6, 1, 0, 0, 0, 0, market.ICT), 10_000, 0.065},
	{23, "VESAF", "QUỸ ĐẦU TƯ CỔ PHIẾU TIẾP CẬN THỊ TRƯỜNG VINACAPITAL", "STOCK", "CÔNG TY CỔ PHẦN QUẢN LÝ QUỸ VINACAPITAL", 1.75,
		time.Date(2017, 4, 18, 0, 0, 0, 0, market.ICT), 10_000, 0.15},
	{28, "DCDS", "QUỸ ĐẦU TƯ CHỨNG KHOÁN NĂNG ĐỘNG DC", "STOCK", "CÔNG TY CỔ PHẦN QUẢN LÝ QUỸ ĐẦU TƯ DRAGON CAPITAL VIỆT NAM", 1.95,
		time.Date(2004, 5, 20, 0, 0, 0, 0, market.ICT), 10_000, 0.11},
	{35, "VIBF", "QUỸ ĐẦU TƯ CÂN BẰNG TUỆ SÁNG VINACAPITAL", "BALANCED", "CÔNG TY CỔ PHẦN QUẢN LÝ QUỸ VINACAPITAL", 1.5,
		time.Date(2019, 7, 1, 0, 0, 0, 0, market.ICT), 10_000, 0.09},
}

// nav is the fund's NAV per unit on day: compound growth plus a wave.
func (f *fakeFund) nav(day time.Time) float64 {
	years := day.Sub(f.inception).Hours() / 24 / 365
	v := f.startNAV * math.Exp(f.yearlyGrowth*years) * (1 + 0.04*math.Sin(years*5+float64(f.id)))
	return math.Round(v*100) / 100
}

func serveFMarketFilter(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Types          []string `json:"types"`
		FundAssetTypes []string `json:"fundAssetTypes"`
		SearchField    string   `json:"searchField"`
		Page           int      `json:"page"`
		PageSize       int      `json:"pageSize"`
	}
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if json.Unmarshal(raw, &body) != nil || body.Types == nil {
		http.Error(w, `{"status":400,"message":"Bad Request"}`, http.StatusBadRequest)
		return
	}
	today := time.Now().In(market.ICT)
	var rows []map[string]any
	for i := range fakeFunds {
		f := &fakeFunds[i]
		if len(body.FundAssetTypes) > 0 && !slices.Contains(body.FundAssetTypes, f.kind) {
			continue
		}
		if !strings.Contains(f.short, strings.ToUpper(body.SearchField)) {
			continue
		}
		rows = append(rows, fmarketRow(f, today))
	}
	total := len(rows)
	size := max(body.PageSize, 1)
	from := min(max(body.Page-1, 0)*size, total)
	replyJSON(w, map[string]any{"status": 200, "code": 200, "message": "Success",
		"data": map[string]any{"total": total, "page": body.Page, "pageSize": size, "rows": rows[from:min(from+size, total)]}})
}

func fmarketRow(f *fakeFund, today time.Time) map[string]any {
	nav := f.nav(today)
	change := func(days int) float64 {
		old := f.nav(today.AddDate(0, 0, -days))
		return math.Round((nav/old-1)*10_000) / 100
	}
	return map[string]any{
		"id": f.id, "code": f.short + "N001", "shortName": f.short, "name": f.name, "vsdFeeId": f.short + "N001",
		"managementFee": f.fee, "firstIssueAt": f.inception.UnixMilli(), "nav": nav,
		"dataFundAssetType": map[string]any{"name": map[string]string{"STOCK": "Quỹ cổ phiếu", "BOND": "Quỹ trái phiếu", "BALANCED": "Quỹ cân bằng"}[f.kind]},
		"owner":             map[string]any{"name": f.owner},
		"productNavChange": map[string]any{
			"navToPrevious": change(1), "navToLastYear": change(today.YearDay()), "navToBeginning": math.Round((nav/f.startNAV-1)*10_000) / 100,
			"navTo1Months": change(30), "navTo3Months": change(91), "navTo6Months": change(182), "navTo12Months": change(365),
			"navTo24Months": change(730), "navTo36Months": change(1095), "annualizedReturn36Months": math.Round((math.Pow(nav/f.nav(today.AddDate(-3, 0, 0)), 1.0/3)-1)*10_000) / 100,
			"updateAt": today.Truncate(24 * time.Hour).UnixMilli(),
		},
	}
}

func findFakeFund(id int64) *fakeFund {
	for i := range fakeFunds {
		if fakeFunds[i].id == id {
			return &fakeFunds[i]
		}
	}
	return nil
}

func serveFMarketDetail(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	f := findFakeFund(id)
	if f == nil {
		http.Error(w, `{"status":400,"message":"Product not found"}`, http.StatusBadRequest)
		return
	}
	upd := time.Date(2025, 1, 2, 0, 0, 0, 0, market.ICT).UnixMilli()
	stock := func(code, industry string, pct float64) map[string]any {
		return map[string]any{"stockCode": code, "industry": industry, "netAssetPercent": pct, "type": "STOCK", "updateAt": upd}
	}
	data := map[string]any{"productTopHoldingList": []any{}, "productTopHoldingBondList": []any{}}
	if f.kind != "BOND" {
		data["productTopHoldingList"] = []any{stock("FPT", "Công nghệ", 8.5), stock("MWG", "Bán lẻ", 7.2),
			stock("TCB", "Ngân hàng", 6.9), stock("HPG", "Nguyên vật liệu", 5.4), stock("VNM", "Hàng tiêu dùng", 4.1)}
	}
	if f.kind != "STOCK" {
		data["productTopHoldingBondList"] = []any{map[string]any{"stockCode": "VHM12101", "industry": "Bất động sản",
			"netAssetPercent": 9.8, "type": "BOND", "updateAt": upd}}
	}
	data["productIndustriesHoldingList"] = []any{
		map[string]any{"industry": "Ngân hàng", "assetPercent": 24.3}, map[string]any{"industry": "Công nghệ", "assetPercent": 12.1},
		map[string]any{"industry": "Bán lẻ", "assetPercent": 9.6}}
	data["productAssetHoldingList"] = []any{
		map[string]any{"assetPercent": 88.2, "assetType": map[string]any{"name": "Cổ phiếu"}},
		map[string]any{"assetPercent": 11.8, "assetType": map[string]any{"name": "Tiền và tương đương tiền"}}}
	replyJSON(w, map[string]any{"status": 200, "code": 200, "message": "Success", "data": data})
}

func serveFMarketNAV(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ProductID int64  `json:"productId"`
		ToDate    string `json:"toDate"`
	}
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	err := json.Unmarshal(raw, &body)
	to, perr := time.ParseInLocation("20060102", body.ToDate, market.ICT)
	if err != nil || perr != nil {
		http.Error(w, `{"status":400,"message":"Bad Request"}`, http.StatusBadRequest)
		return
	}
	points := []map[string]any{}
	if f := findFakeFund(body.ProductID); f != nil {
		// Weekly NAVs over the last three years keep the answer small.
		start := to.AddDate(-3, 0, 0)
		if f.inception.After(start) {
			start = f.inception
		}
		for d := start; !d.After(to); d = d.AddDate(0, 0, 7) {
			points = append(points, map[string]any{"navDate": d.Format(time.DateOnly), "nav": f.nav(d)})
		}
	}
	replyJSON(w, map[string]any{"status": 200, "code": 200, "message": "Success", "data": points})
}
