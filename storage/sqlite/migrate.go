package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"

	"github.com/vnstock-api/vnstock-api/storage/internal/sqlkit"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrate applies the embedded migrations the file has not recorded in
// schema_migrations. Each runs in its own BEGIN IMMEDIATE transaction that
// re-reads the version first, so processes opening one file together apply
// each migration once. Running it again is a no-op.
func (s *Store) Migrate(ctx context.Context) error {
	migs, err := sqlkit.LoadMigrations(migrationFiles, "migrations")
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	const create = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT    NOT NULL,
		applied_at INTEGER NOT NULL) STRICT`
	if _, err := s.w.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("sqlite: migrate: create schema_migrations: %w", err)
	}
	for _, m := range migs {
		applied := false
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			var current int
			if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
				return err
			}
			if m.Version <= current {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return err
			}
			const record = `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`
			_, err := tx.ExecContext(ctx, record, m.Version, m.Name, micros(s.now()))
			applied = err == nil
			return err
		})
		if err != nil {
			return fmt.Errorf("sqlite: migration %s: %w", m.Name, err)
		}
		if applied {
			s.log.Info("sqlite migration applied", "version", m.Version, "name", m.Name)
		}
	}
	return s.warnIfNewer(ctx, len(migs))
}

func (s *Store) warnIfNewer(ctx context.Context, known int) error {
	v, err := s.Version(ctx)
	if err != nil {
		return err
	}
	if v > known {
		s.log.Warn("sqlite schema is newer than this binary", "db_version", v, "binary_version", known)
	}
	return nil
}

// Version returns the highest migration version the file has applied.
func (s *Store) Version(ctx context.Context) (int, error) {
	var v int
	if err := s.w.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("sqlite: read schema version: %w", err)
	}
	return v, nil
}
