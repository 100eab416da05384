package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"

	"github.com/vnstock-api/vnstock-api/storage"
	"github.com/vnstock-api/vnstock-api/storage/postgres"
	"github.com/vnstock-api/vnstock-api/storage/sqlite"
)

// store is what both implementations offer beyond storage.Store.
type store interface {
	storage.Store
	Migrate(ctx context.Context) error
	Version(ctx context.Context) (int, error)
}

// openStore opens Postgres when DATABASE_URL is set, else the embedded
// SQLite file in the data directory. Both apply their migrations.
func openStore(ctx context.Context, cfg Config, log *slog.Logger) (store, error) {
	if cfg.DatabaseURL != "" {
		st, err := postgres.Open(ctx, cfg.DatabaseURL, log)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		return st, nil
	}
	path := filepath.Join(cfg.DataDir, "vnstock.db")
	st, err := sqlite.Open(ctx, path, log)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return st, nil
}

// migrateCmd applies the store's migrations and exits.
func migrateCmd(ctx context.Context, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig(nil, getenv, stderr)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg, newLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	v, err := st.Version(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "schema version", v)
	return nil
}
