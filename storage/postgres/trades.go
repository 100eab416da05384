package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage/internal/sqlkit"
)

// AppendTrades stores trades, ignoring the ones already stored (same
// symbol, time, price, volume and id).
func (s *Store) AppendTrades(ctx context.Context, trades []market.Trade) error {
	trades, err := sqlkit.PrepareTrades(trades)
	if err != nil {
		return fmt.Errorf("postgres: append trades: %w", err)
	}
	if len(trades) == 0 {
		return nil
	}
	n := len(trades)
	sym, id, side, src := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	ts := make([]time.Time, n)
	price, vol, total := make([]int64, n), make([]int64, n), make([]int64, n)
	for i, t := range trades {
		sym[i], ts[i], price[i], vol[i], id[i] = string(t.Symbol), t.Time, t.Price, t.Volume, t.ID
		side[i], total[i], src[i] = sqlkit.Side(t.Side), t.TotalVolume, t.Source
	}
	const q = `INSERT INTO trades (symbol, time, price, volume, trade_id, side, total_volume, source)
		SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::int8[], $4::int8[], $5::text[],
			$6::text[], $7::int8[], $8::text[])
		ON CONFLICT (symbol, time, price, volume, trade_id) DO NOTHING`
	if _, err := s.pool.Exec(ctx, q, sym, ts, price, vol, id, side, total, src); err != nil {
		return fmt.Errorf("postgres: append %d trades: %w", n, err)
	}
	return nil
}

// Trades returns up to limit trades of sym with time < before (zero: now),
// newest first; trades of one time come in descending cumulative volume,
// which is the order they matched in.
func (s *Store) Trades(ctx context.Context, sym market.Symbol, before time.Time, limit int) ([]market.Trade, error) {
	before, err := sqlkit.TradeBounds(sym, before, limit, s.now)
	if err != nil {
		return nil, fmt.Errorf("postgres: trades: %w", err)
	}
	const q = `SELECT time, price, volume, trade_id, side, total_volume, source FROM trades
		WHERE symbol = $1 AND time < $2
		ORDER BY time DESC, total_volume DESC, trade_id DESC, price DESC, volume DESC LIMIT $3`
	rows, err := s.pool.Query(ctx, q, string(sym), before, limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: trades of %s: %w", sym, err)
	}
	defer rows.Close()
	out := make([]market.Trade, 0, min(limit, 1024))
	t := market.Trade{Symbol: sym}
	var side string
	sideScan, srcScan := internedString{dst: &side}, internedString{dst: &t.Source}
	dest := []any{&t.Time, &t.Price, &t.Volume, &t.ID, &sideScan, &t.TotalVolume, &srcScan}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("postgres: scan trade of %s: %w", sym, err)
		}
		t.Time, t.Side = t.Time.In(market.ICT), market.Side(side)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: trades of %s: %w", sym, err)
	}
	return out, nil
}

// PruneTrades deletes the trades older than before (the sessions the store
// no longer keeps) and returns how many it deleted.
func (s *Store) PruneTrades(ctx context.Context, before time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM trades WHERE time < $1`, before)
	if err != nil {
		return 0, fmt.Errorf("postgres: prune trades before %s: %w", before.Format(time.RFC3339), err)
	}
	return tag.RowsAffected(), nil
}
