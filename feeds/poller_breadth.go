package feeds

import (
	"slices"
	"strconv"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// Index breadth from a price board. KBS and VCI boards carry stock rows
// only, never an index level, so a poller cannot say where VN30 stands. What
// it can say honestly, once every member of an index basket is on its
// board, is the basket's breadth: how many members are up, down, unchanged,
// at the ceiling or the floor, and the members' summed volume and value.
// That is what it publishes on `index:<CODE>`, with the same field names as
// market.IndexQuote and without the level fields (value, reference_value,
// open, high, low, change, percent_change), which it does not know.

// breadthBasket is one index whose whole basket the watchlist covers.
type breadthBasket struct {
	code    market.Symbol
	topic   string
	members []market.Symbol
	last    indexBreadth // last published
	sent    bool         // last holds a published row
}

// indexBreadth is a breadth-only index row.
type indexBreadth struct {
	Code      market.Symbol
	Time      time.Time // the latest member row's time
	Session   market.Phase
	Volume    int64 // members' matched volume, shares
	Turnover  int64 // members' matched value, VND
	Advances  int   // last above the reference price
	Declines  int   // last below the reference price
	Unchanged int   // last at the reference price, or no match yet
	Ceilings  int   // last at the ceiling price
	Floors    int   // last at the floor price
	Members   int   // basket size the counts cover
	Source    string
}

// sameExceptTime reports whether two rows differ only in their time.
func (a indexBreadth) sameExceptTime(b indexBreadth) bool {
	a.Time = b.Time
	return a == b
}

// AppendJSON appends the row's JSON object to b.
func (x *indexBreadth) AppendJSON(b []byte) []byte {
	b = append(b, `{"code":`...)
	b = strconv.AppendQuote(b, string(x.Code))
	b = append(b, `,"time":"`...)
	b = x.Time.In(market.ICT).AppendFormat(b, market.TimeLayout)
	b = append(b, '"')
	if x.Session != "" {
		b = append(b, `,"session":`...)
		b = strconv.AppendQuote(b, string(x.Session))
	}
	for _, f := range [...]struct {
		name string
		v    int64
	}{
		{"volume", x.Volume}, {"total_value", x.Turnover},
		{"advances", int64(x.Advances)}, {"declines", int64(x.Declines)}, {"unchanged", int64(x.Unchanged)},
		{"ceiling_count", int64(x.Ceilings)}, {"floor_count", int64(x.Floors)}, {"members", int64(x.Members)},
	} {
		b = append(b, ',', '"')
		b = append(b, f.name...)
		b = append(b, '"', ':')
		b = strconv.AppendInt(b, f.v, 10)
	}
	if x.Source != "" {
		b = append(b, `,"source":`...)
		b = strconv.AppendQuote(b, x.Source)
	}
	return append(b, '}')
}

// breadthBaskets returns, sorted by code, the directory's groups that are
// index codes (VN30, HNX30, ...) and whose every member is in syms. A basket
// the watchlist covers only in part is left out: its counts would not be
// the index's.
func breadthBaskets(dir *market.Directory, syms []market.Symbol) []*breadthBasket {
	var out []*breadthBasket
	for _, g := range dir.Groups() {
		code := market.Symbol(g)
		members, ok := dir.Members(g)
		if !ok || len(members) == 0 || !dir.HasIndex(code) {
			continue
		}
		covered := true
		for _, m := range members {
			covered = covered && slices.Contains(syms, m)
		}
		if covered {
			out = append(out, &breadthBasket{code: code, topic: "index:" + g, members: members})
		}
	}
	return out
}

// breadth computes the basket's row from the latest board rows; ok is false
// while a member has not been on the board yet.
func (k *breadthBasket) breadth(rows map[market.Symbol]market.Quote) (x indexBreadth, ok bool) {
	x = indexBreadth{Code: k.code, Members: len(k.members)}
	for _, m := range k.members {
		q, seen := rows[m]
		if !seen {
			return indexBreadth{}, false
		}
		if q.Time.After(x.Time) {
			x.Time = q.Time
		}
		x.Volume += q.TotalVolume
		x.Turnover += q.TotalValue
		x.Source = q.Source
		switch {
		case q.Last <= 0 || q.Last == q.Ref:
			x.Unchanged++
		case q.Last > q.Ref:
			x.Advances++
		default:
			x.Declines++
		}
		if q.Last > 0 && q.Last == q.Ceiling {
			x.Ceilings++
		}
		if q.Last > 0 && q.Last == q.Floor {
			x.Floors++
		}
	}
	return x, true
}
