package feeds

import (
	"slices"

	"github.com/vnstock-api/vnstock-api/market"
)

// BoardTrades derives the trade tape from successive price-board snapshots,
// for every feed whose upstream re-sends a symbol's whole row and never
// says who the aggressor was (SSI iBoard pushes, polled KBS/VCI boards). A
// trade is inferred from an increase of the cumulative matched volume:
// volume = the increase, price = the last matched price, side unknown.
// Several matches between two snapshots, or matches missed while
// disconnected or between polls, come out as one trade of their summed
// volume at the latest price; the tape's volumes always add up to the
// cumulative volume.
//
// A BoardTrades is not safe for concurrent use; one feed goroutine owns it.
type BoardTrades struct {
	last map[market.Symbol]market.Quote
}

// NewBoardTrades returns an empty trade deriver.
func NewBoardTrades() *BoardTrades {
	return &BoardTrades{last: make(map[market.Symbol]market.Quote)}
}

// Observe records q as the latest snapshot of its symbol. traded reports
// that tr is a new trade; changed reports that q differs from the previous
// snapshot in anything but its time (true for a symbol's first snapshot). A
// first snapshot, or one whose cumulative volume went down (a new trading
// day), only sets the baseline and yields no trade. Observe keeps q's book
// slices, which the parsers allocate afresh for every record.
func (s *BoardTrades) Observe(q *market.Quote) (tr market.Trade, traded, changed bool) {
	prev, seen := s.last[q.Symbol]
	s.last[q.Symbol] = *q
	if !seen {
		return market.Trade{}, false, true
	}
	changed = !sameQuoteExceptTime(&prev, q)
	if q.TotalVolume <= prev.TotalVolume {
		return market.Trade{}, false, changed
	}
	tr = market.Trade{
		Symbol:      q.Symbol,
		Time:        q.Time,
		Price:       q.Last,
		Volume:      q.TotalVolume - prev.TotalVolume,
		Side:        market.SideUnknown,
		TotalVolume: q.TotalVolume,
		Source:      q.Source,
	}
	return tr, true, changed
}

// Len is the number of symbols with a baseline.
func (s *BoardTrades) Len() int { return len(s.last) }

// Reset forgets every symbol, for a new trading day.
func (s *BoardTrades) Reset() { clear(s.last) }

// sameQuoteExceptTime compares every published field of two quotes but Time.
func sameQuoteExceptTime(a, b *market.Quote) bool {
	return a.Symbol == b.Symbol && a.Exchange == b.Exchange && a.Session == b.Session &&
		a.Ref == b.Ref && a.Ceiling == b.Ceiling && a.Floor == b.Floor &&
		a.Open == b.Open && a.High == b.High && a.Low == b.Low &&
		a.Last == b.Last && a.LastVolume == b.LastVolume && a.Avg == b.Avg &&
		a.TotalVolume == b.TotalVolume && a.TotalValue == b.TotalValue &&
		a.Change == b.Change && a.ChangePct == b.ChangePct &&
		a.ForeignBuy == b.ForeignBuy && a.ForeignSell == b.ForeignSell &&
		a.ForeignRoom == b.ForeignRoom && a.Source == b.Source &&
		slices.Equal(a.Bids, b.Bids) && slices.Equal(a.Asks, b.Asks)
}
