package sqlite

import (
	"context"
	"database/sql"
)

// QueryRowForTest runs a read on the writer connection (which may read
// pragmas the query_only readers cannot).
func (s *Store) QueryRowForTest(ctx context.Context, q string, args ...any) *sql.Row {
	return s.w.QueryRowContext(ctx, q, args...)
}
