package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vnstock-api/vnstock-api/storage"
	"github.com/vnstock-api/vnstock-api/storage/internal/sqlkit"
)

// AddUsage adds each row's counters to the stored totals of its (key, ICT
// day, class), in one statement.
func (s *Store) AddUsage(ctx context.Context, rows []storage.Usage) error {
	rows, err := sqlkit.PrepareUsage(rows)
	if err != nil {
		return fmt.Errorf("postgres: add usage: %w", err)
	}
	if len(rows) == 0 {
		return nil
	}
	n := len(rows)
	key, day, class := make([]string, n), make([]string, n), make([]string, n)
	req, secs, events, bytes := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	for i, u := range rows {
		key[i], day[i], class[i] = u.KeyID, u.Day.Format(sqlkit.DayLayout), u.Class
		req[i], secs[i], events[i], bytes[i] = u.Requests, u.StreamSeconds, u.Events, u.Bytes
	}
	const q = `INSERT INTO usage (key_id, day, class, requests, stream_seconds, events, bytes)
		SELECT * FROM unnest($1::text[], $2::text[]::date[], $3::text[], $4::int8[], $5::int8[], $6::int8[], $7::int8[])
		ON CONFLICT (key_id, day, class) DO UPDATE SET
			requests = usage.requests + excluded.requests,
			stream_seconds = usage.stream_seconds + excluded.stream_seconds,
			events = usage.events + excluded.events,
			bytes = usage.bytes + excluded.bytes`
	if _, err := s.pool.Exec(ctx, q, key, day, class, req, secs, events, bytes); err != nil {
		return fmt.Errorf("postgres: add %d usage rows: %w", n, err)
	}
	return nil
}

// Usage returns the rows of keyID ("" = all keys) whose ICT day is within
// [from, to] (a zero from or to is open), by day, key and class.
func (s *Store) Usage(ctx context.Context, keyID string, from, to time.Time) ([]storage.Usage, error) {
	lo, hi := sqlkit.UsageDays(from, to)
	const q = `SELECT key_id, day, class, requests, stream_seconds, events, bytes FROM usage
		WHERE ($1 = '' OR key_id = $1) AND day >= $2::date AND day <= $3::date
		ORDER BY day, key_id, class`
	rows, err := s.pool.Query(ctx, q, keyID, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("postgres: usage: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (storage.Usage, error) {
		var u storage.Usage
		err := row.Scan(&u.KeyID, &u.Day, &u.Class, &u.Requests, &u.StreamSeconds, &u.Events, &u.Bytes)
		u.Day = sqlkit.DayFromDate(u.Day)
		return u, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: usage: %w", err)
	}
	return out, nil
}
