package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
	"github.com/vnstock-api/vnstock-api/storage/internal/sqlkit"
)

// CreateKey stores k (its hash, never a key). A zero CreatedAt is set to
// now. An existing id or hash is an error.
func (s *Store) CreateKey(ctx context.Context, k storage.Key) error {
	k, err := sqlkit.PrepareKey(k, s.now)
	if err != nil {
		return fmt.Errorf("postgres: create key: %w", err)
	}
	const q = `INSERT INTO api_keys (` + sqlkit.KeyColumns + `)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`
	p := k.Plan
	_, err = s.pool.Exec(ctx, q, k.ID, k.Prefix, k.Hash, k.Name, scopesArg(k.Scopes), p.RPS, p.Burst, p.DailyQuota,
		p.MaxStreams, p.MaxTopics, p.MessagesPerS, k.CreatedAt, nullTime(k.LastUsed), nullTime(k.ExpiresAt), k.Revoked)
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23505" {
			return fmt.Errorf("postgres: create key %s: id or hash already stored: %w", k.ID, err)
		}
		return fmt.Errorf("postgres: create key %s: %w", k.ID, err)
	}
	return nil
}

// KeyByHash returns the key with that hash or an error wrapping
// market.ErrNotFound.
func (s *Store) KeyByHash(ctx context.Context, hash []byte) (storage.Key, error) {
	row := s.pool.QueryRow(ctx, `SELECT `+sqlkit.KeyColumns+` FROM api_keys WHERE hash = $1`, hash)
	k, err := scanKey(row)
	if err != nil {
		return storage.Key{}, notFound(err, "postgres: key by hash")
	}
	return k, nil
}

// KeyByID returns the key with that id or an error wrapping
// market.ErrNotFound.
func (s *Store) KeyByID(ctx context.Context, id string) (storage.Key, error) {
	row := s.pool.QueryRow(ctx, `SELECT `+sqlkit.KeyColumns+` FROM api_keys WHERE id = $1`, id)
	k, err := scanKey(row)
	if err != nil {
		return storage.Key{}, notFound(err, "postgres: key "+id)
	}
	return k, nil
}

// ListKeys returns every key, oldest first.
func (s *Store) ListKeys(ctx context.Context) ([]storage.Key, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+sqlkit.KeyColumns+` FROM api_keys ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("postgres: list keys: %w", err)
	}
	keys, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (storage.Key, error) { return scanKey(row) })
	if err != nil {
		return nil, fmt.Errorf("postgres: list keys: %w", err)
	}
	return keys, nil
}

// UpdateKey rewrites k's mutable fields (name, scopes, plan, expiry,
// revoked, last used); an unknown id is an error wrapping market.ErrNotFound.
func (s *Store) UpdateKey(ctx context.Context, k storage.Key) error {
	const q = `UPDATE api_keys SET name = $2, scopes = $3, rps = $4, burst = $5, daily_quota = $6,
		max_streams = $7, max_topics = $8, messages_per_s = $9, last_used = $10, expires_at = $11, revoked = $12
		WHERE id = $1`
	p := k.Plan
	tag, err := s.pool.Exec(ctx, q, k.ID, k.Name, scopesArg(k.Scopes), p.RPS, p.Burst, p.DailyQuota, p.MaxStreams,
		p.MaxTopics, p.MessagesPerS, nullTime(k.LastUsed), nullTime(k.ExpiresAt), k.Revoked)
	if err != nil {
		return fmt.Errorf("postgres: update key %s: %w", k.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: update key %s: %w", k.ID, market.ErrNotFound)
	}
	return nil
}

func scanKey(row pgx.Row) (storage.Key, error) {
	var k storage.Key
	var lastUsed, expires *time.Time
	p := &k.Plan
	err := row.Scan(&k.ID, &k.Prefix, &k.Hash, &k.Name, &k.Scopes, &p.RPS, &p.Burst, &p.DailyQuota, &p.MaxStreams,
		&p.MaxTopics, &p.MessagesPerS, &k.CreatedAt, &lastUsed, &expires, &k.Revoked)
	if err != nil {
		return storage.Key{}, err
	}
	k.Scopes = sqlkit.Scopes(k.Scopes)
	k.CreatedAt = k.CreatedAt.In(market.ICT)
	if lastUsed != nil {
		k.LastUsed = lastUsed.In(market.ICT)
	}
	if expires != nil {
		k.ExpiresAt = expires.In(market.ICT)
	}
	return k, nil
}

// scopesArg is never nil: the column is NOT NULL and nil encodes as NULL.
func scopesArg(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
