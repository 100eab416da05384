package vci

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/feeds/internal/golden"
	"github.com/vnstock-api/vnstock-api/market"
)

// chartBody is a gap-chart answer of n one-minute bars shaped like VCI's
// (epoch-second strings, decimal VND prices, integer volumes, plus the
// accumulated arrays the parser skips).
func chartBody(n int) []byte {
	var t, o, v, acc []string
	start := time.Date(2025, 9, 26, 2, 15, 0, 0, time.UTC).Unix()
	for i := range n {
		t = append(t, strconv.Quote(strconv.FormatInt(start+int64(i)*60, 10)))
		o = append(o, strconv.FormatFloat(86886.24+float64(i%50)*8.87, 'f', 2, 64))
		v = append(v, strconv.Itoa(4600+i%37*100))
		acc = append(acc, strconv.Itoa(1166500+i*4700))
	}
	arr := func(s []string) string { return "[" + strings.Join(s, ",") + "]" }
	return []byte(fmt.Sprintf(`[{"symbol":"FPT","t":%s,"o":%s,"h":%s,"l":%s,"c":%s,"v":%s,"accumulatedVolume":%s,"accumulatedValue":%s,"minBatchTruncTime":%s}]`,
		arr(t), arr(o), arr(o), arr(o), arr(o), arr(v), arr(acc), arr(acc), t[0]))
}

// BenchmarkParseGapChart parses a month of one-minute bars (20 sessions ×
// 255 minutes).
func BenchmarkParseGapChart(b *testing.B) {
	body := chartBody(20 * 255)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		bars, err := ParseGapChart(body, "FPT", "FPT", market.Interval1m)
		if err != nil || len(bars) != 20*255 {
			b.Fatal(len(bars), err)
		}
	}
}

// boardBody is a getList answer for 30 symbols (a VN30 board) built from
// the reconstructed VCI, TCB and VCB items.
func boardBody(b *testing.B) []byte {
	raw := golden.Read(b, "vci", "reconstructed_board_VCI-TCB-VCB_2025-03-21.json")
	var items []map[string]map[string]any
	if err := json.Unmarshal(raw, &items); err != nil {
		b.Fatal(err)
	}
	var out []map[string]map[string]any
	for i := range 30 {
		it := items[i%3]
		li := map[string]any{}
		for k, v := range it["listingInfo"] {
			li[k] = v
		}
		li["symbol"] = fmt.Sprintf("S%02d", i)
		out = append(out, map[string]map[string]any{"listingInfo": li, "bidAsk": it["bidAsk"], "matchPrice": it["matchPrice"]})
	}
	body, err := json.Marshal(out)
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// BenchmarkParseBoard parses a 30-symbol price board.
func BenchmarkParseBoard(b *testing.B) {
	body := boardBody(b)
	now := time.Date(2025, 3, 21, 10, 0, 0, 0, market.ICT)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		quotes, err := ParseBoard(body, now)
		if err != nil || len(quotes) != 30 {
			b.Fatal(len(quotes), err)
		}
	}
}
