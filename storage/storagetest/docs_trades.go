package storagetest

import (
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
)

func testDocs(t *testing.T, s storage.Store) {
	ctx := ctxOf(t)
	q := market.Query{Capability: market.CapOHLCV, Symbol: "VNM"}
	at := time.Date(2024, 3, 5, 10, 0, 0, 123000, market.ICT)
	// Key order and spacing are kept byte for byte: a Frame's keys are
	// vnstock's column order, which a re-encoding store would sort.
	first := storage.Doc{Kind: q.Capability, Key: q.Key(), Symbol: "VNM", Source: "kbs", FetchedAt: at,
		Body: []byte(`[{"ticker":"VNM","organ_name":"Vinamilk","a":1,"z":{"y":2,"b":[1,2.5,"x",null,true]}}]`)}
	must(t, s.PutDoc(ctx, first))
	got, err := s.Doc(ctx, first.Kind, first.Key)
	must(t, err)
	if d := diff(first, got); d != "" {
		t.Errorf("doc (-want +got):\n%s", d)
	}
	inICT(t, "doc fetched_at", got.FetchedAt)

	second := first
	second.Source, second.FetchedAt, second.Body = "vci", at.Add(time.Hour), []byte(`{"replaced": true}`)
	must(t, s.PutDoc(ctx, second))
	got, err = s.Doc(ctx, first.Kind, first.Key)
	must(t, err)
	if d := diff(second, got); d != "" {
		t.Errorf("replaced doc (-want +got):\n%s", d)
	}

	// Same key under another kind is another doc; a doc need not have a symbol.
	other := storage.Doc{Kind: market.CapEquities, Key: first.Key, Source: "vci", FetchedAt: at, Body: []byte(`[]`)}
	must(t, s.PutDoc(ctx, other))
	got, err = s.Doc(ctx, other.Kind, other.Key)
	must(t, err)
	if d := diff(other, got); d != "" {
		t.Errorf("doc of another kind (-want +got):\n%s", d)
	}

	_, err = s.Doc(ctx, first.Kind, "no such key")
	wantErr(t, err, market.ErrNotFound, "Doc of an unknown key")

	// A zero FetchedAt means now.
	unset := storage.Doc{Kind: market.CapEquities, Key: "unset", Body: []byte(`{}`)}
	must(t, s.PutDoc(ctx, unset))
	got, err = s.Doc(ctx, unset.Kind, unset.Key)
	must(t, err)
	if time.Since(got.FetchedAt) > time.Minute || got.FetchedAt.After(time.Now().Add(time.Minute)) {
		t.Errorf("zero FetchedAt stored as %v, want about now", got.FetchedAt)
	}
}

func testDocsInvalid(t *testing.T, s storage.Store) {
	ctx := ctxOf(t)
	tests := []struct {
		name string
		doc  storage.Doc
	}{
		{"no kind", storage.Doc{Key: "k", Body: []byte(`{}`)}},
		{"no key", storage.Doc{Kind: market.CapEquities, Body: []byte(`{}`)}},
		{"body not JSON", storage.Doc{Kind: market.CapEquities, Key: "k", Body: []byte(`{"a":`)}},
		{"no body", storage.Doc{Kind: market.CapEquities, Key: "k"}},
	}
	for _, tc := range tests {
		wantErr(t, s.PutDoc(ctx, tc.doc), market.ErrInvalid, tc.name)
	}
	_, err := s.Doc(ctx, market.CapEquities, "k")
	wantErr(t, err, market.ErrNotFound, "refused doc")
}

// tape returns n trades of sym, one per second from 09:15:00 ICT, each with
// a growing cumulative volume.
func tape(sym market.Symbol, n int) []market.Trade {
	t0 := time.Date(2024, 3, 5, 9, 15, 0, 0, market.ICT)
	out := make([]market.Trade, n)
	var total int64
	for i := range out {
		vol := int64(100 * (i + 1))
		total += vol
		side := market.SideBuy
		if i%2 == 1 {
			side = market.SideSell
		}
		out[i] = market.Trade{Symbol: sym, Time: t0.Add(time.Duration(i) * time.Second), Price: int64(60000 + 100*(i%5)),
			Volume: vol, Side: side, TotalVolume: total, Source: "kbs"}
	}
	return out
}

