package msn_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/feeds/fakeupstream"
	"github.com/vnstock-api/vnstock-api/feeds/msn"
	"github.com/vnstock-api/vnstock-api/market"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, market.ICT) }

// recorder serves testdata/msn, rejects the first chart call with 401 when
// expire is set, and keeps the queries.
type recorder struct {
	mu      sync.Mutex
	expire  bool
	configs int
	charts  []url.Values
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	file := ""
	switch r.URL.Path {
	case "/resolver/api/resolve/v3/config/":
		rec.configs++
		file = "config.json"
	case "/service/Finance/Charts/TimeRange":
		rec.charts = append(rec.charts, r.URL.Query())
		if rec.expire {
			rec.expire = false
			http.Error(w, "expired", http.StatusUnauthorized)
			return
		}
		file = "chart_usdvnd.json"
	case "/service/Finance/Cryptocurrency/chart":
		rec.charts = append(rec.charts, r.URL.Query())
		file = "chart_btc.json"
	default:
		http.NotFound(w, r)
		return
	}
	b, _ := os.ReadFile("../../testdata/msn/" + file)
	_, _ = w.Write(b)
}

func TestFetchRequests(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	now := time.Date(2025, 1, 10, 15, 0, 0, 0, market.ICT)
	src := msn.New(msn.Config{BaseURL: srv.URL, Now: func() time.Time { return now }})
	q := market.Query{Capability: market.CapOHLCV, Symbol: "USDVND", Asset: market.AssetForex,
		Interval: market.Interval1D, Start: day(2025, 1, 7), End: day(2025, 1, 10)}
	res, err := src.Fetch(t.Context(), q)
	if err != nil {
		t.Fatal(err)
	}
	// The 6th is before Start and is trimmed.
	if res.Source != "msn" || res.PriceUnit != "vnd" || len(res.Bars) != 4 || !res.Bars[0].Time.Equal(day(2025, 1, 7)) {
		t.Fatalf("result %+v", res)
	}
	got := rec.charts[0]
	want := map[string]string{"apikey": "0QfOX3Vn51YCzitbLaRkTTBadtWpgTN8NZLW0C1SEM", "ids": "avyufr",
		"StartTime": "2025-01-06T17:00:00.000Z", "EndTime": "2025-01-10T16:59:00.858Z", "timeframe": "1", "cm": "vi-vn"}
	for k, v := range want {
		if got.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, got.Get(k), v)
		}
	}

	// The key is cached; a 401 renews it once.
	rec.mu.Lock()
	rec.expire = true
	rec.mu.Unlock()
	if _, err := src.Fetch(t.Context(), q); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Fetch(t.Context(), market.Query{Capability: market.CapOHLCV, Symbol: "BTC", Asset: market.AssetCrypto,
		Interval: market.Interval1W, Start: day(2025, 1, 1)}); err != nil {
		t.Fatal(err)
	}
	if rec.configs != 2 || len(rec.charts) != 4 {
		t.Errorf("%d config and %d chart requests, want 2 and 4", rec.configs, len(rec.charts))
	}
}

func TestFetchRefusals(t *testing.T) {
	t.Parallel()
	src := msn.New(msn.Config{BaseURL: "http://127.0.0.1:0"})
	ohlcv := func(asset string, sym market.Symbol, iv market.Interval) market.Query {
		return market.Query{Capability: market.CapOHLCV, Asset: asset, Symbol: sym, Interval: iv}
	}
	tests := []struct {
		name string
		q    market.Query
		want error
	}{
		{"equity", ohlcv(market.AssetEquity, "FPT", ""), market.ErrUnsupported},
		{"no asset", ohlcv("", "USDVND", ""), market.ErrUnsupported},
		{"vietnamese index", ohlcv(market.AssetIndex, "VNINDEX", ""), market.ErrUnsupported},
		{"unknown pair", ohlcv(market.AssetForex, "VNDUSD", ""), market.ErrUnsupported},
		{"intraday", ohlcv(market.AssetForex, "USDVND", market.Interval1m), market.ErrUnsupported},
		{"start after end", market.Query{Capability: market.CapOHLCV, Asset: market.AssetCrypto, Symbol: "BTC",
			Start: day(2025, 2, 1), End: day(2025, 1, 1)}, market.ErrInvalid},
		{"gold", market.Query{Capability: market.CapGold}, market.ErrUnsupported},
		{"unreachable", ohlcv(market.AssetIndex, "INX", ""), market.ErrUpstream},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := src.Fetch(t.Context(), tt.q); !errors.Is(err, tt.want) {
				t.Errorf("Fetch: %v, want %v", err, tt.want)
			}
		})
	}
}

func TestFetchAgainstFakeUpstream(t *testing.T) {
	t.Parallel()
	fake := fakeupstream.New(fakeupstream.Config{})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	now := time.Date(2025, 2, 3, 9, 0, 0, 0, market.ICT)
	src := msn.New(msn.Config{BaseURL: srv.URL + "/msn", Now: func() time.Time { return now }})
	jan := func(asset string, sym market.Symbol) market.Query {
		return market.Query{Capability: market.CapOHLCV, Asset: asset, Symbol: sym, Start: day(2025, 1, 1), End: day(2025, 1, 31)}
	}
	res, err := src.Fetch(t.Context(), jan(market.AssetForex, "USDVND"))
	if err != nil || len(res.Bars) != 23 { // weekdays of January 2025
		t.Fatalf("USDVND: %d bars, %v", len(res.Bars), err)
	}
	res, err = src.Fetch(t.Context(), jan(market.AssetCrypto, "BTC"))
	if err != nil || len(res.Bars) != 31 || res.Bars[0].Volume == 0 || res.PriceUnit != "usd" {
		t.Fatalf("BTC: %d bars, %v", len(res.Bars), err)
	}
	res, err = src.Fetch(t.Context(), market.Query{Capability: market.CapExchangeRates, Date: day(2025, 2, 1)})
	if err != nil || res.Frame.Len() != 7 {
		t.Fatalf("rates: %v, %v", res.Frame, err)
	}
	usd := res.Frame.Rows[6]
	if rate, _ := usd[3].(float64); usd[0] != "USD" || usd[2] != nil || rate < 20_000 || rate > 30_000 || usd[5] != "2025-02-01" {
		t.Errorf("USD row %v", usd)
	}
	if fake.Count("msn", "/msn/resolver/api/resolve/v3/config/") != 1 {
		t.Errorf("api key fetched %d times, want once", fake.Count("msn", "/msn/resolver/api/resolve/v3/config/"))
	}
}
