package fakeupstream

import (
	"math"
	"net/http"
	"sort"
	"strconv"
	"time"
)

// mountVCIIQ serves iq.vietcap.com.vn/api/iq-insight-service under
// "/vciiq" (configure vci.Config.IQURL = URL + "/vciiq"). No iq answer was
// ever recorded, so every payload is built from the catalogue in the
// shapes upstream.md §3.6-3.7 and vnstock's parsers describe, wrapped in
// {"data": ...} like the real service.
func (s *Server) mountVCIIQ(mux *http.ServeMux) {
	mux.HandleFunc("GET /vciiq/v2/company/search-bar", vciSearchBar)
	mux.HandleFunc("GET /vciiq/v1/sectors/icb-codes", vciICBCodes)
	mux.HandleFunc("GET /vciiq/v1/company/details", vciDetails)
	mux.HandleFunc("GET /vciiq/v1/company/{sym}/shareholder", vciShareholder)
	mux.HandleFunc("GET /vciiq/v1/company/{sym}/shareholder-structure", vciShareholderStructure)
	mux.HandleFunc("GET /vciiq/v1/company/{sym}/relationship", vciRelationship)
	mux.HandleFunc("GET /vciiq/v1/company/{sym}/financial-statement", vciStatement)
	mux.HandleFunc("GET /vciiq/v1/company/{sym}/financial-statement/metrics", vciMetrics)
	mux.HandleFunc("GET /vciiq/v1/company/{sym}/statistics-financial", vciStatistics)
	mux.HandleFunc("GET /vciiq/v1/events", vciEvents)
	mux.HandleFunc("GET /vciiq/v1/news", vciNews)
}

// vciData writes {"data": v, "status": 200, ...} as the iq service does.
func vciData(w http.ResponseWriter, v any) {
	vciWriteJSON(w, map[string]any{"status": 200, "successful": true, "msg": "success", "data": v})
}

// vciICBLevel is one level object of a search-bar company.
func vciICBLevel(code string, en bool) map[string]any {
	n := vciICBNames()[code]
	name := n[0]
	if en {
		name = n[1]
	}
	return map[string]any{"code": code, "name": name, "nameEn": n[1]}
}

func vciSearchBar(w http.ResponseWriter, r *http.Request) {
	en := r.URL.Query().Get("language") == "2"
	var out []map[string]any
	for _, l := range vciCatalogue() {
		if l.typ != "STOCK" {
			continue
		}
		name := l.name
		if en {
			name = l.enName
		}
		item := map[string]any{"code": l.sym, "name": name, "shortName": l.short, "englishName": l.enName,
			"comTypeCode": l.comType, "floor": l.board}
		for i, c := range l.icb {
			item["icbLv"+strconv.Itoa(i+1)] = vciICBLevel(c, en)
		}
		out = append(out, item)
	}
	vciData(w, out)
}

