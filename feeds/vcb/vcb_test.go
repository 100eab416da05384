package vcb

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vnstock-api/vnstock-api/feeds/fakeupstream"
	"github.com/vnstock-api/vnstock-api/feeds/internal/golden"
	"github.com/vnstock-api/vnstock-api/market"
)

// testdata/vcb/exportexcel_2025-01-15.json is a hand-written workbook (no
// recording of Vietcombank exists): title, date and header rows, seven
// currencies mixing shared strings, inline strings and numeric cells, a
// "-" and a missing cash rate, and four footnote rows; a second sheet
// "Notes" must be ignored. Its rate sheet is kept readable next to it as
// exportexcel_2025-01-15.sheet1.xml.

var update = flag.Bool("update", false, "rewrite golden files")

func TestParseGolden(t *testing.T) {
	t.Parallel()
	f, err := parse(golden.Read(t, "vcb", "exportexcel_2025-01-15.json"), "2025-01-15")
	if err != nil {
		t.Fatal(err)
	}
	golden.Compare(t, "vcb", "exportexcel_2025-01-15.golden.json", golden.Marshal(t, f), *update)
	// Checked by hand against the sheet.
	wantRows := [][]any{
		{"USD", "US DOLLAR", 25130.0, 25160.0, 25470.0, "2025-01-15"},
		{"EUR", "EURO", 25332.47, 25588.36, 26722.17, "2025-01-15"},
		{"JPY", "JAPANESE YEN", 156.11, 157.69, 165.09, "2025-01-15"},
		{"GBP", "UK POUND STERLING", 30045.13, 30348.61, 31321.87, "2025-01-15"},
		{"KRW", "KOREAN WON", 15.14, 16.82, 18.24, "2025-01-15"},
		{"KWD", "KUWAITI DINAR", nil, 81470.03, 84728.11, "2025-01-15"},
		{"THB", "THAILAND BAHT", nil, 715.33, 742.71, "2025-01-15"},
	}
	if diff := cmp.Diff(wantRows, f.Rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

func TestReadableSheetMatchesArchive(t *testing.T) {
	t.Parallel()
	var resp struct{ Data string }
	if err := json.Unmarshal(golden.Read(t, "vcb", "exportexcel_2025-01-15.json"), &resp); err != nil {
		t.Fatal(err)
	}
	zipped, err := base64.StdEncoding.DecodeString(resp.Data)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(zipped), int64(len(zipped)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	inZip, _ := io.ReadAll(rc)
	if string(inZip)+"\n" != string(golden.Read(t, "vcb", "exportexcel_2025-01-15.sheet1.xml")) {
		t.Error("exportexcel_2025-01-15.sheet1.xml differs from the archive's sheet")
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	b64 := func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
	tests := []struct{ name, body, field string }{
		{"not json", `<html>`, "body"},
		{"no data", `{"Count":0}`, "Data"},
		{"not base64", `{"Data":"%%%"}`, "Data"},
		{"not a zip", `{"Data":"` + b64([]byte("PK nope")) + `"}`, "Data"},
		{"no sheet", `{"Data":"` + b64(workbook(t, "Other", `<row r="1"><c r="A1" t="inlineStr"><is><t>USD</t></is></c></row>`)) + `"}`, "Data"},
		{"no currency rows", `{"Data":"` + b64(workbook(t, "ExchangeRate", `<row r="1"><c r="A1" t="inlineStr"><is><t>Title</t></is></c></row>`)) + `"}`, "ExchangeRate"},
		{"bad rate", `{"Data":"` + b64(workbook(t, "ExchangeRate", `<row r="4"><c r="A4" t="inlineStr"><is><t>USD</t></is></c><c r="D4" t="inlineStr"><is><t>n/a</t></is></c></row>`)) + `"}`, "ExchangeRate!D4"},
		{"bad shared string", `{"Data":"` + b64(workbook(t, "ExchangeRate", `<row r="1"><c r="A1" t="s"><v>9</v></c></row>`)) + `"}`, "Data"},
		{"cells out of order", `{"Data":"` + b64(workbook(t, "ExchangeRate", `<row r="1"><c r="C1"><v>1</v></c><c r="A1"><v>2</v></c></row>`)) + `"}`, "Data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := parse([]byte(tt.body), "2025-01-15")
			var se *market.SchemaError
			if !errors.As(err, &se) || se.Field != tt.field {
				t.Fatalf("error %v, want a SchemaError on %s", err, tt.field)
			}
		})
	}
}

// workbook builds a one-sheet .xlsx whose sheetData holds rows.
func workbook(t testing.TB, sheet, rows string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range map[string]string{
		"xl/workbook.xml":            `<workbook xmlns:r="r"><sheets><sheet name="` + sheet + `" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="rId1" Target="/xl/worksheets/s.xml"/></Relationships>`,
		"xl/worksheets/s.xml":        `<worksheet><sheetData>` + rows + `</sheetData></worksheet>`,
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestFetchAgainstFakeUpstream(t *testing.T) {
	t.Parallel()
	fake := fakeupstream.New(fakeupstream.Config{})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	now := time.Date(2025, 1, 15, 10, 0, 0, 0, market.ICT)
	src := New(Config{BaseURL: srv.URL + "/vcb", Now: func() time.Time { return now }})
	res, err := src.Fetch(t.Context(), market.Query{Capability: market.CapExchangeRates, Date: now.AddDate(0, 0, -1)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Source != "vcb" || res.Frame.Len() != 12 || fake.Count("vcb", "/vcb/api/exchangerates/exportexcel") != 1 {
		t.Fatalf("result %+v", res)
	}
	usd := res.Frame.Rows[11]
	if usd[0] != "USD" || usd[5] != "2025-01-14" || usd[2].(float64) >= usd[3].(float64) || usd[3].(float64) >= usd[4].(float64) {
		t.Errorf("USD row %v: want cash < transfer < sell", usd)
	}
	if kwd := res.Frame.Rows[8]; kwd[0] != "KWD" || kwd[2] != nil {
		t.Errorf("KWD row %v: want no cash rate", kwd)
	}
	for _, q := range []market.Query{{Capability: market.CapGold}, {Capability: market.CapExchangeRates, Date: now.AddDate(0, 0, 1)}} {
		if _, err := src.Fetch(t.Context(), q); !errors.Is(err, market.ErrUnsupported) && !errors.Is(err, market.ErrInvalid) {
			t.Errorf("%s: %v, want unsupported or invalid", q.Key(), err)
		}
	}
}

func TestFetchRequest(t *testing.T) {
	t.Parallel()
	var got *http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		_, _ = w.Write(golden.Read(t, "vcb", "exportexcel_2025-01-15.json"))
	}))
	defer srv.Close()
	now := time.Date(2025, 1, 15, 23, 30, 0, 0, market.ICT)
	src := New(Config{BaseURL: srv.URL + "/", Now: func() time.Time { return now }})
	if _, err := src.Fetch(t.Context(), market.Query{Capability: market.CapExchangeRates}); err != nil {
		t.Fatal(err)
	}
	if got.URL.Path != "/api/exchangerates/exportexcel" || got.URL.Query().Get("date") != "2025-01-15" {
		t.Errorf("request %s", got.URL)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(golden.Read(f, "vcb", "exportexcel_2025-01-15.json"))
	f.Add([]byte(`{"Data":"` + base64.StdEncoding.EncodeToString(workbook(f, "ExchangeRate",
		`<row r="1"><c r="A1" t="inlineStr"><is><t>USD</t></is></c><c r="XFD1"><v>1</v></c></row>`)) + `"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := parse(b, "2025-01-15")
		var se *market.SchemaError
		if err != nil && !errors.As(err, &se) {
			t.Fatalf("unclassified error %v", err)
		}
		if err == nil && fr.Len() == 0 {
			t.Fatal("empty frame without error")
		}
	})
}
