package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
	"github.com/vnstock-api/vnstock-api/storage/internal/sqlkit"
)

// UpsertBars writes bars of key's series in one transaction, replacing the
// stored bars of equal times. Among input bars of equal time the last wins.
func (s *Store) UpsertBars(ctx context.Context, key storage.SeriesKey, bars []market.Bar) error {
	bars, err := sqlkit.PrepareBars(key, bars)
	if err != nil {
		return fmt.Errorf("sqlite: upsert bars of %s: %w", key.Symbol, err)
	}
	if len(bars) == 0 {
		return nil
	}
	const q = `INSERT INTO bars (symbol, asset, interval, adjusted, time, open, high, low, close, volume, closed, source)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (symbol, asset, interval, adjusted, time) DO UPDATE SET
			open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close,
			volume = excluded.volume, closed = excluded.closed, source = excluded.source`
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		defer st.Close()
		sym, iv := string(key.Symbol), string(key.Interval)
		for i := range bars {
			b := &bars[i]
			if _, err := st.ExecContext(ctx, sym, key.Asset, iv, key.Adjusted, micros(b.Time),
				b.Open, b.High, b.Low, b.Close, b.Volume, b.Closed, b.Source); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: upsert %d bars of %s %s: %w", len(bars), key.Symbol, key.Interval, err)
	}
	return nil
}

// Bars returns key's bars with r.From ≤ time < r.To, oldest first, times in
// ICT. A zero From or To leaves that end open.
func (s *Store) Bars(ctx context.Context, key storage.SeriesKey, r storage.Range) ([]market.Bar, error) {
	if err := sqlkit.CheckSeries(key); err != nil {
		return nil, fmt.Errorf("sqlite: bars: %w", err)
	}
	from, to := sqlkit.ReadBounds(r)
	const q = `SELECT time, open, high, low, close, volume, closed, source FROM bars
		WHERE symbol = ? AND asset = ? AND interval = ? AND adjusted = ? AND time >= ? AND time < ?
		ORDER BY time`
	rows, err := s.r.QueryContext(ctx, q, string(key.Symbol), key.Asset, string(key.Interval), key.Adjusted,
		micros(from), micros(to))
	if err != nil {
		return nil, fmt.Errorf("sqlite: bars of %s: %w", key.Symbol, err)
	}
	defer rows.Close()
	var out []market.Bar
	// One Bar and one destination list for all rows, and the source read as
	// RawBytes so that rows sharing a source share its string.
	b := market.Bar{Symbol: key.Symbol, Interval: key.Interval}
	var us int64
	var src sql.RawBytes
	dest := []any{&us, &b.Open, &b.High, &b.Low, &b.Close, &b.Volume, &b.Closed, &src}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("sqlite: scan bar of %s: %w", key.Symbol, err)
		}
		if string(src) != b.Source {
			b.Source = string(src)
		}
		b.Time = fromMicros(us)
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: bars of %s: %w", key.Symbol, err)
	}
	return out, nil
}

// AddCoverage records that r of key's series was fetched, merging it with
// the stored ranges it overlaps or touches, in one write transaction.
func (s *Store) AddCoverage(ctx context.Context, key storage.SeriesKey, r storage.Range) error {
	empty, err := sqlkit.CheckCoverage(key, r)
	if err != nil {
		return fmt.Errorf("sqlite: add coverage: %w", err)
	}
	if empty {
		return nil
	}
	args := []any{string(key.Symbol), key.Asset, string(key.Interval), key.Adjusted, micros(r.To), micros(r.From)}
	const where = ` WHERE symbol = ? AND asset = ? AND interval = ? AND adjusted = ? AND from_time <= ? AND to_time >= ?`
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		lo, hi := micros(r.From), micros(r.To)
		var minFrom, maxTo sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT min(from_time), max(to_time) FROM coverage`+where, args...).Scan(&minFrom, &maxTo); err != nil {
			return err
		}
		if minFrom.Valid {
			lo, hi = min(lo, minFrom.Int64), max(hi, maxTo.Int64)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM coverage`+where, args...); err != nil {
			return err
		}
		const ins = `INSERT INTO coverage (symbol, asset, interval, adjusted, from_time, to_time) VALUES (?, ?, ?, ?, ?, ?)`
		_, err := tx.ExecContext(ctx, ins, string(key.Symbol), key.Asset, string(key.Interval), key.Adjusted, lo, hi)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: add coverage of %s %s: %w", key.Symbol, key.Interval, err)
	}
	return nil
}

// Coverage returns key's covered ranges, merged and sorted, times in ICT.
func (s *Store) Coverage(ctx context.Context, key storage.SeriesKey) ([]storage.Range, error) {
	if err := sqlkit.CheckSeries(key); err != nil {
		return nil, fmt.Errorf("sqlite: coverage: %w", err)
	}
	const q = `SELECT from_time, to_time FROM coverage
		WHERE symbol = ? AND asset = ? AND interval = ? AND adjusted = ? ORDER BY from_time`
	rows, err := s.r.QueryContext(ctx, q, string(key.Symbol), key.Asset, string(key.Interval), key.Adjusted)
	if err != nil {
		return nil, fmt.Errorf("sqlite: coverage of %s: %w", key.Symbol, err)
	}
	defer rows.Close()
	var out []storage.Range
	for rows.Next() {
		var from, to int64
		if err := rows.Scan(&from, &to); err != nil {
			return nil, fmt.Errorf("sqlite: scan coverage of %s: %w", key.Symbol, err)
		}
		out = append(out, storage.Range{From: fromMicros(from), To: fromMicros(to)})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: coverage of %s: %w", key.Symbol, err)
	}
	return sqlkit.MergeRanges(out), nil
}