func vciICBCodes(w http.ResponseWriter, _ *http.Request) {
	names := vciICBNames()
	codes := make([]string, 0, len(names))
	for c := range names {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	out := make([]map[string]any, 0, len(codes))
	for _, c := range codes {
		level := 4
		switch {
		case c == "0001" || c[1:] == "000":
			level = 1
		case c[2:] == "00":
			level = 2
		case c[3] == '0':
			level = 3
		}
		out = append(out, map[string]any{"name": c, "viSector": names[c][0], "enSector": names[c][1], "icbLevel": level})
	}
	vciData(w, out)
}

// vciMillis is epoch milliseconds of an ICT date.
func vciMillis(y int, m time.Month, d int) int64 {
	return time.Date(y, m, d, 0, 0, 0, 0, time.FixedZone("ICT", 7*3600)).UnixMilli()
}

func vciDetails(w http.ResponseWriter, r *http.Request) {
	l := vciLookup(r.URL.Query().Get("ticker"))
	names := vciICBNames()
	vciData(w, map[string]any{
		"ticker": l.sym, "viOrganName": l.name, "enOrganName": l.enName, "viOrganShortName": l.short,
		"enOrganShortName": l.short, "sectorVn": names[l.icb[3]][0], "sector": names[l.icb[3]][1],
		"profile":   "<p>" + l.name + " (" + l.sym + ") &amp; các công ty con hoạt động tại Việt Nam.</p><br/>",
		"enProfile": "<p>" + l.enName + " operates in Vietnam.</p>", "listingDate": "2006-12-06T00:00:00",
		"numberOfSharesMktCap": l.shares, "currentPrice": l.ref, "comTypeCode": l.comType, "comGroupCode": l.board,
		"foreignerPercentage": math.Round(vciUnit(l.sym, "fp")*4900) / 10000, "freeFloat": l.shares / 2,
		"icbCodeLv2": l.icb[1], "icbCodeLv4": l.icb[3], "organCode": l.sym,
	})
}

func vciShareholder(w http.ResponseWriter, r *http.Request) {
	sym := r.PathValue("sym")
	l := vciLookup(sym)
	rows := []struct {
		name, typ, pos string
		pct            float64
	}{
		{"Tổng Công ty Đầu tư và Kinh doanh vốn Nhà nước", "ORGANIZATION", "", 0.12},
		{"Dragon Financial Holdings Limited", "ORGANIZATION", "", 0.0362},
		{"Nguyễn Văn An", "INDIVIDUAL", "Chủ tịch HĐQT", 0.0215},
		{"Trần Thị Bình", "INDIVIDUAL", "Tổng Giám đốc", 0.0031},
		{"Lê Minh Châu", "INDIVIDUAL", "", 0.0102},
	}
	out := make([]map[string]any, 0, len(rows))
	for i, row := range rows {
		var pos any
		if row.pos != "" {
			pos = row.pos
		}
		out = append(out, map[string]any{"ticker": sym, "ownerCode": "OWN" + strconv.Itoa(i+1), "ownerName": row.name,
			"ownerType": row.typ, "positionName": pos, "percentage": row.pct,
			"quantity": int64(math.Round(row.pct * float64(l.shares))), "updateDate": vciMillis(2025, 12, 31),
			"publicDate": vciMillis(2026, 1, 20)})
	}
	vciData(w, out)
}

func vciShareholderStructure(w http.ResponseWriter, r *http.Request) {
	sym := r.PathValue("sym")
	var out []map[string]any
	for _, g := range []struct {
		name string
		pct  float64
	}{{"Nhà nước", 0.12}, {"Nước ngoài", 0.3}, {"Khác", 0.58}} {
		out = append(out, map[string]any{"ticker": sym, "ownerFullName": g.name, "percentage": g.pct,
			"updateDate": vciMillis(2025, 12, 31), "__typename": "ShareholderStructure"})
	}
	vciData(w, out)
}

func vciRelationship(w http.ResponseWriter, r *http.Request) {
	sym := r.PathValue("sym")
	vciData(w, map[string]any{
		"subsidiaries": []map[string]any{
			{"organCode": sym, "rightOrganCode": sym + "AM", "rightOrganNameVi": "Công ty TNHH Quản lý quỹ " + sym,
				"rightOrganNameEn": sym + " Asset Management", "ownedPercentage": 1.0},
			{"organCode": sym, "rightOrganCode": sym + "IB", "rightOrganNameVi": "Công ty TNHH Đầu tư " + sym,
				"rightOrganNameEn": sym + " Investment", "ownedPercentage": 0.75},
		},
		"affiliates": []map[string]any{
			{"organCode": sym, "rightOrganCode": "", "rightOrganNameVi": "Công ty Cổ phần Liên kết " + sym,
				"rightOrganNameEn": sym + " Associate JSC", "ownedPercentage": 0.3},
		},
	})
}

// vciPage wraps a list as the paged iq answer {content, totalElements ...}.
func vciPage(w http.ResponseWriter, content []map[string]any) {
	vciData(w, map[string]any{"content": content, "totalElements": len(content), "totalPages": 1, "page": 0, "size": 50})
}

func vciEvents(w http.ResponseWriter, r *http.Request) {
	sym := r.URL.Query().Get("ticker")
	var out []map[string]any
	for i, e := range []struct{ code, vi, en string }{
		{"DIV", "Trả cổ tức bằng tiền mặt", "Cash Dividend"},
		{"ISS", "Phát hành thêm", "Share Issue"},
		{"AGME", "Đại hội Đồng Cổ đông", "Annual General Meeting"},
	} {
		y := 2025 - i
		out = append(out, map[string]any{"id": strconv.Itoa(34000 + i), "organCode": sym, "symbol": sym,
			"eventCode": e.code, "eventNameVi": e.vi, "eventNameEn": e.en, "eventTitleVi": sym + " - " + e.vi,
			"eventTitleEn": sym + " - " + e.en, "publicDate": vciMillis(y, 4, 2), "issueDate": vciMillis(y, 5, 6),
			"recordDate": vciMillis(y, 4, 20), "exrightDate": vciMillis(y, 4, 19), "displayDate": vciMillis(y, 4, 2),
			"ratio": 0.1, "value": 1000, "__typename": "Event"})
	}
	vciPage(w, out)
}

func vciNews(w http.ResponseWriter, r *http.Request) {
	sym := r.URL.Query().Get("ticker")
	var out []map[string]any
	for i := range 3 {
		out = append(out, map[string]any{"id": strconv.Itoa(11989000 + i), "organCode": sym, "symbol": sym,
			"newsTitle": sym + ": Thông báo " + strconv.Itoa(i+1), "newsShortContent": "Nội dung tóm tắt",
			"newsSourceLink": "https://example.invalid/" + sym + "/" + strconv.Itoa(i),
			"publicDate":     vciMillis(2026, 3, 10-i) + 9*3600*1000, "createDate": vciMillis(2026, 3, 10-i), "status": 1})
	}
	vciPage(w, out)
}

// vciStatementFields are the line items of each section: field code, vi, en.
func vciStatementFields(section string) [][3]string {
	switch section {
	case "BALANCE_SHEET":
		return [][3]string{{"bsa1", "Tài sản ngắn hạn", "Current assets"}, {"bsa2", "Tiền và tương đương tiền", "Cash and cash equivalents"},
			{"bsa53", "Tổng tài sản", "Total assets"}, {"bsa54", "Nợ phải trả", "Liabilities"}, {"bsa78", "Vốn chủ sở hữu", "Owner's equity"}}
	case "INCOME_STATEMENT":
		return [][3]string{{"isa1", "Doanh thu thuần", "Net revenue"}, {"isa3", "Giá vốn hàng bán", "Cost of goods sold"},
			{"isa5", "Lợi nhuận gộp", "Gross profit"}, {"isa16", "Lợi nhuận trước thuế", "Profit before tax"}, {"isa20", "Lợi nhuận sau thuế", "Net profit after tax"}}
	case "CASH_FLOW":
		return [][3]string{{"cfa18", "Lưu chuyển tiền thuần từ hoạt động kinh doanh", "Net cash flows from operating activities"},
			{"cfa26", "Lưu chuyển tiền thuần từ hoạt động đầu tư", "Net cash flows from investing activities"},
			{"cfa34", "Lưu chuyển tiền thuần từ hoạt động tài chính", "Net cash flows from financing activities"}}
	}
	return nil
}

func vciStatement(w http.ResponseWriter, r *http.Request) {
	sym, section := r.PathValue("sym"), r.URL.Query().Get("section")
	fields := vciStatementFields(section)
	if fields == nil {
		http.Error(w, `{"status":400,"message":"section is required"}`, http.StatusBadRequest)
		return
	}
	l := vciLookup(sym)
	row := func(y, q int) map[string]any {
		rec := map[string]any{"organCode": sym, "ticker": sym, "yearReport": y, "lengthReport": q}
		scale := float64(l.shares) * l.ref / 20
		if q < 5 {
			scale /= 4
		}
		for _, f := range fields {
			rec[f[0]] = math.Round(scale * (0.5 + vciUnit(sym, f[0], strconv.Itoa(y), strconv.Itoa(q))))
		}
		return rec
	}
	var years, quarters []map[string]any
	for i := range 6 {
		years = append(years, row(2024-i, 5))
		quarters = append(quarters, row(2025-(i+1)/4, 4-((i+1)%4+4)%4))
	}
	vciData(w, map[string]any{"years": years, "quarters": quarters})
}

func vciMetrics(w http.ResponseWriter, _ *http.Request) {
	out := map[string]any{}
	for _, sec := range []string{"BALANCE_SHEET", "INCOME_STATEMENT", "CASH_FLOW"} {
		var items []map[string]any
		for _, f := range vciStatementFields(sec) {
			items = append(items, map[string]any{"field": f[0], "parent": nil, "titleVi": f[1], "titleEn": f[2],
				"fullTitleVi": f[1], "fullTitleEn": f[2]})
		}
		out[sec] = items
	}
	vciData(w, out)
}

func vciStatistics(w http.ResponseWriter, r *http.Request) {
	sym := r.PathValue("sym")
	l := vciLookup(sym)
	rec := func(y, q int, typ string) map[string]any {
		u := func(k string) float64 { return vciUnit(sym, k, strconv.Itoa(y), strconv.Itoa(q)) }
		return map[string]any{"year": y, "quarter": q, "ratioType": typ, "ratioTTMId": 12283000 + y*10 + q,
			"ratioYearId": 12283000 + y, "organCode": sym, "pe": 6 + 14*u("pe"), "pb": 0.8 + 2*u("pb"), "ps": 1 + 3*u("ps"),
			"roe": 0.05 + 0.2*u("roe"), "roa": 0.01 + 0.05*u("roa"), "grossMargin": 0.1 + 0.4*u("gm"),
			"afterTaxProfitMargin": 0.05 + 0.2*u("npm"), "currentRatio": 0.8 + u("cr"), "debtToEquity": u("de"),
			"dividendYield": 0.0, "marketCap": float64(l.shares) * l.ref, "numberOfSharesMktCap": l.shares}
	}
	var out []map[string]any
	for i := range 4 {
		out = append(out, rec(2024-i, 5, "RATIO_YEAR"))
	}
	for i := range 8 {
		y, q := 2025-(i+1)/4, 4-((i+1)%4+4)%4
		out = append(out, rec(y, q, "RATIO_QUARTER"))
	}
	vciData(w, out)
}
