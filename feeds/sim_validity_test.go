package feeds

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// simQuoteRow is the JSON of a quote event, as a client decodes it.
type simQuoteRow struct {
	Symbol   string  `json:"symbol"`
	Exchange string  `json:"exchange"`
	Time     string  `json:"time"`
	Session  string  `json:"session"`
	Ceiling  int64   `json:"ceiling_price"`
	Floor    int64   `json:"floor_price"`
	Ref      int64   `json:"reference_price"`
	Open     int64   `json:"open_price"`
	High     int64   `json:"high_price"`
	Low      int64   `json:"low_price"`
	Close    int64   `json:"close_price"`
	Avg      int64   `json:"average_price"`
	Volume   int64   `json:"volume_accumulated"`
	Value    int64   `json:"total_value"`
	Change   int64   `json:"price_change"`
	Pct      float64 `json:"percent_change"`
	Bid1     int64   `json:"bid_price_1"`
	Bid2     int64   `json:"bid_price_2"`
	Bid3     int64   `json:"bid_price_3"`
	BidVol1  int64   `json:"bid_vol_1"`
	BidVol2  int64   `json:"bid_vol_2"`
	BidVol3  int64   `json:"bid_vol_3"`
	Ask1     int64   `json:"ask_price_1"`
	Ask2     int64   `json:"ask_price_2"`
	Ask3     int64   `json:"ask_price_3"`
	AskVol1  int64   `json:"ask_vol_1"`
	AskVol2  int64   `json:"ask_vol_2"`
	AskVol3  int64   `json:"ask_vol_3"`
	FBuy     int64   `json:"foreign_buy_volume"`
	FSell    int64   `json:"foreign_sell_volume"`
	FRoom    int64   `json:"foreign_room"`
}

func (q *simQuoteRow) levels() (bids, asks []market.Level) {
	return []market.Level{{Price: q.Bid1, Volume: q.BidVol1}, {Price: q.Bid2, Volume: q.BidVol2}, {Price: q.Bid3, Volume: q.BidVol3}},
		[]market.Level{{Price: q.Ask1, Volume: q.AskVol1}, {Price: q.Ask2, Volume: q.AskVol2}, {Price: q.Ask3, Volume: q.AskVol3}}
}

// checkSimQuote reports the first rule the quote breaks, or "".
func checkSimQuote(q *simQuoteRow) string {
	ex, err := market.ParseExchange(q.Exchange)
	if err != nil {
		return "exchange " + q.Exchange
	}
	if _, err := time.Parse(time.RFC3339, q.Time); err != nil || !strings.HasSuffix(q.Time, "+07:00") {
		return "time " + q.Time
	}
	if c, f := market.Limits(ex, market.Stock, q.Ref); c != q.Ceiling || f != q.Floor {
		return "limits do not match the reference"
	}
	valid := func(p int64) bool { return market.ValidPrice(ex, market.Stock, p, q.Floor, q.Ceiling) }
	if q.Volume > 0 {
		for _, p := range []int64{q.Open, q.High, q.Low, q.Close} {
			if !valid(p) {
				return "price off grid or limits"
			}
		}
		if q.Low > q.Open || q.Low > q.Close || q.High < q.Open || q.High < q.Close || q.Avg < q.Low || q.Avg > q.High {
			return "open/high/low/close/avg inconsistent"
		}
		if q.Change != q.Close-q.Ref || q.Pct != simRound2(float64(q.Change)*100/float64(q.Ref)) {
			return "change is not close - ref"
		}
	} else if q.Close != 0 || q.Change != 0 || q.Value != 0 {
		return "untraded symbol with a price"
	}
	if q.Volume%market.LotSize != 0 || q.FBuy > q.Volume || q.FSell > q.Volume || q.FRoom < 0 {
		return "volumes"
	}
	return checkSimBook(q, valid)
}

func checkSimBook(q *simQuoteRow, valid func(int64) bool) string {
	bids, asks := q.levels()
	best := map[string]int64{}
	for side, lv := range map[string][]market.Level{"bid": bids, "ask": asks} {
		for i, l := range lv {
			if l.Price == 0 {
				if l.Volume != 0 || i+1 < len(lv) && lv[i+1].Price != 0 {
					return side + " gap in the book"
				}
				continue
			}
			if !valid(l.Price) || l.Volume <= 0 || l.Volume%market.LotSize != 0 {
				return side + " level off grid, limits or lots"
			}
			if i > 0 && (side == "bid" && l.Price >= lv[i-1].Price || side == "ask" && l.Price <= lv[i-1].Price) {
				return side + " levels out of order"
			}
		}
		best[side] = lv[0].Price
	}
	if best["bid"] == 0 && best["ask"] == 0 {
		return "empty book"
	}
	if best["bid"] != 0 && best["ask"] != 0 && best["bid"] >= best["ask"] {
		return "crossed book"
	}
	return ""
}

