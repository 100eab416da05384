package sqlite

import (
	"context"
	"fmt"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
	"github.com/vnstock-api/vnstock-api/storage/internal/sqlkit"
)

// PutDoc stores d as the latest doc of (d.Kind, d.Key), replacing the
// previous one; the body is kept byte for byte. A zero FetchedAt is set to
// now.
func (s *Store) PutDoc(ctx context.Context, d storage.Doc) error {
	d, err := sqlkit.PrepareDoc(d, s.now)
	if err != nil {
		return fmt.Errorf("sqlite: put doc: %w", err)
	}
	const q = `INSERT INTO docs (kind, key, symbol, source, fetched_at, body) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (kind, key) DO UPDATE SET symbol = excluded.symbol, source = excluded.source,
			fetched_at = excluded.fetched_at, body = excluded.body`
	_, err = s.w.ExecContext(ctx, q, string(d.Kind), d.Key, string(d.Symbol), d.Source, micros(d.FetchedAt), string(d.Body))
	if err != nil {
		return fmt.Errorf("sqlite: put doc %s: %w", d.Key, err)
	}
	return nil
}

// Doc returns the stored doc of (kind, key) or an error wrapping
// market.ErrNotFound.
func (s *Store) Doc(ctx context.Context, kind market.Capability, key string) (storage.Doc, error) {
	d := storage.Doc{Kind: kind, Key: key}
	var sym string
	var at int64
	const q = `SELECT symbol, source, fetched_at, body FROM docs WHERE kind = ? AND key = ?`
	if err := s.r.QueryRowContext(ctx, q, string(kind), key).Scan(&sym, &d.Source, &at, &d.Body); err != nil {
		return storage.Doc{}, notFound(err, "sqlite: doc "+key)
	}
	d.Symbol, d.FetchedAt = market.Symbol(sym), fromMicros(at)
	return d, nil
}
