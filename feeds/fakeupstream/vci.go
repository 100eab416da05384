package fakeupstream

import (
	"embed"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"
)

// vciFiles are the recorded VCI payloads (shared/upstream/vci) and the raw
// payloads reconstructed from vnstock 3.2's VCI outputs (reconstructed_*;
// see testdata/vci/README.md).
//
//go:embed testdata/vci/*.json
var vciFiles embed.FS

// vciRecorded returns a recorded file.
func vciRecorded(name string) []byte {
	b, _ := vciFiles.ReadFile("testdata/vci/" + name) // embedded: present
	return b
}

// mountVCI serves trading.vietcap.com.vn under "/vci": the REST API under
// "/vci/api/", GraphQL at "/vci/data-mt/graphql" and the cookie handshake
// page "/vci/priceboard". Configure vci.Config.TradingURL = URL + "/vci".
func (s *Server) mountVCI(mux *http.ServeMux) {
	mux.HandleFunc("GET /vci/priceboard", vciPriceboard)
	mux.HandleFunc("GET /vci/api/price/symbols/getAll", vciGetAll)
	mux.HandleFunc("GET /vci/api/price/symbols/getByGroup", vciGetByGroup)
	mux.HandleFunc("POST /vci/api/chart/OHLCChart/gap-chart", vciGapChart)
	mux.HandleFunc("POST /vci/api/market-watch/LEData/getAll", vciLEData)
	mux.HandleFunc("POST /vci/api/market-watch/AccumulatedPriceStepVol/getSymbolData", vciDepth)
	mux.HandleFunc("POST /vci/api/price/symbols/getList", vciGetList)
	mux.HandleFunc("POST /vci/data-mt/graphql", vciGraphQL)
}

// vciWriteJSON writes v as a 200 JSON answer.
func vciWriteJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	vciWriteRaw(w, b)
}

// vciWriteRaw writes JSON bytes as a 200 answer.
func vciWriteRaw(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

// vciReadBody decodes a JSON request body into v; false after answering 400.
func vciReadBody(w http.ResponseWriter, r *http.Request, v any) bool {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err == nil {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		http.Error(w, `{"status":400,"message":"bad request body"}`, http.StatusBadRequest)
		return false
	}
	return true
}

// vciPriceboard is the HTML page whose cookies clients collect first.
func vciPriceboard(w http.ResponseWriter, _ *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: "__cf_bm", Value: "fakeupstream", Path: "/", HttpOnly: true})
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = io.WriteString(w, "<!doctype html><title>Vietcap priceboard</title>")
}

// vciGetAll answers price/symbols/getAll from the catalogue.
func vciGetAll(w http.ResponseWriter, _ *http.Request) {
	var out []map[string]any
	for i, l := range vciCatalogue() {
		out = append(out, map[string]any{"id": 8424500 + i, "symbol": l.sym, "type": l.typ, "board": l.board,
			"enOrganName": l.enName, "enOrganShortName": l.short, "organShortName": l.short, "organName": l.name})
	}
	vciWriteJSON(w, out)
}

// vciGetByGroup answers price/symbols/getByGroup?group=.
func vciGetByGroup(w http.ResponseWriter, r *http.Request) {
	members := vciGroupMembers(r.URL.Query().Get("group"))
	out := make([]map[string]any, 0, len(members))
	for _, m := range members {
		out = append(out, map[string]any{"symbol": m})
	}
	vciWriteJSON(w, out)
}

// vciChartBody is the gap-chart request; From is vnstock-js's extra field.
type vciChartBody struct {
	TimeFrame string   `json:"timeFrame"`
	Symbols   []string `json:"symbols"`
	To        int64    `json:"to"`
	From      int64    `json:"from"`
	CountBack int      `json:"countBack"`
}

// vciGapChart answers chart/OHLCChart/gap-chart: recorded bars when the
// request's window holds some (FPT 1-minute 2025-09-26, VCI daily
// 2024-01-02..2024-03-21), catalogue-built bars otherwise.
func vciGapChart(w http.ResponseWriter, r *http.Request) {
	var req vciChartBody
	if !vciReadBody(w, r, &req) {
		return
	}
	if len(req.Symbols) == 0 || req.To <= 0 || (req.CountBack <= 0 && req.From <= 0) {
		http.Error(w, `{"status":400,"message":"symbols, to and countBack are required"}`, http.StatusBadRequest)
		return
	}
	switch req.TimeFrame {
	case "ONE_MINUTE", "ONE_HOUR", "ONE_DAY":
	default:
		http.Error(w, `{"status":400,"message":"bad timeFrame"}`, http.StatusBadRequest)
		return
	}
	out := make([]vciSeries, 0, len(req.Symbols))
	for _, sym := range req.Symbols {
		if rec, ok := vciRecordedSeries(sym, req.TimeFrame); ok {
			if win := rec.window(req.From, req.To, req.CountBack); len(win.T) > 0 {
				out = append(out, win)
				continue
			}
		}
		out = append(out, vciSynthSeries(sym, req.TimeFrame, req.From, req.To, req.CountBack))
	}
	vciWriteJSON(w, out)
}

