package gold

import (
	"testing"

	"github.com/vnstock-api/vnstock-api/feeds/internal/golden"
)

func BenchmarkParseSJC(b *testing.B) {
	body := golden.Read(b, "gold", "sjc_2025-01-15.json")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseSJC(body, jan15); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseBTMC(b *testing.B) {
	body := golden.Read(b, "gold", "btmc.json")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseBTMC(body); err != nil {
			b.Fatal(err)
		}
	}
}
