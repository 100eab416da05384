package queryhalf

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/vnstock-api/vnstock-api/storage"
	"github.com/vnstock-api/vnstock-api/storage/postgres"
	"github.com/vnstock-api/vnstock-api/storage/sqlite"
)

// Store is what both storage implementations offer beyond storage.Store.
type Store interface {
	storage.Store
	Migrate(ctx context.Context) error
	Version(ctx context.Context) (int, error)
}

// OpenStore opens Postgres when databaseURL is set, else the embedded SQLite
// file vnstock.db in dataDir. Both apply their migrations.
func OpenStore(ctx context.Context, databaseURL, dataDir string, log *slog.Logger) (Store, error) {
	if databaseURL != "" {
		st, err := postgres.Open(ctx, databaseURL, log)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		return st, nil
	}
	path := filepath.Join(dataDir, "vnstock.db")
	st, err := sqlite.Open(ctx, path, log)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return st, nil
}
