package fakeupstream

import (
	"hash/fnv"
	"math"
	"net/http"
	"time"
)

// FakeMSNKey is the API key the fake MSN app config hands out and its
// chart endpoints require.
const FakeMSNKey = "fake-msn-apikey"

// mountMSN serves MSN's app config and chart endpoints under "/msn".
//
// No recording exists. The answers follow upstream.md §5 and vnstock's
// reader: the key at configs["shared/msn-ns/HoroscopeAnswerCardWC/default"]
// .properties.horoscopeAnswerServiceClientSettings.apikey, and charts as
// [{id, series:{timeStamps (ISO UTC), openPrices, pricesHigh, pricesLow,
// prices, volumes, priceHigh, priceLow, startTime, endTime}}]. Daily
// stamps are 00:00 UTC (inferred); FX pairs and indices have weekday bars,
// crypto every day. Prices are computed from the id and the day, so they
// are stable across requests. Unknown ids answer [].
func (s *Server) mountMSN(mux *http.ServeMux) {
	mux.HandleFunc("GET /msn/resolver/api/resolve/v3/config/", serveMSNConfig)
	mux.HandleFunc("GET /msn/service/Finance/Charts/TimeRange", serveMSNChart(false))
	mux.HandleFunc("GET /msn/service/Finance/Cryptocurrency/chart", serveMSNChart(true))
}

// msnInstruments are the fake's SecIds: base price and volume (0 for FX).
var msnInstruments = map[string]struct {
	base, volume float64
	crypto       bool
}{
	"avyufr": {25_300, 0, false},     // USDVND
	"av93ec": {26_400, 0, false},     // EURVND
	"ave8sm": {162, 0, false},        // JPYVND
	"avyjtc": {31_500, 0, false},     // GBPVND
	"auxrkr": {16_300, 0, false},     // AUDVND
	"av55fr": {3_480, 0, false},      // CNYVND
	"avfg9c": {17.6, 0, false},       // KRWVND
	"av932w": {1.08, 0, false},       // EURUSD
	"ck48ur": {2_650, 0, false},      // XAUUSD
	"c2111":  {65_000, 3e4, true},    // BTC
	"c2112":  {3_200, 4e5, true},     // ETH
	"a33k6h": {5_600, 2.5e9, false},  // S&P 500
	"a6qja2": {41_000, 3.2e8, false}, // Dow Jones
	"aqk2nm": {1_250, 6.5e8, false},  // VN-Index
}

func serveMSNConfig(w http.ResponseWriter, _ *http.Request) {
	replyJSON(w, map[string]any{"configs": map[string]any{
		"shared/msn-ns/HoroscopeAnswerCardWC/default": map[string]any{
			"properties": map[string]any{"horoscopeAnswerServiceClientSettings": map[string]any{"apikey": FakeMSNKey}},
		},
	}})
}

func serveMSNChart(crypto bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("apikey") != FakeMSNKey {
			http.Error(w, `{"error":"invalid apikey"}`, http.StatusUnauthorized)
			return
		}
		from, err1 := time.Parse(time.RFC3339, q.Get("StartTime"))
		to, err2 := time.Parse(time.RFC3339, q.Get("EndTime"))
		if err1 != nil || err2 != nil || to.Sub(from) > 20*366*24*time.Hour {
			http.Error(w, `{"error":"bad time range"}`, http.StatusBadRequest)
			return
		}
		id := q.Get("ids")
		inst, ok := msnInstruments[id]
		if !ok || inst.crypto != crypto {
			replyJSON(w, []any{})
			return
		}
		replyJSON(w, []any{map[string]any{"id": id, "series": msnSeries(id, inst.base, inst.volume, crypto, from, to)}})
	}
}

// msnSeries builds the daily series of id between from and to.
func msnSeries(id string, base, volume float64, everyDay bool, from, to time.Time) map[string]any {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	phase := float64(h.Sum32()%1000) / 100
	var ts []string
	var open, high, low, closes, vols []float64
	round := func(v float64) float64 { return math.Round(v*10_000) / 10_000 }
	day := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
	for ; !day.After(to); day = day.AddDate(0, 0, 1) {
		if day.Before(from) || (!everyDay && (day.Weekday() == time.Saturday || day.Weekday() == time.Sunday)) {
			continue
		}
		n := float64(day.Unix() / 86400)
		c := base * (1 + 0.05*math.Sin(n/40+phase) + 0.01*math.Sin(n*1.7))
		o := base * (1 + 0.05*math.Sin((n-1)/40+phase) + 0.01*math.Sin((n-1)*1.7))
		ts = append(ts, day.Format("2006-01-02T15:04:05Z"))
		open, closes = append(open, round(o)), append(closes, round(c))
		high, low = append(high, round(max(o, c)*1.004)), append(low, round(min(o, c)*0.996))
		vols = append(vols, math.Round(volume*(1+0.3*math.Sin(n*0.9))))
	}
	return map[string]any{
		"timeStamps": ts, "openPrices": open, "pricesHigh": high, "pricesLow": low, "prices": closes, "volumes": vols,
		"priceHigh": msnMax(high), "priceLow": msnMin(low),
		"startTime": from.Format(time.RFC3339), "endTime": to.Format(time.RFC3339),
	}
}

func msnMax(v []float64) float64 {
	m := 0.0
	for i, x := range v {
		if i == 0 || x > m {
			m = x
		}
	}
	return m
}

func msnMin(v []float64) float64 {
	m := 0.0
	for i, x := range v {
		if i == 0 || x < m {
			m = x
		}
	}
	return m
}
