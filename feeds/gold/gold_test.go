package gold

import (
	"errors"
	"flag"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vnstock-api/vnstock-api/feeds/internal/golden"
	"github.com/vnstock-api/vnstock-api/market"
)

// The payloads under testdata/gold were written by hand from the shapes of
// upstream.md §7 (no recording of SJC or BTMC exists).

var update = flag.Bool("update", false, "rewrite golden files")

var jan15 = time.Date(2025, 1, 15, 0, 0, 0, 0, market.ICT)

func TestParseSJCGolden(t *testing.T) {
	t.Parallel()
	f, err := parseSJC(golden.Read(t, "gold", "sjc_2025-01-15.json"), jan15)
	if err != nil {
		t.Fatal(err)
	}
	golden.Compare(t, "gold", "sjc_2025-01-15.golden.json", golden.Marshal(t, f), *update)
	// Checked by hand against the payload: row 3 is the ring, 84.0/85.6 million VND.
	if f.Len() != 4 || f.Value(2, "buy_price") != int64(84_000_000) || f.Value(2, "sell_price") != int64(85_600_000) ||
		f.Value(3, "branch") != "Hà Nội" || f.Value(0, "date") != "2025-01-15" {
		t.Errorf("rows %v", f.Rows)
	}
}

func TestParseBTMCGolden(t *testing.T) {
	t.Parallel()
	f, err := parseBTMC(golden.Read(t, "gold", "btmc.json"))
	if err != nil {
		t.Fatal(err)
	}
	golden.Compare(t, "gold", "btmc.golden.json", golden.Marshal(t, f), *update)
	// Highest sell first: the SJC bar (8,652,000), then VRTL (8,650,000).
	want := []any{"VÀNG MIẾNG SJC (Vàng SJC)", "24k", "999.9", int64(8_450_000), int64(8_652_000), int64(2671),
		time.Date(2025, 1, 15, 8, 42, 0, 0, market.ICT)}
	if diff := cmp.Diff(want, f.Rows[0]); diff != "" {
		t.Errorf("first row (-want +got):\n%s", diff)
	}
	if f.Value(1, "name") != "VÀNG MIẾNG VRTL (Vàng Rồng Thăng Long)" || f.Value(3, "sell_price") != int64(8_510_000) {
		t.Errorf("order %v", f.Rows)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		parse  func([]byte) error
		body   string
		field  string // SchemaError field; "" for a non-schema error
		target error
	}{
		{"sjc not json", sjc, `<html>`, "body", nil},
		{"sjc no success", sjc, `{"data":[]}`, "success", nil},
		{"sjc refused", sjc, `{"success":false}`, "", market.ErrUpstream},
		{"sjc empty", sjc, `{"success":true,"data":[]}`, "", market.ErrNotFound},
		{"sjc no type", sjc, `{"success":true,"data":[{"BuyValue":1,"SellValue":2}]}`, "data[0].TypeName", nil},
		{"sjc no buy", sjc, `{"success":true,"data":[{"TypeName":"x","SellValue":2}]}`, "data[0].BuyValue", nil},
		{"sjc negative sell", sjc, `{"success":true,"data":[{"TypeName":"x","BuyValue":1,"SellValue":-2}]}`, "data[0].SellValue", nil},
		{"btmc no list", btmc, `{}`, "DataList", nil},
		{"btmc empty", btmc, `{"DataList":{"Data":[]}}`, "", market.ErrNotFound},
		{"btmc bad row", btmc, `{"DataList":{"Data":[{"@row":"x"}]}}`, "Data[0].@row", nil},
		{"btmc no name", btmc, `{"DataList":{"Data":[{"@row":"1","@pb_1":"1","@ps_1":"2","@d_1":"15/01/2025 08:42"}]}}`, "Data[0].@n_1", nil},
		{"btmc bad price", btmc, `{"DataList":{"Data":[{"@row":"1","@n_1":"a","@pb_1":"NaN","@ps_1":"2","@d_1":"15/01/2025 08:42"}]}}`, "Data[0].@pb_1", nil},
		{"btmc bad time", btmc, `{"DataList":{"Data":[{"@row":"1","@n_1":"a","@pb_1":"1","@ps_1":"2","@d_1":"today"}]}}`, "Data[0].@d_1", nil},
		{"btmc number not string", btmc, `{"DataList":{"Data":[{"@row":1}]}}`, "Data[0].@row", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.parse([]byte(tt.body))
			var se *market.SchemaError
			switch {
			case tt.field != "":
				if !errors.As(err, &se) || se.Field != tt.field {
					t.Fatalf("error %v, want a SchemaError on %s", err, tt.field)
				}
			case !errors.Is(err, tt.target):
				t.Fatalf("error %v, want %v", err, tt.target)
			}
		})
	}
}

func sjc(b []byte) error  { _, err := parseSJC(b, jan15); return err }
func btmc(b []byte) error { _, err := parseBTMC(b); return err }

// fuzzCheck fails unless err is nil or a classified error.
func fuzzCheck(t *testing.T, f *market.Frame, err error) {
	var se *market.SchemaError
	switch {
	case err == nil:
		if f == nil {
			t.Fatal("nil frame without error")
		}
		for _, r := range f.Rows {
			if len(r) != len(f.Columns) {
				t.Fatalf("row %v does not match columns %v", r, f.Columns)
			}
		}
	case errors.As(err, &se), errors.Is(err, market.ErrNotFound), errors.Is(err, market.ErrUpstream):
	default:
		t.Fatalf("unclassified error %v", err)
	}
}

func FuzzParseSJC(f *testing.F) {
	f.Add(golden.Read(f, "gold", "sjc_2025-01-15.json"))
	f.Add([]byte(`{"success":true,"data":[{"TypeName":"x","BuyValue":1e300,"SellValue":"2"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := parseSJC(b, jan15)
		fuzzCheck(t, fr, err)
	})
}

func FuzzParseBTMC(f *testing.F) {
	f.Add(golden.Read(f, "gold", "btmc.json"))
	f.Add([]byte(`{"DataList":{"Data":[{"@row":"01","@n_01":"a","@pb_01":"1","@ps_01":"2","@d_01":"15/01/2025 08:42"}]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := parseBTMC(b)
		fuzzCheck(t, fr, err)
	})
}
