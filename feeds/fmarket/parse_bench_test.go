package fmarket

import "testing"

func BenchmarkParseFunds(b *testing.B) {
	body := readTestdata(b, "filter.json")
	b.ReportAllocs()
	for b.Loop() {
		rows, _, err := parseFunds(body)
		if err != nil {
			b.Fatal(err)
		}
		_ = fundsFrame(rows)
	}
}
