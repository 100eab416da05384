package feeds

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vnstock-api/vnstock-api/feeds/internal/golden"
	"github.com/vnstock-api/vnstock-api/market"
)

var update = flag.Bool("update", false, "rewrite golden files")

const ssiSessionFile = "../testdata/ssi/session_2026-04-14_VCB-FPT-MBB.jsonl"

// ssiSessionRecords returns the 135 data records of the recorded session.
func ssiSessionRecords(t testing.TB) [][]byte {
	t.Helper()
	f, err := os.Open(ssiSessionFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	frames, err := readSSIRecording(f)
	if err != nil {
		t.Fatal(err)
	}
	var recs [][]byte
	for _, fr := range frames {
		if bytes.IndexByte(fr.Raw, '|') >= 0 {
			recs = append(recs, fr.Raw)
		}
	}
	if len(recs) != 135 {
		t.Fatalf("session has %d records, want 135", len(recs))
	}
	return recs
}

// testdataLines returns the non-empty lines of a testdata/ssi file with the
// recorder's receive-time prefix (`1754535567282|`) removed.
func testdataLines(t testing.TB, name string) [][]byte {
	t.Helper()
	data := golden.Read(t, "ssi", name)
	var out [][]byte
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if i := bytes.IndexByte(line, '|'); i > 0 {
			if _, ok := parseDecimal(line[:i]); ok {
				line = line[i+1:]
			}
		}
		out = append(out, bytes.Clone(line))
	}
	return out
}

// jsonArray renders one object per line inside [ ].
func jsonArray(items [][]byte) []byte {
	b := []byte("[\n")
	for i, it := range items {
		b = append(b, it...)
		if i < len(items)-1 {
			b = append(b, ',')
		}
		b = append(b, '\n')
	}
	return append(b, "]\n"...)
}

func TestSSISessionGolden(t *testing.T) {
	t.Parallel()
	var items [][]byte
	for i, rec := range ssiSessionRecords(t) {
		q, err := ParseSSIStock(rec)
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		items = append(items, q.AppendJSON(nil))
	}
	golden.CompareBytes(t, "ssi", "session_2026-04-14.golden.json", jsonArray(items), *update)
}

func TestSSIIndexGolden(t *testing.T) {
	t.Parallel()
	var items [][]byte
	for i, rec := range testdataLines(t, "index_records.txt") {
		r, err := ParseSSIRecord(rec)
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		if r.Kind != SSIKindIndex {
			t.Fatalf("record %d: kind %d, want index", i, r.Kind)
		}
		items = append(items, r.Index.AppendJSON(nil))
	}
	golden.CompareBytes(t, "ssi", "index_records.golden.json", jsonArray(items), *update)
}

func ict(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05.000", s, market.ICT)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseSSIStockValues(t *testing.T) {
	t.Parallel()
	recs := ssiSessionRecords(t)
	tests := []struct {
		name string
		rec  int
		want market.Quote
	}{
		{"first VCB", 9, market.Quote{
			Symbol: "VCB", Exchange: market.HOSE, Time: ict("2026-04-14 13:32:10.392"),
			Ref: 59200, Ceiling: 63300, Floor: 55100, Open: 59700, High: 59800, Low: 59300,
			Last: 59400, LastVolume: 100, Avg: 59497, TotalVolume: 3107100, TotalValue: 184864560000,
			Change: 200, ChangePct: 0.34,
			Bids:       []market.Level{{Price: 59300, Volume: 196100}, {Price: 59200, Volume: 244200}, {Price: 59100, Volume: 139500}},
			Asks:       []market.Level{{Price: 59400, Volume: 155000}, {Price: 59500, Volume: 116600}, {Price: 59600, Volume: 118800}},
			ForeignBuy: 495200, ForeignSell: 507742, ForeignRoom: 818340711, Source: "ssi",
		}},
		{"first FPT, decimal average rounds up", 1, market.Quote{
			Symbol: "FPT", Exchange: market.HOSE, Time: ict("2026-04-14 13:32:08.137"),
			Ref: 76000, Ceiling: 81300, Floor: 70700, Open: 77000, High: 77200, Low: 76200,
			Last: 76400, LastVolume: 1000, Avg: 76680, TotalVolume: 3733300, TotalValue: 286268130000,
			Change: 400, ChangePct: 0.53,
			Bids:       []market.Level{{Price: 76300, Volume: 11800}, {Price: 76200, Volume: 140900}, {Price: 76100, Volume: 212400}},
			Asks:       []market.Level{{Price: 76400, Volume: 61200}, {Price: 76500, Volume: 74800}, {Price: 76600, Volume: 142500}},
			ForeignBuy: 81543, ForeignSell: 1375466, ForeignRoom: 276457777, Source: "ssi",
		}},
		{"first MBB, room 0", 0, market.Quote{
			Symbol: "MBB", Exchange: market.HOSE, Time: ict("2026-04-14 13:32:08.065"),
			Ref: 26450, Ceiling: 28300, Floor: 24600, Open: 26700, High: 26800, Low: 26500,
			Last: 26550, LastVolume: 1000, Avg: 26618, TotalVolume: 11773300, TotalValue: 313381740000,
			Change: 100, ChangePct: 0.38,
			Bids:       []market.Level{{Price: 26550, Volume: 32400}, {Price: 26500, Volume: 582000}, {Price: 26450, Volume: 1505900}},
			Asks:       []market.Level{{Price: 26600, Volume: 102800}, {Price: 26650, Volume: 254300}, {Price: 26700, Volume: 450500}},
			ForeignBuy: 3828200, ForeignSell: 1051200, ForeignRoom: 0, Source: "ssi",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseSSIStock(recs[tt.rec])
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("quote (-want +got):\n%s", d)
			}
			if _, off := got.Time.Zone(); off != 7*3600 {
				t.Errorf("time zone offset %d, want +07:00", off)
			}
		})
	}
}

