package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/vnstock-api/vnstock-api/storage"
	"github.com/vnstock-api/vnstock-api/storage/internal/sqlkit"
)

// AddUsage adds each row's counters to the stored totals of its (key, ICT
// day, class), in one transaction.
func (s *Store) AddUsage(ctx context.Context, rows []storage.Usage) error {
	rows, err := sqlkit.PrepareUsage(rows)
	if err != nil {
		return fmt.Errorf("sqlite: add usage: %w", err)
	}
	if len(rows) == 0 {
		return nil
	}
	const q = `INSERT INTO usage (key_id, day, class, requests, stream_seconds, events, bytes)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (key_id, day, class) DO UPDATE SET
			requests = requests + excluded.requests,
			stream_seconds = stream_seconds + excluded.stream_seconds,
			events = events + excluded.events,
			bytes = bytes + excluded.bytes`
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, u := range rows {
			if _, err := st.ExecContext(ctx, u.KeyID, u.Day.Format(sqlkit.DayLayout), u.Class,
				u.Requests, u.StreamSeconds, u.Events, u.Bytes); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: add %d usage rows: %w", len(rows), err)
	}
	return nil
}

// Usage returns the rows of keyID ("" = all keys) whose ICT day is within
// [from, to] (a zero from or to is open), by day, key and class.
func (s *Store) Usage(ctx context.Context, keyID string, from, to time.Time) ([]storage.Usage, error) {
	lo, hi := sqlkit.UsageDays(from, to)
	const q = `SELECT key_id, day, class, requests, stream_seconds, events, bytes FROM usage
		WHERE (?1 = '' OR key_id = ?1) AND day >= ?2 AND day <= ?3
		ORDER BY day, key_id, class`
	rows, err := s.r.QueryContext(ctx, q, keyID, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("sqlite: usage: %w", err)
	}
	defer rows.Close()
	var out []storage.Usage
	for rows.Next() {
		var u storage.Usage
		var day string
		if err := rows.Scan(&u.KeyID, &day, &u.Class, &u.Requests, &u.StreamSeconds, &u.Events, &u.Bytes); err != nil {
			return nil, fmt.Errorf("sqlite: scan usage: %w", err)
		}
		d, err := time.Parse(sqlkit.DayLayout, day)
		if err != nil {
			return nil, fmt.Errorf("sqlite: usage day %q: %w", day, err)
		}
		u.Day = sqlkit.DayFromDate(d)
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: usage: %w", err)
	}
	return out, nil
}