// simRowOf is the row a client would decode from q's JSON, without the
// JSON round trip (TestSimQuotesValid covers the encoding).
func simRowOf(q *market.Quote) simQuoteRow {
	r := simQuoteRow{
		Symbol: string(q.Symbol), Exchange: string(q.Exchange), Time: q.Time.In(market.ICT).Format(time.RFC3339),
		Ceiling: q.Ceiling, Floor: q.Floor, Ref: q.Ref, Open: q.Open, High: q.High, Low: q.Low, Close: q.Last,
		Avg: q.Avg, Volume: q.TotalVolume, Value: q.TotalValue, Change: q.Change, Pct: q.ChangePct,
		FBuy: q.ForeignBuy, FSell: q.ForeignSell, FRoom: q.ForeignRoom,
	}
	var bids, asks [3]market.Level
	copy(bids[:], q.Bids)
	copy(asks[:], q.Asks)
	r.Bid1, r.Bid2, r.Bid3 = bids[0].Price, bids[1].Price, bids[2].Price
	r.BidVol1, r.BidVol2, r.BidVol3 = bids[0].Volume, bids[1].Volume, bids[2].Volume
	r.Ask1, r.Ask2, r.Ask3 = asks[0].Price, asks[1].Price, asks[2].Price
	r.AskVol1, r.AskVol2, r.AskVol3 = asks[0].Volume, asks[1].Volume, asks[2].Volume
	return r
}

func TestSimQuotesValid(t *testing.T) {
	t.Parallel()
	s, c := newTestSim(t, 7, 2000, "", simWednesday(10, 0, 0))
	events := driveSim(s, c, 1000, 5*time.Millisecond)
	n := 0
	for _, e := range events {
		if !strings.HasPrefix(e.Topic, "quote:") {
			continue
		}
		var q simQuoteRow
		if err := json.Unmarshal(e.Payload, &q); err != nil {
			t.Fatalf("%s: %v", e.Topic, err)
		}
		if "quote:"+q.Symbol != e.Topic {
			t.Fatalf("%s carries symbol %s", e.Topic, q.Symbol)
		}
		if msg := checkSimQuote(&q); msg != "" {
			t.Fatalf("%s: %s: %s", e.Topic, msg, e.Payload)
		}
		n++
	}
	if n < 10_000 {
		t.Fatalf("only %d quotes", n)
	}
}

// TestSimWalkStaysInBounds drives single symbols far longer than a day,
// from the reference and pinned at either limit, across tick-size bands.
func TestSimWalkStaysInBounds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		ex    market.Exchange
		ref   int64
		start string // "ref", "ceiling" or "floor"
	}{
		{"HOSE around 10,000 band edge", market.HOSE, 10_000, "ref"},
		{"HOSE around 50,000 band edge", market.HOSE, 49_950, "ceiling"},
		{"HOSE cheap at floor", market.HOSE, 1_500, "floor"},
		{"HNX at ceiling", market.HNX, 14_000, "ceiling"},
		{"UPCOM at floor", market.UPCOM, 1_200, "floor"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(1, 2))
			st := newSimSymbol(rng, "TST", tc.ex)
			st.ref = tc.ref
			st.newDay(rng)
			switch tc.start {
			case "ceiling":
				st.mid = st.ceiling
			case "floor":
				st.mid = st.down(st.floor)
			}
			now := simWednesday(10, 0, 0)
			for i := range 20_000 {
				st.move(rng)
				tr := st.trade(rng, now)
				q := st.quote(now, market.PhaseContinuous)
				row := simRowOf(&q)
				if msg := checkSimQuote(&row); msg != "" {
					t.Fatalf("step %d: %s: %+v", i, msg, row)
				}
				if tr.Side == market.SideBuy && tr.Price != row.Ask1 || tr.Side == market.SideSell && tr.Price != row.Bid1 {
					t.Fatalf("step %d: %s at %d against book %d/%d", i, tr.Side, tr.Price, row.Bid1, row.Ask1)
				}
			}
		})
	}
}

