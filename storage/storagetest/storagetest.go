// Package storagetest is the contract suite every storage.Store
// implementation runs: storage/postgres on a real database, storage/sqlite on
// a temporary file. One suite, so that the two stores cannot drift apart.
package storagetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
)

// NewStore returns a fresh, empty store for one test; it closes the store
// with t.Cleanup.
type NewStore func(t *testing.T) storage.Store

// Run runs the contract suite. Every subtest gets its own store from
// newStore and runs in parallel with the others.
func Run(t *testing.T, newStore NewStore) {
	t.Helper()
	tests := []struct {
		name string
		run  func(*testing.T, storage.Store)
	}{
		{"Ping", testPing},
		{"BarsRoundTrip", testBarsRoundTrip},
		{"BarsUpsertReplaces", testBarsUpsertReplaces},
		{"BarsRangeHalfOpen", testBarsRange},
		{"BarsSeriesIsolated", testBarsSeriesIsolated},
		{"BarsInvalid", testBarsInvalid},
		{"Coverage", testCoverage},
		{"CoverageInvalid", testCoverageInvalid},
		{"Docs", testDocs},
		{"DocsInvalid", testDocsInvalid},
		{"TradesDedupe", testTradesDedupe},
		{"TradesOrderAndBounds", testTradesOrder},
		{"TradesInvalid", testTradesInvalid},
		{"Keys", testKeys},
		{"KeysInvalid", testKeysInvalid},
		{"UsageAdds", testUsageAdds},
		{"UsageFilters", testUsageFilters},
		{"UsageInvalid", testUsageInvalid},
		{"ConcurrentUpserts", testConcurrentUpserts},
		{"ConcurrentCoverage", testConcurrentCoverage},
		{"ConcurrentCounters", testConcurrentCounters},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, newStore(t))
		})
	}
}

// diff compares instants, not zones (stores hand times back in ICT, and
// inICT checks that on its own), and nil slices equal to empty ones.
func diff(want, got any) string {
	timeEqual := cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })
	return cmp.Diff(want, got, timeEqual, cmpopts.EquateEmpty())
}

// day returns midnight ICT of 2024-01-01 plus n days.
func day(n int) time.Time { return time.Date(2024, 1, 1+n, 0, 0, 0, 0, market.ICT) }

func ctxOf(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantErr(t *testing.T, err, target error, what string) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: err = %v, want one wrapping %v", what, err, target)
	}
}

func inICT(t *testing.T, what string, ts time.Time) {
	t.Helper()
	if _, off := ts.Zone(); off != 7*3600 {
		t.Errorf("%s: time %s is not in ICT (+07:00)", what, ts)
	}
}

func testPing(t *testing.T, s storage.Store) {
	must(t, s.Ping(ctxOf(t)))
}
