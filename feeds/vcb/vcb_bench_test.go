package vcb

import (
	"testing"

	"github.com/vnstock-api/vnstock-api/feeds/internal/golden"
)

func BenchmarkParse(b *testing.B) {
	body := golden.Read(b, "vcb", "exportexcel_2025-01-15.json")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parse(body, "2025-01-15"); err != nil {
			b.Fatal(err)
		}
	}
}
