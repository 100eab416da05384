package msn

import (
	"testing"

	"github.com/vnstock-api/vnstock-api/feeds/internal/golden"
	"github.com/vnstock-api/vnstock-api/market"
)

func BenchmarkParseChart(b *testing.B) {
	body := golden.Read(b, "msn", "chart_msft_2024q1.json")
	b.ReportAllocs()
	for b.Loop() {
		days, err := parseChart(body)
		if err != nil {
			b.Fatal(err)
		}
		_ = aggregate(days, "MSFT", market.Interval1D, day(2024, 3, 21))
	}
}
