package postgres

import (
	"context"
	"fmt"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
	"github.com/vnstock-api/vnstock-api/storage/internal/sqlkit"
)

// PutDoc stores d as the latest doc of (d.Kind, d.Key), replacing the
// previous one. The body is kept byte for byte (a json column: key order is
// vnstock's column order). A zero FetchedAt is set to now.
func (s *Store) PutDoc(ctx context.Context, d storage.Doc) error {
	d, err := sqlkit.PrepareDoc(d, s.now)
	if err != nil {
		return fmt.Errorf("postgres: put doc: %w", err)
	}
	const q = `INSERT INTO docs (kind, key, symbol, source, fetched_at, body) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (kind, key) DO UPDATE SET symbol = excluded.symbol, source = excluded.source,
			fetched_at = excluded.fetched_at, body = excluded.body`
	_, err = s.pool.Exec(ctx, q, string(d.Kind), d.Key, string(d.Symbol), d.Source, d.FetchedAt, d.Body)
	if err != nil {
		return fmt.Errorf("postgres: put doc %s: %w", d.Key, err)
	}
	return nil
}

// Doc returns the stored doc of (kind, key) or an error wrapping
// market.ErrNotFound.
func (s *Store) Doc(ctx context.Context, kind market.Capability, key string) (storage.Doc, error) {
	d := storage.Doc{Kind: kind, Key: key}
	var sym string
	const q = `SELECT symbol, source, fetched_at, body FROM docs WHERE kind = $1 AND key = $2`
	err := s.pool.QueryRow(ctx, q, string(kind), key).Scan(&sym, &d.Source, &d.FetchedAt, &d.Body)
	if err != nil {
		return storage.Doc{}, notFound(err, "postgres: doc "+key)
	}
	d.Symbol = market.Symbol(sym)
	d.FetchedAt = d.FetchedAt.In(market.ICT)
	return d, nil
}