func reversed[T any](s []T) []T {
	out := make([]T, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}

func testTradesDedupe(t *testing.T, s storage.Store) {
	ctx := ctxOf(t)
	tr := tape("VNM", 6)
	tr[3].ID = "T3"
	must(t, s.AppendTrades(ctx, tr[:4]))
	// Again with overlap, a duplicate within the call, and a trade equal to
	// tr[3] but for its id: a different trade.
	sameButID := tr[3]
	sameButID.ID, sameButID.TotalVolume = "T3b", tr[3].TotalVolume+1
	must(t, s.AppendTrades(ctx, append(tr[2:], tr[5], sameButID)))
	must(t, s.AppendTrades(ctx, nil))

	got, err := s.Trades(ctx, "VNM", time.Time{}, 100)
	must(t, err)
	want := reversed(append(tr[:4:4], sameButID, tr[4], tr[5]))
	if d := diff(want, got); d != "" {
		t.Errorf("trades (-want +got):\n%s", d)
	}
	for _, g := range got {
		inICT(t, "trade", g.Time)
	}
	// A trade without a side is stored as unknown.
	noSide := tape("FPT", 1)[0]
	noSide.Side = ""
	must(t, s.AppendTrades(ctx, []market.Trade{noSide}))
	got, err = s.Trades(ctx, "FPT", time.Time{}, 1)
	must(t, err)
	if len(got) != 1 || got[0].Side != market.SideUnknown {
		t.Errorf("trade without side reads back as %+v, want side %q", got, market.SideUnknown)
	}
}

func testTradesOrder(t *testing.T, s storage.Store) {
	ctx := ctxOf(t)
	tr := tape("VNM", 5)
	// Three trades in one second: newest first means highest cumulative volume first.
	for i := 1; i < 4; i++ {
		tr[i].Time = tr[1].Time
	}
	must(t, s.AppendTrades(ctx, append(reversed(tr), tape("FPT", 3)...)))
	tests := []struct {
		name   string
		before time.Time
		limit  int
		want   []market.Trade
	}{
		{"all, newest first", time.Time{}, 10, reversed(tr)},
		{"limit", time.Time{}, 2, []market.Trade{tr[4], tr[3]}},
		{"before is exclusive", tr[4].Time, 10, []market.Trade{tr[3], tr[2], tr[1], tr[0]}},
		{"before and limit", tr[4].Time, 1, []market.Trade{tr[3]}},
		{"before the first", tr[0].Time, 10, nil},
		{"far past", tr[0].Time.AddDate(-1, 0, 0), 10, nil},
	}
	for _, tc := range tests {
		got, err := s.Trades(ctx, "VNM", tc.before, tc.limit)
		must(t, err)
		if d := diff(tc.want, got); d != "" {
			t.Errorf("%s: Trades(before %v, limit %d) (-want +got):\n%s", tc.name, tc.before, tc.limit, d)
		}
	}
	got, err := s.Trades(ctx, "HPG", time.Time{}, 10)
	must(t, err)
	if len(got) != 0 {
		t.Errorf("trades of a symbol never written: %v", got)
	}
}

func testTradesInvalid(t *testing.T, s storage.Store) {
	ctx := ctxOf(t)
	good := tape("VNM", 1)[0]
	noSym, noTime := good, good
	noSym.Symbol = ""
	noTime.Time = time.Time{}
	wantErr(t, s.AppendTrades(ctx, []market.Trade{good, noSym}), market.ErrInvalid, "trade without symbol")
	wantErr(t, s.AppendTrades(ctx, []market.Trade{good, noTime}), market.ErrInvalid, "trade without time")
	_, err := s.Trades(ctx, "VNM", time.Time{}, 0)
	wantErr(t, err, market.ErrInvalid, "limit 0")
	_, err = s.Trades(ctx, "", time.Time{}, 10)
	wantErr(t, err, market.ErrInvalid, "no symbol")
	got, err := s.Trades(ctx, "VNM", time.Time{}, 10)
	must(t, err)
	if len(got) != 0 {
		t.Errorf("a refused batch wrote %d trades", len(got))
	}
}
