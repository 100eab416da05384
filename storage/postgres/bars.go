package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
	"github.com/vnstock-api/vnstock-api/storage/internal/sqlkit"
)

// defaultCopyThreshold is the batch size from which UpsertBars goes through
// COPY and a temporary table instead of one INSERT over unnest()ed arrays.
const defaultCopyThreshold = 2000

// upsertBarsSet is the conflict action of both bar write paths; rows whose
// values did not change are left alone, so re-writing a closed day leaves no
// dead tuples behind.
const upsertBarsSet = `
ON CONFLICT (symbol, asset, interval, adjusted, time) DO UPDATE SET
	open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close,
	volume = excluded.volume, closed = excluded.closed, source = excluded.source
WHERE (bars.open, bars.high, bars.low, bars.close, bars.volume, bars.closed, bars.source)
	IS DISTINCT FROM (excluded.open, excluded.high, excluded.low, excluded.close, excluded.volume, excluded.closed, excluded.source)`

const upsertBarsUnnest = `
INSERT INTO bars (symbol, asset, interval, adjusted, time, open, high, low, close, volume, closed, source)
SELECT $1, $2, $3, $4, u.t, u.o, u.h, u.l, u.c, u.v, u.cl, u.src
FROM unnest($5::timestamptz[], $6::float8[], $7::float8[], $8::float8[], $9::float8[],
	$10::int8[], $11::bool[], $12::text[]) AS u(t, o, h, l, c, v, cl, src)` + upsertBarsSet

const upsertBarsCopied = `
INSERT INTO bars (symbol, asset, interval, adjusted, time, open, high, low, close, volume, closed, source)
SELECT $1, $2, $3, $4, time, open, high, low, close, volume, closed, source
FROM bars_in ORDER BY time` + upsertBarsSet

// UpsertBars writes bars of key's series, replacing the stored bars of equal
// times. Among input bars of equal time the last wins.
func (s *Store) UpsertBars(ctx context.Context, key storage.SeriesKey, bars []market.Bar) error {
	bars, err := sqlkit.PrepareBars(key, bars)
	if err != nil {
		return fmt.Errorf("postgres: upsert bars of %s: %w", key.Symbol, err)
	}
	switch {
	case len(bars) == 0:
		return nil
	case len(bars) >= s.copyThreshold:
		err = s.copyBars(ctx, key, bars)
	default:
		err = s.unnestBars(ctx, key, bars)
	}
	if err != nil {
		return fmt.Errorf("postgres: upsert %d bars of %s %s: %w", len(bars), key.Symbol, key.Interval, err)
	}
	return nil
}

func (s *Store) unnestBars(ctx context.Context, key storage.SeriesKey, bars []market.Bar) error {
	n := len(bars)
	ts := make([]time.Time, n)
	o, h, l, c := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	v := make([]int64, n)
	closed := make([]bool, n)
	src := make([]string, n)
	for i, b := range bars {
		ts[i], o[i], h[i], l[i], c[i], v[i], closed[i], src[i] = b.Time, b.Open, b.High, b.Low, b.Close, b.Volume, b.Closed, b.Source
	}
	_, err := s.pool.Exec(ctx, upsertBarsUnnest, string(key.Symbol), key.Asset, string(key.Interval), key.Adjusted,
		ts, o, h, l, c, v, closed, src)
	return err
}

func (s *Store) copyBars(ctx context.Context, key storage.SeriesKey, bars []market.Bar) error {
	columns := []string{"time", "open", "high", "low", "close", "volume", "closed", "source"}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		const create = `CREATE TEMP TABLE bars_in (
			time timestamptz, open float8, high float8, low float8, close float8,
			volume int8, closed bool, source text) ON COMMIT DROP`
		if _, err := tx.Exec(ctx, create); err != nil {
			return err
		}
		row := make([]any, len(columns))
		src := pgx.CopyFromSlice(len(bars), func(i int) ([]any, error) {
			b := &bars[i]
			row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7] = b.Time, b.Open, b.High, b.Low, b.Close, b.Volume, b.Closed, b.Source
			return row, nil
		})
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"bars_in"}, columns, src); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, upsertBarsCopied, string(key.Symbol), key.Asset, string(key.Interval), key.Adjusted)
		return err
	})
}

