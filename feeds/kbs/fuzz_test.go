package kbs

import (
	"errors"
	"testing"

	"github.com/vnstock-api/vnstock-api/feeds/internal/golden"
	"github.com/vnstock-api/vnstock-api/market"
)

// Every parser: never panic; a failure is a *market.SchemaError naming a
// field (or ErrNotFound for an empty profile); a success carries no zero
// value where a value is required.

func seed(f *testing.F, files []string, extra ...string) {
	for _, name := range files {
		f.Add(golden.Read(f, "kbs", name))
	}
	for _, s := range append(extra, "", "null", "{}", "[]", `{"data":null}`, `[1,2]`, `{"data":[{}]}`) {
		f.Add([]byte(s))
	}
}

func checkErr(t *testing.T, err error, allow ...error) {
	t.Helper()
	for _, a := range allow {
		if errors.Is(err, a) {
			return
		}
	}
	var se *market.SchemaError
	if !errors.As(err, &se) || se.Field == "" || se.Source != Name {
		t.Fatalf("error %v (%T) is not a kbs SchemaError naming a field", err, err)
	}
}

func FuzzParseKBSBoard(f *testing.F) {
	seed(f, []string{"price_board_VNM_excerpt.json"}, `[{"SB":"FPT","EX":"HOSE","RE":1,"CL":2,"FL":1,"B1":"ATO","t":1776652877876}]`,
		`[{"SB":"FPT","EX":"HOSE","RE":"x","CL":2,"FL":1}]`, `{"data":[{"SB":"41I1G5000","EX":"XHNF","RE":1987.9,"CL":2127,"FL":1848.8}]}`)
	f.Fuzz(func(t *testing.T, b []byte) {
		qs, err := parseBoard(b, goldenNow)
		if err != nil {
			checkErr(t, err)
			return
		}
		for _, q := range qs {
			if q.Symbol == "" || q.Exchange == "" || q.Time.IsZero() || q.Source != Name {
				t.Fatalf("quote with a zero required value: %+v", q)
			}
		}
	})
}

func FuzzParseKBSBars(f *testing.F) {
	seed(f, []string{"data_day_VNM_excerpt.json", "data_day_VND_2026-08-07.json"},
		`{"data_day":[{"t":"2026-06-01 07:00","o":"1.5","h":"2","l":"1","c":"1.5","v":"100"}]}`,
		`{"data_day":[{"t":"2026-06-01","o":1,"h":0,"l":1,"c":1,"v":1}]}`, `{"data_day":[{"t":"bad","o":1}]}`)
	f.Fuzz(func(t *testing.T, b []byte) {
		bars, err := parseBars(b, "VNM", market.Interval1D, "data_day", goldenNow)
		if err != nil {
			checkErr(t, err)
			return
		}
		for _, bar := range bars {
			if bar.Time.IsZero() || bar.Symbol != "VNM" || bar.Low > bar.High || bar.Low < 0 {
				t.Fatalf("bad bar %+v", bar)
			}
		}
	})
}

func FuzzParseKBSTrades(f *testing.F) {
	seed(f, []string{"trade_history_VNM_excerpt.json"}, `{"data":[{"t":"2026-02-27 14:45:29:x","FMP":1,"FV":1}]}`,
		`{"data":[{"t":"2026-02-27 14:45:29","FMP":"68200.0","FV":100,"LC":"B"}]}`)
	f.Fuzz(func(t *testing.T, b []byte) {
		trs, err := parseTrades(b, "VNM")
		if err != nil {
			checkErr(t, err)
			return
		}
		for _, tr := range trs {
			if tr.Time.IsZero() || tr.Price <= 0 || tr.Volume <= 0 || tr.Symbol == "" || tr.ID == "" {
				t.Fatalf("bad trade %+v", tr)
			}
		}
	})
}

func FuzzParseKBSSearch(f *testing.F) {
	seed(f, nil, `[{"symbol":"ACB","name":"Ngân hàng TMCP Á Châu","nameEn":"Asia Commercial Bank","exchange":"HOSE","type":"stock","index":1234,"re":25000,"ceiling":27500,"floor":22500}]`,
		`{"data":[{"symbol":"DPP","exchange":"UPCOM","type":"stock"}]}`, `[{"symbol":"ACB","exchange":"NYSE"}]`)
	f.Fuzz(func(t *testing.T, b []byte) {
		rows, err := parseSearch(b)
		if err != nil {
			checkErr(t, err)
			return
		}
		for _, r := range rows {
			if r.symbol == "" || r.exchange == "" {
				t.Fatalf("bad row %+v", r)
			}
		}
	})
}

func FuzzParseKBSSymbols(f *testing.F) {
	seed(f, []string{"index_30_stocks.json"}, `["ACB","BID"]`, `{"status":200,"data":["A B"]}`)
	f.Fuzz(func(t *testing.T, b []byte) {
		syms, err := parseSymbols("group", b)
		if err != nil {
			checkErr(t, err)
			return
		}
		for _, s := range syms {
			if _, err := market.ParseSymbol(string(s)); err != nil {
				t.Fatalf("bad symbol %q", s)
			}
		}
	})
}

