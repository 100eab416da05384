package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/vnstock-api/vnstock-api/storage/storagetest"
)

func BenchmarkReadYearDaily(b *testing.B) {
	storagetest.BenchReadYear(b, open(b, filepath.Join(b.TempDir(), "vnstock.db")))
}

func BenchmarkUpsert10k(b *testing.B) {
	storagetest.BenchUpsert(b, open(b, filepath.Join(b.TempDir(), "vnstock.db")), 10_000)
}
