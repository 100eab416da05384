package fakeupstream

import (
	"embed"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// kbsRecorded holds copies of shared/upstream/kbs (provenance in its
// README): served byte for byte where a request matches the recording.
//
//go:embed testdata/kbs/*.json
var kbsRecorded embed.FS

// kbsRecording is a recorded answer and the request it answers.
type kbsRecording struct {
	file  string
	query map[string]string // parameters that must match ("" value: must be absent)
}

// kbsRecordings maps a path (under /kbs) to its recordings.
var kbsRecordings = map[string][]kbsRecording{
	"/stocks/VNM/data_day":                 {{"data_day_VNM_excerpt.json", map[string]string{"sdate": "01-01-2024", "edate": "31-01-2024"}}},
	"/stocks/VND/data_day":                 {{"data_day_VND_2026-08-07.json", map[string]string{"sdate": "", "edate": ""}}},
	"/index/30/stocks":                     {{"index_30_stocks.json", nil}},
	"/sector/all":                          {{"sector_all_excerpt.json", nil}},
	"/sector/stock":                        {{"sector_stock_1_excerpt.json", map[string]string{"code": "1"}}},
	"/trade/history/VNM":                   {{"trade_history_VNM_excerpt.json", map[string]string{"page": "1"}}},
	"/stockinfo/news/VNM":                  {{"news_VNM_excerpt.json", map[string]string{"p": "1"}}},
	"/stockinfo/news/internal-trading/VNM": {{"internal_trading_VNM_excerpt.json", map[string]string{"p": "1"}}},
}

// kbsUnknownSymbol is a symbol the fake treats as not listed.
const kbsUnknownSymbol = "ZZZ"

// mountKBS serves the KBS IIS paths under "/kbs" (base URL = server URL +
// "/kbs"): recorded payloads where the request matches a recording, and
// answers built by kbsModel for any other symbol, range or page.
func (s *Server) mountKBS(mux *http.ServeMux) {
	m := newKBSModel()
	h := func(f func(r *http.Request) (any, int)) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if body, ok := recordedKBS(r); ok {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write(body)
				return
			}
			v, status := f(r)
			writeKBS(w, v, status)
		}
	}
	mux.HandleFunc("GET /kbs/stock/search/data", h(func(*http.Request) (any, int) { return m.search(), 200 }))
	mux.HandleFunc("GET /kbs/index/{code}/stocks", h(func(r *http.Request) (any, int) {
		return map[string]any{"status": 200, "data": m.group(r.PathValue("code"))}, 200
	}))
	mux.HandleFunc("GET /kbs/sector/all", h(func(*http.Request) (any, int) { return []any{}, 200 }))
	mux.HandleFunc("GET /kbs/sector/stock", h(func(r *http.Request) (any, int) {
		return m.sectorStocks(r.URL.Query().Get("code")), 200
	}))
	mux.HandleFunc("GET /kbs/stocks/{sym}/{data}", h(func(r *http.Request) (any, int) { return kbsBars(m, r, "stocks") }))
	mux.HandleFunc("GET /kbs/index/{sym}/{data}", h(func(r *http.Request) (any, int) { return kbsBars(m, r, "index") }))
	mux.HandleFunc("POST /kbs/stock/iss", func(w http.ResponseWriter, r *http.Request) { kbsBoard(m, w, r) })
	mux.HandleFunc("GET /kbs/trade/history/{sym}", h(func(r *http.Request) (any, int) {
		sym := r.PathValue("sym")
		if sym == kbsUnknownSymbol {
			return map[string]any{"data": []any{}}, 200
		}
		q := r.URL.Query()
		page, limit := max(atoiOr(q.Get("page"), 1), 1), min(max(atoiOr(q.Get("limit"), 100), 1), 10000)
		return map[string]any{"data": m.trades(sym, time.Now(), page, limit)}, 200
	}))
	mux.HandleFunc("GET /kbs/stockinfo/profile/{sym}", h(func(r *http.Request) (any, int) {
		if sym := r.PathValue("sym"); sym != kbsUnknownSymbol {
			return m.profile(sym), 200
		}
		return map[string]any{}, 200
	}))
	mux.HandleFunc("GET /kbs/stockinfo/event/{sym}", h(func(*http.Request) (any, int) { return []any{}, 200 }))
	mux.HandleFunc("GET /kbs/stockinfo/news/{sym}", h(func(r *http.Request) (any, int) { return newsRows(r.PathValue("sym")), 200 }))
	mux.HandleFunc("GET /kbs/stockinfo/news/internal-trading/{sym}", h(func(r *http.Request) (any, int) {
		return insiderRows(r.PathValue("sym")), 200
	}))
	mux.HandleFunc("GET /kbs/stock/finance-info/{sym}", h(func(r *http.Request) (any, int) {
		q := r.URL.Query()
		term := q.Get("termtype")
		doc, ok := m.finance(r.PathValue("sym"), q.Get("type"), term == "2", max(atoiOr(q.Get("page"), 1), 1), time.Now())
		if !ok || r.PathValue("sym") == kbsUnknownSymbol {
			return map[string]any{"Audit": []any{}, "Unit": []any{}, "Head": []any{}, "Content": map[string]any{}}, 200
		}
		return doc, 200
	}))
}

