package graph

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// group { members { quote company } } makes one group call, ONE board call
// for all 30 members (not 30) and one call per member's company document.
func TestGroupMembersBatched(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.post(`{ group(code: "VN30") { members { symbol quote { symbol price } company { info { count } } } } }`, nil)
	data := string(r.mustData(t))
	count := map[market.Capability]int{}
	var board market.Query
	for _, q := range e.svc.Calls() {
		count[q.Capability]++
		if q.Capability == market.CapBoard {
			board = q
		}
	}
	want := map[market.Capability]int{market.CapGroup: 1, market.CapBoard: 1, market.CapCompany: 30}
	for c, n := range want {
		if count[c] != n {
			t.Errorf("%d %s calls, want %d (all calls: %v)", count[c], c, n, count)
		}
	}
	if len(board.Symbols) != 30 {
		t.Errorf("the board call asked for %d symbols, want the 30 members", len(board.Symbols))
	}
	// KBS's recorded basket has DGC and VPL, which the fake board (the
	// built-in VN30 list) lacks: their quote is null, every other member's
	// is its own row.
	for _, s := range e.svc.frames["group_VN30"].Rows {
		sym := s[0].(string)
		want := `"quote":{"symbol":"` + sym + `"`
		if sym == "DGC" || sym == "VPL" {
			want = `{"symbol":"` + sym + `","quote":null`
		}
		if !strings.Contains(data, want) {
			t.Errorf("%s: no %s in %s", sym, want, data)
		}
	}
}

// The same document asked for twice in one request is fetched once.
func TestDocumentsDeduplicated(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.post(`{ a: company(symbol: "SSI") { info { count } } b: company(symbol: "ssi") { info { count } news { count } } }`, nil).mustData(t)
	var got []string
	for _, q := range e.svc.Calls() {
		got = append(got, q.Key())
	}
	slices.Sort(got)
	want := []string{"company|sym=SSI", "news|sym=SSI"}
	if !slices.Equal(got, want) {
		t.Fatalf("calls %v, want %v", got, want)
	}
}

func TestLoader(t *testing.T) {
	t.Parallel()
	t.Run("concurrent loads share one fetch", func(t *testing.T) {
		var fetches atomic.Int32
		var mu sync.Mutex
		var batches [][]int
		l := newLoader(context.Background(), 5*time.Millisecond, func(_ context.Context, keys []int) []outcome[int] {
			fetches.Add(1)
			mu.Lock()
			batches = append(batches, slices.Clone(keys))
			mu.Unlock()
			out := make([]outcome[int], len(keys))
			for i, k := range keys {
				out[i].val = k * 10
			}
			return out
		})
		l.Prime(7)
		var wg sync.WaitGroup
		for k := range 5 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if v, err := l.Load(context.Background(), k%3); err != nil || v != k%3*10 {
					t.Errorf("Load(%d) = %d, %v", k%3, v, err)
				}
			}()
		}
		wg.Wait()
		if v, _ := l.Load(context.Background(), 7); v != 70 || fetches.Load() != 1 {
			t.Errorf("primed key: %d after %d fetches (batches %v), want 70 after 1", v, fetches.Load(), batches)
		}
		if len(batches[0]) != 4 {
			t.Errorf("batch %v, want the primed key and the 3 distinct keys", batches[0])
		}
	})
	t.Run("errors per key and cancellation", func(t *testing.T) {
		boom := errors.New("boom")
		release := make(chan struct{})
		l := newLoader(context.Background(), time.Millisecond, func(_ context.Context, keys []string) []outcome[string] {
			<-release
			out := make([]outcome[string], len(keys))
			for i, k := range keys {
				if k == "bad" {
					out[i].err = boom
				}
			}
			return out
		})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := l.Load(ctx, "x"); !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled load: %v", err)
		}
		close(release)
		if _, err := l.Load(context.Background(), "bad"); !errors.Is(err, boom) {
			t.Errorf("bad key: %v", err)
		}
	})
}
