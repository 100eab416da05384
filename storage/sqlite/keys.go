package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
	"github.com/vnstock-api/vnstock-api/storage/internal/sqlkit"
)

// CreateKey stores k (its hash, never a key). A zero CreatedAt is set to
// now. An existing id or hash is an error.
func (s *Store) CreateKey(ctx context.Context, k storage.Key) error {
	k, err := sqlkit.PrepareKey(k, s.now)
	if err != nil {
		return fmt.Errorf("sqlite: create key: %w", err)
	}
	scopes, err := scopesJSON(k.Scopes)
	if err != nil {
		return fmt.Errorf("sqlite: create key %s: %w", k.ID, err)
	}
	const q = `INSERT INTO api_keys (` + sqlkit.KeyColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	p := k.Plan
	_, err = s.w.ExecContext(ctx, q, k.ID, k.Prefix, k.Hash, k.Name, scopes, p.RPS, p.Burst, p.DailyQuota,
		p.MaxStreams, p.MaxTopics, p.MessagesPerS, micros(k.CreatedAt), nullMicros(k.LastUsed), nullMicros(k.ExpiresAt), k.Revoked)
	if err != nil {
		if isUnique(err) {
			return fmt.Errorf("sqlite: create key %s: id or hash already stored: %w", k.ID, err)
		}
		return fmt.Errorf("sqlite: create key %s: %w", k.ID, err)
	}
	return nil
}

// KeyByHash returns the key with that hash or an error wrapping
// market.ErrNotFound.
func (s *Store) KeyByHash(ctx context.Context, hash []byte) (storage.Key, error) {
	k, err := scanKey(s.r.QueryRowContext(ctx, `SELECT `+sqlkit.KeyColumns+` FROM api_keys WHERE hash = ?`, hash))
	if err != nil {
		return storage.Key{}, notFound(err, "sqlite: key by hash")
	}
	return k, nil
}

// KeyByID returns the key with that id or an error wrapping
// market.ErrNotFound.
func (s *Store) KeyByID(ctx context.Context, id string) (storage.Key, error) {
	k, err := scanKey(s.r.QueryRowContext(ctx, `SELECT `+sqlkit.KeyColumns+` FROM api_keys WHERE id = ?`, id))
	if err != nil {
		return storage.Key{}, notFound(err, "sqlite: key "+id)
	}
	return k, nil
}

// ListKeys returns every key, oldest first.
func (s *Store) ListKeys(ctx context.Context) ([]storage.Key, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+sqlkit.KeyColumns+` FROM api_keys ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list keys: %w", err)
	}
	defer rows.Close()
	var out []storage.Key
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list keys: %w", err)
		}
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list keys: %w", err)
	}
	return out, nil
}

// UpdateKey rewrites k's mutable fields (name, scopes, plan, expiry,
// revoked, last used); an unknown id is an error wrapping market.ErrNotFound.
func (s *Store) UpdateKey(ctx context.Context, k storage.Key) error {
	scopes, err := scopesJSON(k.Scopes)
	if err != nil {
		return fmt.Errorf("sqlite: update key %s: %w", k.ID, err)
	}
	const q = `UPDATE api_keys SET name = ?, scopes = ?, rps = ?, burst = ?, daily_quota = ?, max_streams = ?,
		max_topics = ?, messages_per_s = ?, last_used = ?, expires_at = ?, revoked = ? WHERE id = ?`
	p := k.Plan
	res, err := s.w.ExecContext(ctx, q, k.Name, scopes, p.RPS, p.Burst, p.DailyQuota, p.MaxStreams, p.MaxTopics,
		p.MessagesPerS, nullMicros(k.LastUsed), nullMicros(k.ExpiresAt), k.Revoked, k.ID)
	if err != nil {
		return fmt.Errorf("sqlite: update key %s: %w", k.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err == nil {
			err = market.ErrNotFound
		}
		return fmt.Errorf("sqlite: update key %s: %w", k.ID, err)
	}
	return nil
}

// rowScanner is *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(dest ...any) error }

func scanKey(row rowScanner) (storage.Key, error) {
	var k storage.Key
	var scopes string
	var created int64
	var lastUsed, expires sql.NullInt64
	p := &k.Plan
	err := row.Scan(&k.ID, &k.Prefix, &k.Hash, &k.Name, &scopes, &p.RPS, &p.Burst, &p.DailyQuota, &p.MaxStreams,
		&p.MaxTopics, &p.MessagesPerS, &created, &lastUsed, &expires, &k.Revoked)
	if err != nil {
		return storage.Key{}, err
	}
	if err := json.Unmarshal([]byte(scopes), &k.Scopes); err != nil {
		return storage.Key{}, fmt.Errorf("key %s: scopes: %w", k.ID, err)
	}
	k.Scopes = sqlkit.Scopes(k.Scopes)
	k.CreatedAt = fromMicros(created)
	if lastUsed.Valid {
		k.LastUsed = fromMicros(lastUsed.Int64)
	}
	if expires.Valid {
		k.ExpiresAt = fromMicros(expires.Int64)
	}
	return k, nil
}

func scopesJSON(s []string) (string, error) {
	if s == nil {
		s = []string{}
	}
	b, err := json.Marshal(s)
	return string(b), err
}

// isUnique reports whether err is a UNIQUE or PRIMARY KEY violation.
func isUnique(err error) bool {
	var e *msqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

// isBusy reports whether err is SQLITE_BUSY (a locked database), whatever
// its extended code.
func isBusy(err error) bool {
	var e *msqlite.Error
	return errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_BUSY
}

// nullMicros stores a zero time as NULL.
func nullMicros(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return micros(t)
}
