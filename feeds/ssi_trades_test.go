package feeds

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/vnstock-api/vnstock-api/market"
)

// rawSameExceptTime reports whether two board-form records are identical but
// for field 101.
func rawSameExceptTime(a, b []byte) bool {
	return bytes.Equal(a[:bytes.LastIndexByte(a, '|')], b[:bytes.LastIndexByte(b, '|')])
}

func TestSSITradesSession(t *testing.T) {
	t.Parallel()
	recs := ssiSessionRecords(t)
	d := NewSSITrades()
	first := map[market.Symbol]int64{}
	last := map[market.Symbol]int64{}
	sum := map[market.Symbol]int64{}
	trades := map[market.Symbol]int{}
	prevRaw := map[market.Symbol][]byte{}
	unchanged, rawSame := 0, 0
	for i, rec := range recs {
		q, err := ParseSSIStock(rec)
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		tr, traded, changed := d.Observe(&q)
		if _, ok := first[q.Symbol]; !ok {
			first[q.Symbol] = q.TotalVolume
		}
		last[q.Symbol] = q.TotalVolume
		if !changed {
			unchanged++
			if traded {
				t.Errorf("record %d: trade %+v on an unchanged record", i, tr)
			}
		}
		if p, ok := prevRaw[q.Symbol]; ok && rawSameExceptTime(p, rec) {
			rawSame++
			if changed {
				t.Errorf("record %d: identical to the previous %s record but for time, reported changed", i, q.Symbol)
			}
		}
		prevRaw[q.Symbol] = rec
		if traded {
			trades[q.Symbol]++
			sum[q.Symbol] += tr.Volume
			if tr.Price != q.Last || tr.Side != market.SideUnknown || tr.TotalVolume != q.TotalVolume ||
				!tr.Time.Equal(q.Time) || tr.Symbol != q.Symbol || tr.Volume <= 0 {
				t.Errorf("record %d: trade %+v does not match quote", i, tr)
			}
		}
	}
	if rawSame != 25 {
		t.Errorf("%d records identical but for time, want 25", rawSame)
	}
	if unchanged != rawSame {
		t.Errorf("%d unchanged quotes, want the %d time-only records", unchanged, rawSame)
	}
	wantTrades := map[market.Symbol]int{"MBB": 9, "FPT": 6, "VCB": 2}
	for sym, want := range wantTrades {
		if trades[sym] != want {
			t.Errorf("%s: %d trades, want %d", sym, trades[sym], want)
		}
		if sum[sym] != last[sym]-first[sym] {
			t.Errorf("%s: trade volumes sum to %d, want final-first total volume %d", sym, sum[sym], last[sym]-first[sym])
		}
	}
}

func TestSSITradesBaseline(t *testing.T) {
	t.Parallel()
	q := func(total int64) *market.Quote {
		return &market.Quote{Symbol: "VCB", Last: 59400, TotalVolume: total}
	}
	tests := []struct {
		name    string
		totals  []int64
		wantVol []int64 // volume of the trade after each observation, 0 = none
	}{
		{"first is baseline", []int64{100}, []int64{0}},
		{"increase trades delta", []int64{100, 300, 300, 350}, []int64{0, 200, 0, 50}},
		{"decrease resets", []int64{500, 100, 150}, []int64{0, 0, 50}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := NewSSITrades()
			for i, total := range tt.totals {
				tr, traded, _ := d.Observe(q(total))
				var got int64
				if traded {
					got = tr.Volume
				}
				if got != tt.wantVol[i] {
					t.Errorf("step %d: trade volume %d (traded %v), want %d", i, got, traded, tt.wantVol[i])
				}
			}
		})
	}
}

// sameQuoteExceptTime lists Quote's fields by hand; this fails when Quote
// grows a field so that the comparison gets updated.
func TestSameQuoteCoversQuote(t *testing.T) {
	t.Parallel()
	if n := reflect.TypeFor[market.Quote]().NumField(); n != 23 {
		t.Errorf("market.Quote has %d fields, sameQuoteExceptTime compares 23: update it", n)
	}
}