// Bars returns key's bars with r.From ≤ time < r.To, oldest first, times in
// ICT. A zero From or To leaves that end open.
func (s *Store) Bars(ctx context.Context, key storage.SeriesKey, r storage.Range) ([]market.Bar, error) {
	if err := sqlkit.CheckSeries(key); err != nil {
		return nil, fmt.Errorf("postgres: bars: %w", err)
	}
	from, to := sqlkit.ReadBounds(r)
	const q = `SELECT time, open, high, low, close, volume, closed, source FROM bars
		WHERE symbol = $1 AND asset = $2 AND interval = $3 AND adjusted = $4 AND time >= $5 AND time < $6
		ORDER BY time`
	rows, err := s.pool.Query(ctx, q, string(key.Symbol), key.Asset, string(key.Interval), key.Adjusted, from, to)
	if err != nil {
		return nil, fmt.Errorf("postgres: bars of %s: %w", key.Symbol, err)
	}
	defer rows.Close()
	var out []market.Bar
	// One Bar and one destination list to scan into (fresh ones per row would
	// each go to the heap) and one interned source string the rows share.
	b := market.Bar{Symbol: key.Symbol, Interval: key.Interval}
	src := internedString{dst: &b.Source}
	dest := []any{&b.Time, &b.Open, &b.High, &b.Low, &b.Close, &b.Volume, &b.Closed, &src}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("postgres: scan bar of %s: %w", key.Symbol, err)
		}
		b.Time = b.Time.In(market.ICT)
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: bars of %s: %w", key.Symbol, err)
	}
	return out, nil
}

// AddCoverage records that r of key's series was fetched, merging it with
// the stored ranges it overlaps or touches. Writers of one series take turns
// on a transaction-scoped advisory lock.
func (s *Store) AddCoverage(ctx context.Context, key storage.SeriesKey, r storage.Range) error {
	empty, err := sqlkit.CheckCoverage(key, r)
	if err != nil || empty {
		if err != nil {
			err = fmt.Errorf("postgres: add coverage: %w", err)
		}
		return err
	}
	const merge = `
WITH gone AS (
	DELETE FROM coverage
	WHERE symbol = $1 AND asset = $2 AND interval = $3 AND adjusted = $4 AND from_time <= $6 AND to_time >= $5
	RETURNING from_time, to_time)
INSERT INTO coverage (symbol, asset, interval, adjusted, from_time, to_time)
SELECT $1, $2, $3, $4, least($5::timestamptz, min(from_time)), greatest($6::timestamptz, max(to_time)) FROM gone`
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, seriesLockName(key)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, merge, string(key.Symbol), key.Asset, string(key.Interval), key.Adjusted, r.From, r.To)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: add coverage of %s %s: %w", key.Symbol, key.Interval, err)
	}
	return nil
}

func seriesLockName(key storage.SeriesKey) string {
	return "vnstock-api coverage\x1f" + string(key.Symbol) + "\x1f" + key.Asset + "\x1f" + string(key.Interval) + "\x1f" + strconv.FormatBool(key.Adjusted)
}

// Coverage returns key's covered ranges, merged and sorted, times in ICT.
func (s *Store) Coverage(ctx context.Context, key storage.SeriesKey) ([]storage.Range, error) {
	if err := sqlkit.CheckSeries(key); err != nil {
		return nil, fmt.Errorf("postgres: coverage: %w", err)
	}
	const q = `SELECT from_time, to_time FROM coverage
		WHERE symbol = $1 AND asset = $2 AND interval = $3 AND adjusted = $4 ORDER BY from_time`
	rows, err := s.pool.Query(ctx, q, string(key.Symbol), key.Asset, string(key.Interval), key.Adjusted)
	if err != nil {
		return nil, fmt.Errorf("postgres: coverage of %s: %w", key.Symbol, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (storage.Range, error) {
		var r storage.Range
		err := row.Scan(&r.From, &r.To)
		r.From, r.To = r.From.In(market.ICT), r.To.In(market.ICT)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: coverage of %s: %w", key.Symbol, err)
	}
	return sqlkit.MergeRanges(out), nil
}

// internedString scans a text column into *dst, reusing the previous row's
// string when the bytes are equal: a series' rows mostly share one source.
type internedString struct {
	dst  *string
	last string
}

// ScanBytes implements pgtype.BytesScanner.
func (s *internedString) ScanBytes(v []byte) error {
	if v == nil {
		return errors.New("source is NULL")
	}
	if string(v) != s.last {
		s.last = string(v)
	}
	*s.dst = s.last
	return nil
}
