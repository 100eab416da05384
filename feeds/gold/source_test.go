package gold_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/feeds/fakeupstream"
	"github.com/vnstock-api/vnstock-api/feeds/gold"
	"github.com/vnstock-api/vnstock-api/market"
)

var noon = time.Date(2025, 1, 15, 12, 0, 0, 0, market.ICT)

func fixedNow() time.Time { return noon }

func TestSJCRequest(t *testing.T) {
	t.Parallel()
	payload, err := os.ReadFile("../../testdata/gold/sjc_2025-01-15.json")
	if err != nil {
		t.Fatal(err)
	}
	var got *http.Request
	var form url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		b, _ := io.ReadAll(r.Body)
		form, _ = url.ParseQuery(string(b))
		_, _ = w.Write(payload)
	}))
	defer srv.Close()
	src := gold.NewSJC(gold.Config{BaseURL: srv.URL, Now: fixedNow})
	res, err := src.Fetch(t.Context(), market.Query{Capability: market.CapGold, Date: noon.AddDate(0, 0, -3)})
	if err != nil {
		t.Fatal(err)
	}
	if got.Method != http.MethodPost || got.URL.Path != "/GoldPrice/Services/PriceService.ashx" ||
		got.Header.Get("Content-Type") != "application/x-www-form-urlencoded; charset=UTF-8" ||
		got.Header.Get("Referer") != "https://sjc.com.vn/bieu-do-gia-vang" {
		t.Errorf("request %s %s %v", got.Method, got.URL, got.Header)
	}
	if form.Get("method") != "GetSJCGoldPriceByDate" || form.Get("toDate") != "12/01/2025" {
		t.Errorf("form %v", form)
	}
	if res.Source != "sjc" || res.PriceUnit != "vnd" || !res.FetchedAt.Equal(noon) || res.Frame.Value(0, "date") != "2025-01-12" {
		t.Errorf("result %+v", res)
	}
}

func TestGoldAgainstFakeUpstream(t *testing.T) {
	t.Parallel()
	fake := httptest.NewServer(fakeupstream.New(fakeupstream.Config{}))
	defer fake.Close()
	sjc := gold.NewSJC(gold.Config{BaseURL: fake.URL + "/sjc", Now: time.Now})
	btmc := gold.NewBTMC(gold.Config{BaseURL: fake.URL + "/btmc", Key: "k", Now: time.Now})
	q := market.Query{Capability: market.CapGold, Date: time.Date(2024, 6, 3, 0, 0, 0, 0, market.ICT)}
	res, err := sjc.Fetch(t.Context(), q)
	if err != nil {
		t.Fatal(err)
	}
	// The fake's bar price on 2024-06-03: day 3076 since 2016-01-01, so
	// 33,000,000 + 3076·20,000 + (3076 mod 7 = 3)·50,000 = 94,670,000.
	if res.Frame.Len() != 4 || res.Frame.Value(0, "buy_price") != int64(94_670_000) || res.Frame.Value(0, "sell_price") != int64(96_670_000) {
		t.Errorf("sjc rows %v", res.Frame.Rows)
	}
	res, err = btmc.Fetch(t.Context(), market.Query{Capability: market.CapGold, Provider: "btmc"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Source != "btmc" || res.Frame.Len() != 4 || res.Frame.Value(0, "name") != "VÀNG MIẾNG SJC (Vàng SJC)" {
		t.Errorf("btmc rows %v", res.Frame.Rows)
	}
	if _, err := gold.NewBTMC(gold.Config{BaseURL: fake.URL + "/btmc"}).Fetch(t.Context(), market.Query{Capability: market.CapGold}); !errors.Is(err, market.ErrUpstream) {
		t.Errorf("without a key: %v, want the upstream's refusal", err)
	}
}

func TestGoldQueryRules(t *testing.T) {
	t.Parallel()
	sjc := gold.NewSJC(gold.Config{BaseURL: "http://127.0.0.1:0", Now: fixedNow})
	btmc := gold.NewBTMC(gold.Config{BaseURL: "http://127.0.0.1:0", Now: fixedNow})
	cases := []struct {
		name string
		sjc  bool
		q    market.Query
		want error
	}{
		{"sjc other capability", true, market.Query{Capability: market.CapFunds}, market.ErrUnsupported},
		{"sjc asked for btmc", true, market.Query{Capability: market.CapGold, Provider: "btmc"}, market.ErrUnsupported},
		{"sjc unknown provider", true, market.Query{Capability: market.CapGold, Provider: "doji"}, market.ErrInvalid},
		{"sjc before 2016", true, market.Query{Capability: market.CapGold, Date: time.Date(2015, 12, 31, 0, 0, 0, 0, market.ICT)}, market.ErrInvalid},
		{"sjc future", true, market.Query{Capability: market.CapGold, Date: noon.AddDate(0, 0, 1)}, market.ErrInvalid},
		{"btmc asked for sjc", false, market.Query{Capability: market.CapGold, Provider: "sjc"}, market.ErrUnsupported},
		{"btmc history", false, market.Query{Capability: market.CapGold, Date: noon.AddDate(0, 0, -1)}, market.ErrUnsupported},
		{"btmc unreachable", false, market.Query{Capability: market.CapGold, Date: noon}, market.ErrUpstream},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var err error
			if tt.sjc {
				_, err = sjc.Fetch(t.Context(), tt.q)
			} else {
				_, err = btmc.Fetch(t.Context(), tt.q)
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("Fetch: %v, want %v", err, tt.want)
			}
		})
	}
}
