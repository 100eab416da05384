package fmarket

import (
	"testing"

	"github.com/vnstock-api/vnstock-api/feeds/internal/golden"
)

func BenchmarkParseFunds(b *testing.B) {
	body := golden.Read(b, "fmarket", "filter.json")
	b.ReportAllocs()
	for b.Loop() {
		rows, _, err := parseFunds(body)
		if err != nil {
			b.Fatal(err)
		}
		_ = fundsFrame(rows)
	}
}