// vciRecordedSeries returns the recorded bars of a symbol and time frame.
func vciRecordedSeries(sym, frame string) (vciSeries, bool) {
	var raw []byte
	switch {
	case sym == "FPT" && frame == "ONE_MINUTE":
		var env struct {
			Payload json.RawMessage `json:"payload"`
		}
		if json.Unmarshal(vciRecorded("ohlcv_1m_FPT.json"), &env) != nil {
			return vciSeries{}, false
		}
		raw = env.Payload
	case sym == "VCI" && frame == "ONE_DAY":
		raw = vciRecorded("reconstructed_ohlcv_1D_VCI_2024-01-02_2024-03-21.json")
	default:
		return vciSeries{}, false
	}
	var all []vciSeries
	if json.Unmarshal(raw, &all) != nil || len(all) == 0 {
		return vciSeries{}, false
	}
	return all[0], true
}

// vciLEData answers market-watch/LEData/getAll: VCI's session of
// 2025-03-21 (reconstructed) for VCI, catalogue-built trades otherwise.
func vciLEData(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Symbol    string `json:"symbol"`
		Limit     int    `json:"limit"`
		TruncTime *int64 `json:"truncTime"`
	}
	if !vciReadBody(w, r, &req) {
		return
	}
	if req.Limit <= 0 {
		req.Limit = 100
	}
	var cursor int64
	if req.TruncTime != nil {
		cursor = *req.TruncTime
	}
	if req.Symbol == "VCI" && cursor == 0 {
		var all []json.RawMessage
		_ = json.Unmarshal(vciRecorded("reconstructed_ledata_VCI_2025-03-21.json"), &all)
		vciWriteJSON(w, all[:min(req.Limit, len(all))])
		return
	}
	vciWriteJSON(w, vciSynthTrades(req.Symbol, req.Limit, cursor, time.Now()))
}

// vciDepth answers market-watch/AccumulatedPriceStepVol/getSymbolData.
func vciDepth(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Symbol string `json:"symbol"`
	}
	if !vciReadBody(w, r, &req) {
		return
	}
	if req.Symbol == "VCI" {
		vciWriteRaw(w, vciRecorded("reconstructed_depth_VCI_2025-03-21.json"))
		return
	}
	vciWriteJSON(w, vciSynthDepth(req.Symbol))
}

// vciGetList answers price/symbols/getList: one item per requested symbol,
// the reconstructed 2025-03-21 rows for VCI, TCB and VCB.
func vciGetList(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Symbols []string `json:"symbols"`
	}
	if !vciReadBody(w, r, &req) {
		return
	}
	var recorded []json.RawMessage
	_ = json.Unmarshal(vciRecorded("reconstructed_board_VCI-TCB-VCB_2025-03-21.json"), &recorded)
	byName := map[string]json.RawMessage{}
	for i, sym := range []string{"VCI", "TCB", "VCB"} {
		byName[sym] = recorded[i]
	}
	out := make([]any, 0, len(req.Symbols))
	for _, sym := range req.Symbols {
		sym = strings.ToUpper(sym)
		if rec, ok := byName[sym]; ok {
			out = append(out, rec)
			continue
		}
		out = append(out, vciSynthBoardItem(sym, time.Now()))
	}
	vciWriteJSON(w, out)
}

// vciGraphQL answers the CompanyFinancialRatio query: the recorded quarters
// of ACB, BVH, FPT, HPG and SSI, catalogue-built periods otherwise.
func vciGraphQL(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Query     string `json:"query"`
		Variables struct {
			Ticker string `json:"ticker"`
			Period string `json:"period"`
		} `json:"variables"`
	}
	if !vciReadBody(w, r, &req) {
		return
	}
	if !strings.Contains(req.Query, "CompanyFinancialRatio") {
		vciWriteJSON(w, map[string]any{"errors": []map[string]string{{"message": "fakeupstream: only CompanyFinancialRatio is served"}}, "data": nil})
		return
	}
	ratios := vciGraphQLRatios(req.Variables.Ticker, req.Variables.Period)
	vciWriteJSON(w, map[string]any{"data": map[string]any{"CompanyFinancialRatio": map[string]any{
		"ratio": ratios, "period": req.Variables.Period, "__typename": "CompanyFinancialRatioResponse"}}})
}

// vciGraphQLRatios returns the ratio records of a ticker and period (Q|Y).
func vciGraphQLRatios(ticker, period string) []json.RawMessage {
	var env struct {
		Ratios []json.RawMessage `json:"ratios"`
	}
	switch ticker {
	case "ACB", "BVH", "FPT", "HPG", "SSI":
		if period == "Q" && json.Unmarshal(vciRecorded("graphql_financial_ratio_"+ticker+".json"), &env) == nil {
			return env.Ratios
		}
	}
	_ = json.Unmarshal(vciRecorded("graphql_financial_ratio_FPT.json"), &env)
	var tmpl map[string]any
	if len(env.Ratios) == 0 || json.Unmarshal(env.Ratios[0], &tmpl) != nil {
		return nil
	}
	var out []json.RawMessage
	for i := 0; i < 12; i++ {
		year, q := 2025-(i+1)/4, 3-i%4
		if q <= 0 {
			q += 4
		}
		if period == "Y" {
			year, q = 2024-i, 5
		}
		rec := map[string]any{}
		for k, v := range tmpl {
			rec[k] = v
			if f, ok := v.(float64); ok {
				rec[k] = f * (0.6 + 0.8*vciUnit(ticker, k, period, string(rune('A'+i))))
			}
		}
		rec["ticker"], rec["yearReport"], rec["lengthReport"] = ticker, year, q
		b, _ := json.Marshal(rec)
		out = append(out, b)
	}
	return out
}
