package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/storage"
)

// TradePruner is a store that can drop the trades of past sessions.
type TradePruner interface {
	storage.Store
	PruneTrades(ctx context.Context, before time.Time) (int64, error)
}

// PruneTrades checks that PruneTrades deletes exactly the trades older than
// its bound, of every symbol, and reports how many.
func PruneTrades(t *testing.T, s TradePruner) {
	t.Helper()
	ctx := ctxOf(t)
	vnm, fpt := tape("VNM", 10), tape("FPT", 4)
	must(t, s.AppendTrades(ctx, append(vnm, fpt...)))
	n, err := s.PruneTrades(ctx, vnm[3].Time)
	must(t, err)
	if n != 6 { // VNM 0-2, FPT 0-2
		t.Errorf("PruneTrades deleted %d trades, want 6", n)
	}
	got, err := s.Trades(ctx, "VNM", time.Time{}, 100)
	must(t, err)
	if d := diff(reversed(vnm[3:]), got); d != "" {
		t.Errorf("VNM trades after prune (-want +got):\n%s", d)
	}
	got, err = s.Trades(ctx, "FPT", time.Time{}, 100)
	must(t, err)
	if d := diff(fpt[3:], got); d != "" {
		t.Errorf("FPT trades after prune (-want +got):\n%s", d)
	}
	n, err = s.PruneTrades(ctx, vnm[3].Time)
	must(t, err)
	if n != 0 {
		t.Errorf("second PruneTrades deleted %d trades, want 0", n)
	}
}
