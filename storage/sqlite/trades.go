package sqlite

import (
	"context"
	"database/sql"
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
		return fmt.Errorf("sqlite: append trades: %w", err)
	}
	if len(trades) == 0 {
		return nil
	}
	const q = `INSERT INTO trades (symbol, time, price, volume, trade_id, side, total_volume, source)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (symbol, time, price, volume, trade_id) DO NOTHING`
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, t := range trades {
			if _, err := st.ExecContext(ctx, string(t.Symbol), micros(t.Time), t.Price, t.Volume, t.ID,
				sqlkit.Side(t.Side), t.TotalVolume, t.Source); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: append %d trades: %w", len(trades), err)
	}
	return nil
}

// Trades returns up to limit trades of sym with time < before (zero: now),
// newest first; trades of one time come in descending cumulative volume,
// which is the order they matched in.
func (s *Store) Trades(ctx context.Context, sym market.Symbol, before time.Time, limit int) ([]market.Trade, error) {
	before, err := sqlkit.TradeBounds(sym, before, limit, s.now)
	if err != nil {
		return nil, fmt.Errorf("sqlite: trades: %w", err)
	}
	const q = `SELECT time, price, volume, trade_id, side, total_volume, source FROM trades
		WHERE symbol = ? AND time < ?
		ORDER BY time DESC, total_volume DESC, trade_id DESC, price DESC, volume DESC LIMIT ?`
	rows, err := s.r.QueryContext(ctx, q, string(sym), micros(before), limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: trades of %s: %w", sym, err)
	}
	defer rows.Close()
	out := make([]market.Trade, 0, min(limit, 1024))
	t := market.Trade{Symbol: sym}
	var us int64
	var side, src sql.RawBytes
	dest := []any{&us, &t.Price, &t.Volume, &t.ID, &side, &t.TotalVolume, &src}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("sqlite: scan trade of %s: %w", sym, err)
		}
		if string(side) != string(t.Side) {
			t.Side = market.Side(side)
		}
		if string(src) != t.Source {
			t.Source = string(src)
		}
		t.Time = fromMicros(us)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: trades of %s: %w", sym, err)
	}
	return out, nil
}

// PruneTrades deletes the trades older than before (the sessions the store
// no longer keeps) and returns how many it deleted.
func (s *Store) PruneTrades(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM trades WHERE time < ?`, micros(sqlkit.CeilMicro(before)))
	if err != nil {
		return 0, fmt.Errorf("sqlite: prune trades before %s: %w", before.Format(time.RFC3339), err)
	}
	return res.RowsAffected()
}