func TestSimTradeSidesMatchBook(t *testing.T) {
	t.Parallel()
	s, c := newTestSim(t, 11, 2000, "", simWednesday(10, 0, 0))
	events := driveSim(s, c, 500, 5*time.Millisecond)
	last := map[string]simQuoteRow{}
	sides := map[market.Side]int{}
	for i, e := range events {
		kind, sym, _ := strings.Cut(e.Topic, ":")
		switch kind {
		case "quote":
			var q simQuoteRow
			if err := json.Unmarshal(e.Payload, &q); err != nil {
				t.Fatal(err)
			}
			last[sym] = q
		case "trade":
			var tr struct {
				Price, Volume int64
				Side          market.Side
				Acc           int64 `json:"volume_accumulated"`
			}
			if err := json.Unmarshal(e.Payload, &tr); err != nil {
				t.Fatal(err)
			}
			if events[i-1].Topic != "quote:"+sym {
				t.Fatalf("trade %d not right after its quote", i)
			}
			q := last[sym]
			switch {
			case tr.Side == market.SideBuy && tr.Price == q.Ask1, tr.Side == market.SideSell && tr.Price == q.Bid1:
			default:
				t.Fatalf("%s: %s at %d, book %d/%d", e.Topic, tr.Side, tr.Price, q.Bid1, q.Ask1)
			}
			if tr.Volume <= 0 || tr.Volume%market.LotSize != 0 || tr.Acc != q.Volume || tr.Price != q.Close {
				t.Fatalf("%s: trade %+v does not match quote %+v", e.Topic, tr, q)
			}
			sides[tr.Side]++
		}
	}
	if sides[market.SideBuy] < 100 || sides[market.SideSell] < 100 {
		t.Fatalf("sides = %v, want both", sides)
	}
}

func TestSimIndexBreadth(t *testing.T) {
	t.Parallel()
	members := map[string]int{"VNINDEX": 30, "VN30": 30, "HNXINDEX": 10, "HNX30": 10, "UPCOMINDEX": 8}
	s, c := newTestSim(t, 13, 2000, "", simWednesday(10, 0, 0))
	events := driveSim(s, c, 1000, 5*time.Millisecond)
	seen := map[string]int{}
	for _, e := range events {
		code, ok := strings.CutPrefix(e.Topic, "index:")
		if !ok {
			continue
		}
		var x struct {
			Value, Change float64
			Ref           float64 `json:"reference_value"`
			Adv           int     `json:"advances"`
			Dec           int     `json:"declines"`
			Unch          int     `json:"unchanged"`
			Ceil          int     `json:"ceiling_count"`
			Floor         int     `json:"floor_count"`
		}
		if err := json.Unmarshal(e.Payload, &x); err != nil {
			t.Fatal(err)
		}
		if got := x.Adv + x.Dec + x.Unch; got != members[code] {
			t.Fatalf("%s breadth sums to %d, want %d: %s", code, got, members[code], e.Payload)
		}
		if x.Ceil > x.Adv || x.Floor > x.Dec || x.Value <= 0 || x.Change != simRound2(x.Value-x.Ref) {
			t.Fatalf("%s inconsistent: %s", code, e.Payload)
		}
		seen[code]++
	}
	for code := range members {
		if seen[code] < 100 {
			t.Errorf("%s published %d times in 5 s at rate 2000, want ~500", code, seen[code])
		}
	}
}

func TestSimBarsClose(t *testing.T) {
	t.Parallel()
	s, c := newTestSim(t, 17, 100, "", simWednesday(10, 4, 30))
	events := driveSim(s, c, 600, 100*time.Millisecond) // to 10:05:30
	type barRow struct {
		Time                   time.Time
		Open, High, Low, Close float64
		Volume                 int64
		Closed                 bool
	}
	closedAt := map[string]time.Time{}
	closes := map[market.Interval]int{}
	for _, e := range events {
		if !strings.HasPrefix(e.Topic, "bar:") {
			continue
		}
		var b barRow
		if err := json.Unmarshal(e.Payload, &b); err != nil {
			t.Fatal(err)
		}
		iv := market.Interval(e.Topic[strings.LastIndexByte(e.Topic, ':')+1:])
		if b.Low > b.Open || b.Low > b.Close || b.High < b.Open || b.High < b.Close || b.Volume%market.LotSize != 0 {
			t.Fatalf("%s: inconsistent bar %s", e.Topic, e.Payload)
		}
		if t0, ok := closedAt[e.Topic]; ok && !b.Time.After(t0) {
			t.Fatalf("%s: bar %v sent after its close %v", e.Topic, b.Time, t0)
		}
		if b.Closed {
			closedAt[e.Topic] = b.Time
			closes[iv]++
			if end := b.Time.Add(iv.Duration()); time.UnixMilli(e.TS).Before(end) {
				t.Fatalf("%s: closed at %v before its end %v", e.Topic, time.UnixMilli(e.TS), end)
			}
		} else if want := iv.Start(time.UnixMilli(e.TS)); !b.Time.Equal(want) {
			t.Fatalf("%s: forming bar time %v, want %v", e.Topic, b.Time, want)
		}
	}
	if closes[market.Interval1m] < 40 || closes[market.Interval5m] < 40 {
		t.Fatalf("closed bars across 10:05 = %v, want one per traded symbol and interval", closes)
	}
}
