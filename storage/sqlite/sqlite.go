// Package sqlite is the embedded storage.Store: one SQLite file through the
// pure-Go modernc.org/sqlite driver (no cgo), in WAL mode, with its own
// embedded migrations. It is the default when no DATABASE_URL is set.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
)

// busyTimeout is how long a statement waits for another process's write
// lock before failing with SQLITE_BUSY.
const busyTimeout = 5 * time.Second

// Store is a storage.Store on one SQLite file. Writes go through a single
// connection (SQLite has one writer; queueing in Go beats busy-waiting),
// reads through a pool that WAL lets run beside the writer. It is safe for
// concurrent use within one process, and other processes may share the
// file (they wait up to busyTimeout for the write lock).
type Store struct {
	w   *sql.DB
	r   *sql.DB
	log *slog.Logger
	now func() time.Time
}

var _ storage.Store = (*Store)(nil)

// Open opens (creating it and its directory when missing) the database file
// at path and applies the pending migrations. A nil logger discards.
func Open(ctx context.Context, path string, logger *slog.Logger) (*Store, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if path == "" || path == ":memory:" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("sqlite: open %q: %w", path, market.Invalid("path", "want a file path without ? or #"))
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("sqlite: create directory of %s: %w", path, err)
	}
	s := &Store{log: logger, now: time.Now}
	var err error
	if s.w, err = openPool(path, "&_txlock=immediate", 1); err != nil {
		return nil, err
	}
	// The writer connects first, so that the file exists and is in WAL mode
	// before any reader (query_only) opens it.
	if err := pingWriter(ctx, s.w); err != nil {
		s.w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	readers := max(4, runtime.GOMAXPROCS(0))
	if s.r, err = openPool(path, "&_pragma=query_only(1)", readers); err != nil {
		s.w.Close()
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// pingWriter makes the writer's first connection. Switching a new file to
// WAL does not wait on the busy timeout when another process is doing the
// same, so a busy answer is retried, for up to the busy timeout.
func pingWriter(ctx context.Context, w *sql.DB) error {
	deadline := time.Now().Add(busyTimeout)
	for {
		err := w.PingContext(ctx)
		if !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func openPool(path, extra string, conns int) (*sql.DB, error) {
	dsn := path + "?_pragma=busy_timeout(" + fmt.Sprint(busyTimeout.Milliseconds()) + ")" +
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)" + extra
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	return db, nil
}

// Ping checks that the file can be read and written.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.r.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlite: ping: %w", err)
	}
	if err := s.w.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlite: ping: %w", err)
	}
	return nil
}

// Close closes both pools; the WAL is checkpointed when the last
// connection closes.
func (s *Store) Close() error {
	return errors.Join(s.r.Close(), s.w.Close())
}

// notFound maps sql.ErrNoRows to market.ErrNotFound, wrapping with what.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, market.ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// micros is how times are stored: unix microseconds.
func micros(t time.Time) int64 { return t.UnixMicro() }

// fromMicros reads a stored time back, in ICT.
func fromMicros(us int64) time.Time { return time.UnixMicro(us).In(market.ICT) }

// inTx runs f in a write transaction (BEGIN IMMEDIATE) on the writer.
func (s *Store) inTx(ctx context.Context, f func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	return tx.Commit()
}