func TestParseSSIListV2Form(t *testing.T) {
	t.Parallel()
	rec := ssiSessionRecords(t)[9]
	board, err := ParseSSIStock(rec)
	if err != nil {
		t.Fatal(err)
	}
	v2, err := ParseSSIStock(bytes.TrimPrefix(rec, []byte("MAIN|")))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(board, v2); d != "" {
		t.Errorf("ListV2 form differs (-board +v2):\n%s", d)
	}
}

func TestParseSSIIndexValues(t *testing.T) {
	t.Parallel()
	lines := testdataLines(t, "index_records.txt")
	tests := []struct {
		name string
		line int
		want market.IndexQuote
	}{
		{"VNINDEX after close", 0, market.IndexQuote{
			Code: "VNINDEX", Time: ict("2024-06-11 15:02:04.789"), Value: 1284.41, Ref: 1290.67,
			Open: 1295.03, High: 1296.41, Low: 1279.47, Change: -6.26, ChangePct: -0.49,
			Volume: 993342917, Turnover: 25420890000000, Advances: 146, Declines: 301, Unchanged: 63,
			Ceilings: 9, Floors: 3, Source: "ssi",
		}},
		{"VNFINLEAD intraday", 1, market.IndexQuote{
			Code: "VNFINLEAD", Time: ict("2024-12-30 11:30:55.447"), Value: 2146.75, Ref: 2154.08,
			Open: 2157.14, High: 2157.84, Low: 2142.67, Change: -7.33, ChangePct: -0.34,
			Volume: 56055700, Turnover: 1375219000000, Advances: 6, Declines: 13, Unchanged: 4,
			Source: "ssi",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseSSIIndex(lines[tt.line])
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("index (-want +got):\n%s", d)
			}
		})
	}
}

func TestParseSSIFuturesUnsupported(t *testing.T) {
	t.Parallel()
	lines := testdataLines(t, "frame_futures_41I1F8000_with_recv_ts.txt")
	if len(lines) != 1 {
		t.Fatalf("%d lines, want 1", len(lines))
	}
	_, err := ParseSSIRecord(lines[0])
	var ue *SSIUnsupportedError
	if !errors.As(err, &ue) || !errors.Is(err, ErrSSIUnsupported) {
		t.Fatalf("err = %v, want *SSIUnsupportedError", err)
	}
	if ue.Symbol != "41I1F8000" || ue.Market != "vnf" {
		t.Errorf("unsupported error names %s/%s, want 41I1F8000/vnf", ue.Symbol, ue.Market)
	}
}

func TestSSIIndexCodes(t *testing.T) {
	t.Parallel()
	tests := []struct{ iboard, canonical string }{
		{"VNINDEX", "VNINDEX"}, {"VN30", "VN30"}, {"HNXIndex", "HNXINDEX"},
		{"HNXUpcomIndex", "UPCOMINDEX"}, {"HNX30", "HNX30"}, {"VNFINLEAD", "VNFINLEAD"},
	}
	for _, tt := range tests {
		t.Run(tt.iboard, func(t *testing.T) {
			t.Parallel()
			if got := SSIIndexCanonical(tt.iboard); got != tt.canonical {
				t.Errorf("SSIIndexCanonical(%s) = %s, want %s", tt.iboard, got, tt.canonical)
			}
			if got := SSIIndexCode(tt.canonical); got != tt.iboard {
				t.Errorf("SSIIndexCode(%s) = %s, want %s", tt.canonical, got, tt.iboard)
			}
		})
	}
}

