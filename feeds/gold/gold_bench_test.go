package gold

import "testing"

func BenchmarkParseSJC(b *testing.B) {
	body := readTestdata(b, "sjc_2025-01-15.json")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseSJC(body, jan15); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseBTMC(b *testing.B) {
	body := readTestdata(b, "btmc.json")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseBTMC(body); err != nil {
			b.Fatal(err)
		}
	}
}
