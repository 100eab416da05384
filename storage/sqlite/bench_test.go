package sqlite_test

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/vnstock-api/vnstock-api/storage/sqlite"
	"github.com/vnstock-api/vnstock-api/storage/storagetest"
)

func BenchmarkReadYearDaily(b *testing.B) {
	storagetest.BenchReadYear(b, open(b, filepath.Join(b.TempDir(), "vnstock.db")))
}

func BenchmarkUpsert10k(b *testing.B) {
	storagetest.BenchUpsert(b, open(b, filepath.Join(b.TempDir(), "vnstock.db")), 10_000)
}

// Open's share of the server's cold start: a new file (migrations run) and
// an existing one (migrations checked).
func BenchmarkOpen(b *testing.B) {
	b.Run("new", func(b *testing.B) {
		dir := b.TempDir()
		i := 0
		b.ReportAllocs()
		for b.Loop() {
			s, err := sqlite.Open(b.Context(), filepath.Join(dir, strconv.Itoa(i), "vnstock.db"), logger())
			if err != nil {
				b.Fatal(err)
			}
			s.Close()
			i++
		}
	})
	b.Run("existing", func(b *testing.B) {
		path := filepath.Join(b.TempDir(), "vnstock.db")
		open(b, path)
		b.ReportAllocs()
		for b.Loop() {
			s, err := sqlite.Open(b.Context(), path, logger())
			if err != nil {
				b.Fatal(err)
			}
			s.Close()
		}
	})
}