// replaceField returns rec with board-form field i set to v.
func replaceField(rec []byte, i int, v string) []byte {
	f := strings.Split(string(rec), "|")
	f[i] = v
	return []byte(strings.Join(f, "|"))
}

func TestParseSSIMalformed(t *testing.T) {
	t.Parallel()
	rec := ssiSessionRecords(t)[9]
	idx := testdataLines(t, "index_records.txt")[0]
	tests := []struct {
		name  string
		line  []byte
		field string // prefix of SchemaError.Field
	}{
		{"empty", nil, "record"},
		{"ack text", []byte("Subscribed stockRealtimeBySymbolsAndBoards"), "record"},
		{"one field short", rec[:bytes.LastIndexByte(rec, '|')], "record"},
		{"one field long", append(bytes.Clone(rec), '|'), "record"},
		{"missing symbol", replaceField(rec, 1, "S#"), "1 (symbol)"},
		{"no S# prefix", replaceField(rec, 1, "VCB"), "1 (symbol)"},
		{"bad symbol", replaceField(rec, 1, "S#V-B"), "1 (symbol)"},
		{"unknown market", replaceField(rec, 45, "nyse"), "45 (market code)"},
		{"text last price", replaceField(rec, 42, "ATC"), "42 (last price)"},
		{"empty reference", replaceField(rec, 61, ""), "61 (reference price)"},
		{"float volume", replaceField(rec, 54, "1.5"), "54 (total volume)"},
		{"NaN average", replaceField(rec, 47, "NaN"), "47 (average price)"},
		{"bad book price", replaceField(rec, 4, "x"), "4 (book price)"},
		{"empty time", replaceField(rec, 101, ""), "101 (update time)"},
		{"huge number", replaceField(rec, 43, "99999999999999999999"), "43 (last volume)"},
		{"index field short", idx[:bytes.LastIndexByte(idx, '|')], "record"},
		{"index empty code", replaceField(idx, 0, "I#"), "0 (index code)"},
		{"index empty value", replaceField(idx, 1, ""), "1 (index value)"},
		{"index bad count", replaceField(idx, 4, "-1"), "4 (advances)"},
		{"index bad time", replaceField(idx, 13, "x"), "13 (time)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := ParseSSIRecord(tt.line)
			var se *market.SchemaError
			if !errors.As(err, &se) || !errors.Is(err, market.ErrUpstreamSchema) {
				t.Fatalf("err = %v (record %+v), want *market.SchemaError", err, r.Kind)
			}
			if se.Source != "ssi" || !strings.HasPrefix(se.Field, tt.field) {
				t.Errorf("SchemaError names %s field %q, want ssi %q", se.Source, se.Field, tt.field)
			}
		})
	}
}

func FuzzParseSSI(f *testing.F) {
	for _, rec := range ssiSessionRecords(f)[:20] {
		f.Add(rec)
		f.Add(bytes.TrimPrefix(rec, []byte("MAIN|")))
	}
	for _, name := range []string{"index_records.txt", "frame_futures_41I1F8000_with_recv_ts.txt"} {
		for _, l := range testdataLines(f, name) {
			f.Add(l)
		}
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		r, err := ParseSSIRecord(line)
		if err != nil {
			var se *market.SchemaError
			if !errors.As(err, &se) && !errors.Is(err, ErrSSIUnsupported) {
				t.Fatalf("error %v is neither SchemaError nor unsupported", err)
			}
			return
		}
		switch r.Kind {
		case SSIKindQuote:
			if r.Quote.Symbol == "" || r.Quote.Time.IsZero() {
				t.Fatalf("zero-valued quote without error: %+v", r.Quote)
			}
			_ = r.Quote.AppendJSON(nil)
		case SSIKindIndex:
			if r.Index.Code == "" || r.Index.Time.IsZero() {
				t.Fatalf("zero-valued index without error: %+v", r.Index)
			}
			_ = r.Index.AppendJSON(nil)
		default:
			t.Fatalf("no error and kind %d", r.Kind)
		}
	})
}
