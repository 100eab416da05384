package fakeupstream

import (
	"fmt"
	"strconv"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// Synthetic KBS documents built from the catalogue (upstream.md §4.1,
// §4.5, §4.6) for what no recording covers. Key names and value kinds are
// the catalogue's; the values are made up but deterministic.

// search is stock/search/data for the directory's symbols.
func (m kbsModel) search() []map[string]any {
	out := []map[string]any{}
	for i, sym := range m.dir.Symbols() {
		ex, _ := m.dir.Exchange(sym)
		s := m.session(string(sym), time.Now())
		out = append(out, map[string]any{
			"symbol": string(sym), "name": "Công ty Cổ phần " + string(sym), "nameEn": string(sym) + " Joint Stock Company",
			"exchange": string(ex), "type": "stock", "index": i + 1, "re": s.ref, "ceiling": s.ceil, "floor": s.fl,
		})
	}
	return out
}

// group is index/{code}/stocks for codes the directory can answer.
func (m kbsModel) group(code string) []string {
	var syms []market.Symbol
	switch code {
	case "HNX30":
		syms, _ = m.dir.Members("HNX30")
	case "HOSE", "HNX", "UPCOM", "100":
		ex := code
		if code == "100" {
			ex = "HOSE"
		}
		syms, _ = m.dir.Members(ex)
	}
	out := make([]string, 0, len(syms))
	for _, s := range syms {
		out = append(out, string(s))
	}
	return out
}

// sectorStocks is sector/stock?code=N: a deterministic fifth of the
// directory per sector.
func (m kbsModel) sectorStocks(code string) map[string]any {
	stocks := []map[string]string{}
	for _, sym := range m.dir.Symbols() {
		if int(hash01(string(sym), "sector")*5) == atoiOr(code, 0)%5 {
			stocks = append(stocks, map[string]string{"sb": string(sym), "pr": "10000.0", "ch": "0.00", "vo": "1.00"})
		}
	}
	return map[string]any{"name": "Ngành " + code, "stocks": stocks}
}

// profile is stockinfo/profile/{SYM} with every catalogue key: CC in
// billions of VND (as observed for TCB), CharterCapital V in VND.
func (m kbsModel) profile(sym string) map[string]any {
	listed := int64(1e8 * (1 + 20*hash01(sym, "shares")))
	capital := listed * 10000
	return map[string]any{
		"SB": sym, "SM": "<p>Công ty " + sym + " hoạt động trong lĩnh vực <b>sản xuất</b> &amp; thương mại.</p>",
		"FD": "06/08/1993", "CC": capital / 1e9, "HM": 1200, "LD": "2006-11-21T00:00:00", "FV": 10000,
		"EX": string(m.exchange(sym)), "LP": 15000, "VL": listed / 1e6, "CTP": "Nguyễn Văn A", "CTPP": "Tổng Giám đốc",
		"IS": "Trần Thị B", "ISP": "Trưởng Ban kiểm soát", "FP": "4103001932", "BP": "0300588569", "TC": "0300588569",
		"KT": "Công ty TNHH Kiểm toán X", "TY": "Công ty cổ phần", "ADD": "10 Tân Trào, Quận 7, TP.HCM",
		"PHONE": "028 5415 5555", "FAX": "028 5416 1226", "EMAIL": "info@example.vn", "URL": "https://example.vn",
		"BRANCH": "Hà Nội; Đà Nẵng", "HS": "<p>Thành lập năm 1993.</p>", "KLCPNY": listed, "SFV": 10000,
		"KLCPLH": listed - 1000, "AD": "2026-06-30T00:00:00",
		"Subsidiaries": []map[string]any{
			{"D": "2025-12-31T00:00:00", "NM": "Công ty TNHH MTV " + sym + " Một", "CC": 500, "OR": 100, "CR": "VND"},
			{"D": "2025-12-31T00:00:00", "NM": "Công ty Liên doanh " + sym, "CC": 200, "OR": 25.5, "CR": "VND"},
		},
		"Leaders": []map[string]any{
			{"FD": "2004", "PN": "Chủ tịch HĐQT", "NM": "Nguyễn Văn C", "PO": "Chairman", "PI": 1},
			{"FD": "15/05/2018", "PN": "Tổng Giám đốc", "NM": "Nguyễn Văn A", "PO": "CEO", "PI": 2},
		},
		"Ownership": []map[string]any{
			{"NM": "Cổ phiếu quỹ", "OR": 0.1, "SH": 1000, "D": "2025-12-31T00:00:00"},
			{"NM": "CĐ khác", "OR": 99.9, "SH": listed - 1000, "D": "2025-12-31T00:00:00"},
		},
		"Shareholders": []map[string]any{
			{"NM": "Tổng Công ty Đầu tư Nhà nước", "D": "2026-01-26T09:10:35.883", "V": listed / 3, "OR": 33.33},
		},
		"CharterCapital": []map[string]any{
			{"D": "2026-03-02T00:00:00", "V": capital, "C": "VND"},
			{"D": "2020-06-15T00:00:00", "V": capital / 2, "C": "VND"},
		},
		"LaborStructure": []map[string]any{{"Name": "Đại học", "NameEn": "University", "Value": 800, "Rate": 66.7}},
	}
}

// newsRows and insiderRows follow the recorded VNM excerpts' keys.
func newsRows(sym string) []map[string]any {
	out := []map[string]any{}
	for i := range 3 {
		out = append(out, map[string]any{"Head": "", "ArticleID": 1000000 + i, "Title": sym + ": Thông báo " + strconv.Itoa(i+1),
			"PublishTime": fmt.Sprintf("2026-02-0%dT09:00:00", i+1), "URL": "/2026/02/" + sym + "-thong-bao-" + strconv.Itoa(i+1)})
	}
	return out
}

func insiderRows(sym string) []map[string]any {
	return []map[string]any{{"EventID": 100001, "StockCode": sym, "Title": sym + ": Báo cáo kết quả giao dịch",
		"Content": "Cổ đông lớn báo cáo.", "TypeName": "GD của cổ đông lớn", "RegisterBuyVolume": 1000000,
		"BuyVolume": 900000, "VolumeBefore": 5000000, "VolumeAfter": 5900000}}
}

// financeSections are the Content sections and lines per report type.
var financeSections = map[string][]struct {
	key   string
	lines [][2]string
}{
	"CDKT": {{"Cân đối kế toán", [][2]string{{"TÀI SẢN ", "ASSETS"}, {"A. TÀI SẢN NGẮN HẠN", "A. SHORT-TERM ASSETS"},
		{"I. Tiền và các khoản tương đương tiền", "I. Cash and cash equivalents"}, {"TỔNG CỘNG TÀI SẢN", "TOTAL ASSETS"}}}},
	"KQKD": {{"Kết quả kinh doanh", [][2]string{{"1. Doanh thu bán hàng và cung cấp dịch vụ ", "1. Revenue"},
		{"2. Các khoản giảm trừ doanh thu", "2. Deduction from revenue"}, {"3. Doanh thu thuần về bán hàng và cung cấp dịch vụ", "3. Net revenue"}}}},
	"LCTT": {{"Lưu chuyển tiền tệ gián tiếp", [][2]string{{"I. Lưu chuyển tiền từ hoạt động kinh doanh", "I. Cash flows from operating activities"},
		{"1. Lợi nhuận trước thuế", "1. Profit before tax"}}}},
	"CSTC": {
		{"Nhóm chỉ số Định giá", [][2]string{{"Chỉ số giá thị trường trên thu nhập (P/E)", "P/E"}, {"Giá trị sổ sách của cổ phiếu (BVPS)", "Book value per share (BVPS)"}}},
		{"Nhóm chỉ số Sinh lợi", [][2]string{{"ROE (%)", "ROE (%)"}}},
	},
}

// finance is stock/finance-info/{SYM}: 4 periods per page, most recent
// first, statement values in thousand VND (unit=1000), ratios as is.
func (m kbsModel) finance(sym, typ string, quarterly bool, page int, now time.Time) (map[string]any, bool) {
	sections, ok := financeSections[typ]
	if !ok {
		return nil, false
	}
	year, q := now.Year()-1, 4
	heads := []map[string]any{}
	labels := []string{}
	for i := range 4 {
		n := (page-1)*4 + i
		h := map[string]any{"ID": i + 1, "YearPeriod": year - n, "TermName": "Năm", "TermCode": "N", "United": "HN", "AuditedStatus": "KT"}
		label := strconv.Itoa(year - n)
		if quarterly {
			qq, yy := q-n%4, year-n/4
			if qq <= 0 {
				qq, yy = qq+4, yy-1
			}
			h["YearPeriod"], h["TermName"], h["TermCode"] = yy, "Quý "+strconv.Itoa(qq), "Q"+strconv.Itoa(qq)
			label = fmt.Sprintf("%d-Q%d", yy, qq)
		}
		heads, labels = append(heads, h), append(labels, label)
	}
	content := map[string]any{}
	id := 0
	for _, sec := range sections {
		rows := []map[string]any{}
		for _, ln := range sec.lines {
			id++
			row := map[string]any{"ID": id, "Name": ln[0], "NameEn": ln[1], "Unit": "", "Levels": 1}
			for i, label := range labels {
				v := 1e6 * (1 + 99*hash01(sym, typ, ln[1], label))
				if typ == "CSTC" {
					v = float64(int64(v/1e4)) / 100
				}
				row["Value"+strconv.Itoa(i+1)] = v
			}
			rows = append(rows, row)
		}
		content[sec.key] = rows
	}
	return map[string]any{
		"Audit": []map[string]any{{"AuditedStatusCode": "KT", "Description": "Kiểm toán"}},
		"Unit":  []map[string]any{{"UnitedCode": "HN", "UnitedName": "Hợp nhất"}},
		"Head":  heads, "Content": content,
	}, true
}

func atoiOr(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return def
}