func FuzzParseKBSSectors(f *testing.F) {
	seed(f, []string{"sector_all_excerpt.json"}, `[{"name":"X","code":"7","change":"1.5"}]`, `[{"name":"X","code":"a"}]`)
	f.Fuzz(func(t *testing.T, b []byte) {
		secs, err := parseSectors(b)
		if err != nil {
			checkErr(t, err)
			return
		}
		for _, s := range secs {
			if s.code == "" || s.name == "" {
				t.Fatalf("bad sector %+v", s)
			}
		}
	})
}

func FuzzParseKBSSectorStocks(f *testing.F) {
	seed(f, []string{"sector_stock_1_excerpt.json"}, `{"name":"X","stocks":[{"sb":""}]}`)
	f.Fuzz(func(t *testing.T, b []byte) {
		_, syms, err := parseSectorStocks(b)
		if err != nil {
			checkErr(t, err)
			return
		}
		for _, s := range syms {
			if s == "" {
				t.Fatal("empty symbol")
			}
		}
	})
}

// profileSeed is a catalogue-shaped profile (key names of upstream.md
// §4.5, values made up), the TCB shape seen in a third-party capture.
const profileSeed = `{"SB":"TCB","FD":"06/08/1993","CC":70862,"HM":12705,"EX":"HOSE","SM":"<p>Ngân hàng</p>","KLCPNY":7086240414,
"Subsidiaries":[{"D":"2025-12-31T00:00:00","NM":"CTCP Quản lý Quỹ Kỹ thương","OR":88.99}],
"Leaders":[{"FD":"2004","PN":"CTHĐQT","NM":"Ông Hồ Hùng Anh"}],"Ownership":[{"NM":"CĐ khác","OR":99.9,"SH":1,"D":"2025-12-31"}],
"Shareholders":[{"NM":"A","D":"2026-01-26T09:10:35.883","V":10,"OR":"1.5"}],"CharterCapital":[{"D":"2026-03-02","V":70862,"C":"VND"}]}`

func FuzzParseKBSProfile(f *testing.F) {
	seed(f, nil, profileSeed, `{"SB":"TCB","CC":"many"}`, `{"Leaders":[{"NM":""}]}`, `{"CharterCapital":[{"D":"x"}]}`)
	caps := []market.Capability{market.CapCompany, market.CapShareholders, market.CapOfficers,
		market.CapSubsidiaries, market.CapOwnership, market.CapCapitalHistory}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, c := range caps {
			fr, err := parseProfile(b, "TCB", c, "vi")
			if err != nil {
				checkErr(t, err, market.ErrNotFound)
				continue
			}
			for _, row := range fr.Rows {
				if len(row) != len(fr.Columns) {
					t.Fatalf("%s: ragged row %v", c, row)
				}
			}
		}
	})
}

func FuzzParseKBSList(f *testing.F) {
	seed(f, []string{"news_VNM_excerpt.json", "internal_trading_VNM_excerpt.json"},
		`[{"EventID":1,"Title":"x","EventDate":"2026-01-02","Nested":{"a":[1]}}]`, `[1]`)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, c := range []market.Capability{market.CapNews, market.CapEvents, market.CapInsiderTrading} {
			fr, err := parseList(c, b, "VNM")
			if err != nil {
				checkErr(t, err)
				continue
			}
			for _, row := range fr.Rows {
				if len(row) != len(fr.Columns) {
					t.Fatalf("%s: ragged row %v", c, row)
				}
			}
		}
	})
}

// financeSeed is a catalogue-shaped finance-info page (upstream.md §4.6).
const financeSeed = `{"Audit":[{"AuditedStatusCode":"SX","Description":"Soát xét"}],"Unit":[{"UnitedCode":"HN","UnitedName":"Hợp nhất"}],
"Head":[{"ID":2,"YearPeriod":2025,"TermName":"Quý 3","TermCode":"Q3"},{"ID":1,"YearPeriod":2025,"TermName":"Quý 4","TermCode":"Q4"}],
"Content":{"Kết quả kinh doanh":[{"ID":1,"Name":"1. Thu nhập lãi","NameEn":"1. Interest income","Levels":0,"Value1":14950024000,"Value2":"12.5"}],
"Nhóm chỉ số Định giá":[{"Name":"P/E","NameEn":"P/E","Value1":15.9}]}}`

func FuzzParseKBSFinance(f *testing.F) {
	seed(f, nil, financeSeed, `{"Head":[{"YearPeriod":"20x5"}]}`, `{"Head":[],"Content":{"Kết quả kinh doanh":[{"Value1":"x"}]}}`,
		`{"Head":[{"YearPeriod":2025}],"Content":[]}`)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, c := range []market.Capability{market.CapIncomeStatement, market.CapRatios} {
			st, err := parseFinance(b, reports[c], "vi")
			if err != nil {
				checkErr(t, err)
				continue
			}
			fr := st.frame(8)
			for _, row := range fr.Rows {
				if len(row) != len(fr.Columns) {
					t.Fatalf("ragged row %v", row)
				}
			}
		}
	})
}
