package postgres

import (
	"context"
	"embed"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/vnstock-api/vnstock-api/storage/internal/sqlkit"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// lockSQL takes a session advisory lock private to the current schema, so
// that instances starting together migrate one at a time while test runs in
// other schemas do not wait for each other.
const lockSQL = `SELECT pg_advisory_lock(hashtextextended('vnstock-api migrate ' || coalesce(current_schema(), ''), 0))`

const unlockSQL = `SELECT pg_advisory_unlock(hashtextextended('vnstock-api migrate ' || coalesce(current_schema(), ''), 0))`

// Migrate applies the embedded migrations the database has not recorded in
// schema_migrations, each in its own transaction, under an advisory lock.
// Running it again is a no-op.
func (s *Store) Migrate(ctx context.Context) error {
	migs, err := sqlkit.LoadMigrations(migrationFiles, "migrations")
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: migrate: acquire: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, lockSQL); err != nil {
		return fmt.Errorf("postgres: migrate: lock: %w", err)
	}
	defer func() {
		// The lock is the session's: release it even when ctx is done, or the
		// pooled connection would keep holding it.
		if _, err := conn.Exec(context.WithoutCancel(ctx), unlockSQL); err != nil {
			conn.Conn().Close(context.WithoutCancel(ctx))
			s.log.Warn("postgres migrate unlock failed", "err", err)
		}
	}()
	return s.applyPending(ctx, conn.Conn(), migs)
}

func (s *Store) applyPending(ctx context.Context, conn *pgx.Conn, migs []sqlkit.Migration) error {
	const create = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer     PRIMARY KEY,
		name       text        NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now())`
	if _, err := conn.Exec(ctx, create); err != nil {
		return fmt.Errorf("postgres: migrate: create schema_migrations: %w", err)
	}
	var current int
	if err := conn.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("postgres: migrate: read version: %w", err)
	}
	if current > len(migs) {
		s.log.Warn("postgres schema is newer than this binary", "db_version", current, "binary_version", len(migs))
	}
	for _, m := range migs {
		if m.Version <= current {
			continue
		}
		if err := applyOne(ctx, conn, m); err != nil {
			return err
		}
		s.log.Info("postgres migration applied", "version", m.Version, "name", m.Name)
	}
	return nil
}

func applyOne(ctx context.Context, conn *pgx.Conn, m sqlkit.Migration) error {
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, m.SQL); err != nil {
			return fmt.Errorf("postgres: migration %s: %w", m.Name, err)
		}
		const record = `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`
		if _, err := tx.Exec(ctx, record, m.Version, m.Name); err != nil {
			return fmt.Errorf("postgres: record migration %s: %w", m.Name, err)
		}
		return nil
	})
}

// Version returns the highest migration version the database has applied.
func (s *Store) Version(ctx context.Context) (int, error) {
	var v int
	err := s.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("postgres: read schema version: %w", err)
	}
	return v, nil
}
