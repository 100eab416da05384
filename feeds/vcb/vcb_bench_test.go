package vcb

import "testing"

func BenchmarkParse(b *testing.B) {
	body := readTestdata(b, "exportexcel_2025-01-15.json")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parse(body, "2025-01-15"); err != nil {
			b.Fatal(err)
		}
	}
}
