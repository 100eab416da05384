package postgres_test

import (
	"strconv"
	"testing"

	"github.com/vnstock-api/vnstock-api/storage/postgres"
	"github.com/vnstock-api/vnstock-api/storage/storagetest"
)

func BenchmarkReadYearDaily(b *testing.B) {
	storagetest.BenchReadYear(b, open(b, freshSchema(b)))
}

func BenchmarkUpsert10k(b *testing.B) {
	storagetest.BenchUpsert(b, open(b, freshSchema(b)), 10_000)
}

// The two write paths at the sizes around copyThreshold.
func BenchmarkUpsertPath(b *testing.B) {
	for _, n := range []int{250, 2000, 10_000} {
		for _, path := range []string{"unnest", "copy"} {
			b.Run(path+"/"+strconv.Itoa(n), func(b *testing.B) {
				s := open(b, freshSchema(b))
				if path == "copy" {
					s.SetCopyThresholdForTest(1)
				} else {
					s.SetCopyThresholdForTest(n + 1)
				}
				storagetest.BenchUpsert(b, s, n)
			})
		}
	}
}

// Open's share of the server's cold start against an already migrated schema.
func BenchmarkOpen(b *testing.B) {
	dbURL := freshSchema(b)
	open(b, dbURL)
	b.ReportAllocs()
	for b.Loop() {
		s, err := postgres.Open(b.Context(), dbURL, logger())
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}
