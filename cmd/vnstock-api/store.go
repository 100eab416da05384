package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/vnstock-api/vnstock-api/cmd/internal/queryhalf"
)

// store is the server's storage: Postgres or the embedded SQLite file.
type store = queryhalf.Store

// openStore opens Postgres when DATABASE_URL is set, else the embedded
// SQLite file in the data directory. Both apply their migrations.
func openStore(ctx context.Context, cfg Config, log *slog.Logger) (store, error) {
	return queryhalf.OpenStore(ctx, cfg.DatabaseURL, cfg.DataDir, log)
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
