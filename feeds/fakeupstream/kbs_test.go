package fakeupstream

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func getKBS(t *testing.T, url string) map[string]json.RawMessage {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %s", url, resp.StatusCode, b)
	}
	var v map[string]json.RawMessage
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestKBSBarsDeterministic: synthetic bars are a function of symbol and
// day, so overlapping ranges agree and each range is respected.
func TestKBSBarsDeterministic(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(New(Config{}))
	defer ts.Close()
	wide := getKBS(t, ts.URL+"/kbs/stocks/FPT/data_day?sdate=01-06-2026&edate=30-06-2026")["data_day"]
	narrow := getKBS(t, ts.URL+"/kbs/stocks/FPT/data_day?sdate=10-06-2026&edate=12-06-2026")["data_day"]
	var w, n []map[string]any
	if err := json.Unmarshal(wide, &w); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(narrow, &n); err != nil {
		t.Fatal(err)
	}
	if len(n) != 3 || n[0]["t"] != "2026-06-12 07:00" || n[2]["t"] != "2026-06-10 07:00" {
		t.Fatalf("narrow range = %v, want 10..12 June newest first", n)
	}
	for _, bar := range n {
		found := false
		for _, wb := range w {
			if wb["t"] == bar["t"] {
				found = true
				if wb["c"] != bar["c"] || wb["v"] != bar["v"] {
					t.Errorf("%v: %v in one range, %v in the other", bar["t"], bar, wb)
				}
			}
		}
		if !found {
			t.Errorf("%v missing from the wide range", bar["t"])
		}
	}
}

func TestKBSRecordedAndBoard(t *testing.T) {
	t.Parallel()
	srv := New(Config{})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	if got := getKBS(t, ts.URL+"/kbs/index/30/stocks")["status"]; string(got) != "200" {
		t.Errorf("recorded VN30 group: status %s", got)
	}
	resp, err := http.Post(ts.URL+"/kbs/stock/iss", "application/json", strings.NewReader(`{"code":"VNM,FPT,ZZZ"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var rows []map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0]["CP"] != 68200.0 || rows[1]["SB"] != "FPT" || rows[1]["B1"] == nil {
		t.Errorf("board rows = %v, want recorded VNM and synthetic FPT", rows)
	}
	if srv.Count("kbs", "/kbs/stock/iss") != 1 {
		t.Errorf("board requests counted %d", srv.Count("kbs", "/kbs/stock/iss"))
	}
}
