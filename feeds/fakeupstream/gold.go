package fakeupstream

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// mountGold serves SJC's PriceService.ashx under "/sjc" and BTMC's
// getpricebtmc under "/btmc".
//
// No recording of either upstream exists. The payloads are built from the
// shapes upstream.md §7 documents (SJC: {success, data:[{Id, TypeName,
// BranchName, Buy "119,300", BuyValue, Sell, SellValue, BuyDiffer,
// BuyDifferValue, SellDiffer, SellDifferValue, GroupDate "/Date(ms)/"}]};
// BTMC: {DataList:{Data:[{"@row", "@n_<row>", "@k_", "@h_", "@pb_", "@ps_",
// "@pt_", "@d_"}]}}), with prices computed from the date so that a day
// always has the same values.
func (s *Server) mountGold(mux *http.ServeMux) {
	mux.HandleFunc("POST /sjc/GoldPrice/Services/PriceService.ashx", serveSJC)
	mux.HandleFunc("GET /btmc/api/BTMCAPI/getpricebtmc", serveBTMC)
}

// sjcBar is the fake SJC bar price (VND per tael, buy) of day.
func sjcBar(day time.Time) int64 {
	days := int64(day.Sub(time.Date(2016, 1, 1, 0, 0, 0, 0, market.ICT)).Hours() / 24)
	return 33_000_000 + days*20_000 + (days%7)*50_000
}

// sjcProducts are the fake's rows: name, branch, offset from the bar price.
var sjcProducts = [...]struct {
	name, branch string
	buyOff       int64
	sellOff      int64
}{
	{"Vàng SJC 1L, 10L, 1KG", "Hồ Chí Minh", 0, 2_000_000},
	{"Vàng SJC 5 chỉ", "Hồ Chí Minh", 0, 2_020_000},
	{"Vàng nhẫn SJC 99,99% 1 chỉ, 2 chỉ, 5 chỉ", "Hồ Chí Minh", -1_500_000, 0},
	{"Vàng SJC 1L, 10L, 1KG", "Hà Nội", 0, 2_020_000},
}

func serveSJC(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	form, _ := url.ParseQuery(string(raw)) // vnstock sends the form with a JSON content type
	day, err := time.ParseInLocation("02/01/2006", form.Get("toDate"), market.ICT)
	if form.Get("method") != "GetSJCGoldPriceByDate" || err != nil {
		replyJSON(w, map[string]any{"success": false, "message": "invalid request"})
		return
	}
	rows := []map[string]any{}
	if !day.Before(time.Date(2016, 1, 2, 0, 0, 0, 0, market.ICT)) {
		bar, prev := sjcBar(day), sjcBar(day.AddDate(0, 0, -1))
		for i, p := range sjcProducts {
			buy, sell := bar+p.buyOff, bar+p.sellOff
			diff := bar - prev
			rows = append(rows, map[string]any{
				"Id": i + 1, "TypeName": p.name, "BranchName": p.branch,
				"Buy": groupThousands(buy / 1000), "BuyValue": float64(buy),
				"Sell": groupThousands(sell / 1000), "SellValue": float64(sell),
				"BuyDiffer": groupThousands(diff / 1000), "BuyDifferValue": float64(diff),
				"SellDiffer": groupThousands(diff / 1000), "SellDifferValue": float64(diff),
				"GroupDate": fmt.Sprintf("/Date(%d)/", day.UnixMilli()),
			})
		}
	}
	replyJSON(w, map[string]any{"success": true, "data": rows})
}

// btmcProducts are the fake's rows: name, karat, purity, offset from the
// SJC bar price per chỉ (a tenth of a tael).
var btmcProducts = [...]struct {
	name, karat, purity string
	off                 int64
}{
	{"VÀNG MIẾNG SJC (Vàng SJC)", "24k", "999.9", 0},
	{"NHẪN TRÒN TRƠN (Vàng Rồng Thăng Long)", "24k", "999.9", -150_000},
	{"VÀNG MIẾNG VRTL (Vàng Rồng Thăng Long)", "24k", "999.9", -120_000},
	{"TRANG SỨC BẰNG VÀNG RỒNG THĂNG LONG 99.9", "24k", "99.9", -300_000},
}

func serveBTMC(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("key") == "" {
		http.Error(w, `{"Message":"Authorization has been denied for this request."}`, http.StatusUnauthorized)
		return
	}
	now := time.Now().In(market.ICT)
	bar := sjcBar(time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, market.ICT)) / 10
	rows := make([]map[string]string, 0, len(btmcProducts))
	for i, p := range btmcProducts {
		n := strconv.Itoa(i + 1)
		buy := bar + p.off
		rows = append(rows, map[string]string{
			"@row": n, "@n_" + n: p.name, "@k_" + n: p.karat, "@h_" + n: p.purity,
			"@pb_" + n: strconv.FormatInt(buy, 10), "@ps_" + n: strconv.FormatInt(buy+200_000, 10),
			"@pt_" + n: "0", "@d_" + n: now.Format("02/01/2006 15:04"),
		})
	}
	replyJSON(w, map[string]any{"DataList": map[string]any{"Data": rows}})
}

// groupThousands writes n with comma thousands separators ("119,300").
func groupThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3+1)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

// replyJSON writes v as the JSON body of a 200 (helper of the msn, fmarket,
// gold and vcb fakes).
func replyJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}
