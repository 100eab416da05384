package kbs

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vnstock-api/vnstock-api/market"
)

// board30 is a stock/iss answer for the VN30 basket with every key of
// upstream.md §4.4 on every row (the recorded excerpt has 18 of them).
func board30() []byte {
	var b strings.Builder
	b.WriteByte('[')
	for i, sym := range market.VN30 {
		if i > 0 {
			b.WriteByte(',')
		}
		p := 20000 + int64(i)*1000
		fmt.Fprintf(&b, `{"SB":%q,"EX":"HOSE","CL":%d,"FL":%d,"RE":%d,"OP":%d,"HI":%d,"LO":%d,"CP":%d,"CV":344100,`+
			`"AP":%d,"TT":13371400,"TV":921101500000,"CH":100,"CHP":0.5,"B1":"%d.0","V1":44400,"B2":%d,"V2":1200,"B3":%d,"V3":900,`+
			`"S1":"%d.0","U1":23900,"S2":%d,"U2":500,"S3":%d,"U3":700,"FB":1191010,"FS":1149827,"FR":1036480000,`+
			`"FO":52.3,"PTQ":0,"PTV":0,"LS":2089955445,"MS":"O","t":1772181152444}`,
			sym, p*107/100, p*93/100, p, p, p+200, p-200, p+100, p+50, p+100, p+50, p, p+150, p+200, p+250)
	}
	b.WriteByte(']')
	return []byte(b.String())
}

func BenchmarkParseKBSBoard30(b *testing.B) {
	body := board30()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		qs, err := parseBoard(body, goldenNow)
		if err != nil || len(qs) != 30 {
			b.Fatalf("%d quotes, %v", len(qs), err)
		}
	}
}