// recordedKBS returns the recorded body for r when one matches.
func recordedKBS(r *http.Request) ([]byte, bool) {
	path := strings.TrimPrefix(r.URL.Path, "/kbs")
	q := r.URL.Query()
	for _, rec := range kbsRecordings[path] {
		ok := true
		for k, v := range rec.query {
			if q.Get(k) != v {
				ok = false
			}
		}
		if ok {
			b, err := kbsRecorded.ReadFile("testdata/kbs/" + rec.file)
			return b, err == nil
		}
	}
	return nil, false
}

// kbsBars answers data_<P> for any symbol and DD-MM-YYYY range (default:
// the last 30 days).
func kbsBars(m kbsModel, r *http.Request, kind string) (any, int) {
	sym, data := r.PathValue("sym"), r.PathValue("data")
	p, ok := strings.CutPrefix(data, "data_")
	if !ok || kind == "index" && !isKBSIndex(sym) {
		return map[string]any{"status": 404, "message": "not found"}, http.StatusNotFound
	}
	to := market.Date(time.Now())
	from := to.AddDate(0, 0, -30)
	q := r.URL.Query()
	for _, d := range []struct {
		key string
		dst *time.Time
	}{{"sdate", &from}, {"edate", &to}} {
		if v := q.Get(d.key); v != "" {
			t, err := time.ParseInLocation("02-01-2006", v, market.ICT)
			if err != nil {
				return map[string]any{"status": 400, "message": d.key + ": bad date"}, http.StatusBadRequest
			}
			*d.dst = t
		}
	}
	out := map[string]any{"symbol": sym}
	if sym != kbsUnknownSymbol {
		out[data] = m.bars(sym, p, from, to)
	}
	return out, 200
}

// kbsBoard answers POST stock/iss {"code":"A,B"}: the recorded VNM row for
// VNM, a synthetic row (moving every 2 s in session) for other symbols, and
// nothing for unknown ones.
func kbsBoard(m kbsModel, w http.ResponseWriter, r *http.Request) {
	var req struct {
		Code string `json:"code"`
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil || json.Unmarshal(body, &req) != nil || req.Code == "" {
		writeKBS(w, map[string]any{"status": 400, "message": "code is required"}, http.StatusBadRequest)
		return
	}
	var recorded []json.RawMessage
	if b, err := kbsRecorded.ReadFile("testdata/kbs/price_board_VNM_excerpt.json"); err == nil {
		_ = json.Unmarshal(b, &recorded)
	}
	now := time.Now()
	rows := []any{}
	for _, code := range strings.Split(req.Code, ",") {
		switch code = strings.ToUpper(strings.TrimSpace(code)); {
		case code == "VNM" && len(recorded) > 0:
			rows = append(rows, recorded[0])
		case code == "" || code == kbsUnknownSymbol || isKBSIndex(code):
		default:
			rows = append(rows, m.boardRow(code, now))
		}
	}
	writeKBS(w, rows, http.StatusOK)
}

func writeKBS(w http.ResponseWriter, v any, status int) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
