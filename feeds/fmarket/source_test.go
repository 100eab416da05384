package fmarket_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/feeds/fakeupstream"
	"github.com/vnstock-api/vnstock-api/feeds/fmarket"
	"github.com/vnstock-api/vnstock-api/market"
)

var now = time.Date(2025, 1, 14, 10, 0, 0, 0, market.ICT)

// recorder serves testdata/fmarket by path and keeps the request bodies.
type recorder struct {
	mu     sync.Mutex
	bodies map[string][]map[string]any
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	files := map[string]string{
		"POST /res/products/filter":         "filter.json",
		"GET /res/products/23":              "product_23.json",
		"POST /res/product/get-nav-history": "nav_history_23.json",
	}
	name, ok := files[r.Method+" "+r.URL.Path]
	if !ok || r.Header.Get("Referer") != "https://fmarket.vn/" {
		http.Error(w, "no such path", http.StatusNotFound)
		return
	}
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	_ = json.Unmarshal(raw, &body)
	rec.mu.Lock()
	rec.bodies[r.URL.Path] = append(rec.bodies[r.URL.Path], body)
	rec.mu.Unlock()
	b, err := os.ReadFile("../../testdata/fmarket/" + name)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	_, _ = w.Write(b)
}

func TestFetchRequests(t *testing.T) {
	t.Parallel()
	rec := &recorder{bodies: map[string][]map[string]any{}}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	src := fmarket.New(fmarket.Config{BaseURL: srv.URL, Now: func() time.Time { return now }})

	res, err := src.Fetch(t.Context(), market.Query{Capability: market.CapFundNAV, Code: "vesaf"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Source != "fmarket" || res.Frame.Len() != 4 || res.Frame.Value(3, "nav_per_unit") != 29874.1 {
		t.Errorf("nav result %+v", res.Frame)
	}
	lookup := rec.bodies["/res/products/filter"][0]
	if lookup["searchField"] != "VESAF" || lookup["pageSize"] != 100.0 || lookup["types"] == nil {
		t.Errorf("lookup body %v", lookup)
	}
	nav := rec.bodies["/res/product/get-nav-history"][0]
	if nav["productId"] != 23.0 || nav["toDate"] != "20250114" || nav["isAllData"] != 1.0 || nav["fromDate"] != nil {
		t.Errorf("nav body %v", nav)
	}

	// The id is cached: holdings need no second lookup.
	res, err = src.Fetch(t.Context(), market.Query{Capability: market.CapFundAssets, Code: "VESAF"})
	if err != nil || res.Frame.Len() != 2 || len(rec.bodies["/res/products/filter"]) != 1 {
		t.Fatalf("assets: %v, %v, %d lookups", res.Frame, err, len(rec.bodies["/res/products/filter"]))
	}

	res, err = src.Fetch(t.Context(), market.Query{Capability: market.CapFunds, Type: "stock"})
	if err != nil || res.Frame.Len() != 3 {
		t.Fatalf("funds: %v, %v", res.Frame, err)
	}
	if got := rec.bodies["/res/products/filter"][1]["fundAssetTypes"]; !equalJSON(got, []any{"STOCK"}) {
		t.Errorf("fundAssetTypes %v", got)
	}
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func TestFetchErrors(t *testing.T) {
	t.Parallel()
	rec := &recorder{bodies: map[string][]map[string]any{}}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	src := fmarket.New(fmarket.Config{BaseURL: srv.URL})
	tests := []struct {
		name string
		q    market.Query
		want error
	}{
		{"unknown fund", market.Query{Capability: market.CapFundNAV, Code: "NOPE"}, market.ErrNotFound},
		{"no code", market.Query{Capability: market.CapFundTopHoldings}, market.ErrInvalid},
		{"bad type", market.Query{Capability: market.CapFunds, Type: "etf"}, market.ErrInvalid},
		{"other capability", market.Query{Capability: market.CapGold}, market.ErrUnsupported},
		{"upstream 404", market.Query{Capability: market.CapFundTopHoldings, Code: "SSISCA"}, market.ErrUpstream},
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
	srv := httptest.NewServer(fakeupstream.New(fakeupstream.Config{}))
	defer srv.Close()
	src := fmarket.New(fmarket.Config{BaseURL: srv.URL + "/fmarket"})
	res, err := src.Fetch(t.Context(), market.Query{Capability: market.CapFunds})
	if err != nil || res.Frame.Len() != 5 {
		t.Fatalf("funds: %v, %v", res.Frame, err)
	}
	res, err = src.Fetch(t.Context(), market.Query{Capability: market.CapFunds, Type: "bond"})
	if err != nil || res.Frame.Len() != 1 || res.Frame.Value(0, "short_name") != "TCBF" {
		t.Fatalf("bond funds: %v, %v", res.Frame, err)
	}
	res, err = src.Fetch(t.Context(), market.Query{Capability: market.CapFundNAV, Code: "DCDS"})
	if err != nil || res.Frame.Len() < 150 {
		t.Fatalf("nav: %v rows, %v", res.Frame.Len(), err)
	}
	for _, c := range []market.Capability{market.CapFundTopHoldings, market.CapFundIndustry, market.CapFundAssets} {
		res, err := src.Fetch(t.Context(), market.Query{Capability: c, Code: "TCBF"})
		if err != nil || res.Frame.Len() == 0 {
			t.Errorf("%s: %v, %v", c, res.Frame, err)
		}
	}
}
