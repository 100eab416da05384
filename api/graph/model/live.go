package model

import (
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// Quote is a price-board row with vnstock's quote columns.
type Quote struct {
	Symbol            string
	Exchange          string
	Time              *time.Time
	Session           *string
	CeilingPrice      int64
	FloorPrice        int64
	ReferencePrice    int64
	OpenPrice         int64
	HighPrice         int64
	LowPrice          int64
	ClosePrice        int64
	CloseVolume       int64
	AveragePrice      int64
	VolumeAccumulated int64
	TotalValue        int64
	PriceChange       int64
	PercentChange     float64
	Bid               []market.Level
	Ask               []market.Level
	ForeignBuyVolume  int64
	ForeignSellVolume int64
	ForeignRoom       int64
	Source            *string
	Live
}

// Price is the live protocol's short name of ClosePrice.
func (q *Quote) Price() int64 { return q.ClosePrice }

// Change is the live protocol's short name of PriceChange.
func (q *Quote) Change() int64 { return q.PriceChange }

// Volume is the live protocol's short name of VolumeAccumulated.
func (q *Quote) Volume() int64 { return q.VolumeAccumulated }

// QuoteFrom converts a market quote.
func QuoteFrom(q *market.Quote, l Live) *Quote {
	return &Quote{
		Symbol: string(q.Symbol), Exchange: string(q.Exchange),
		Time: timePtr(q.Time), Session: strPtr(string(q.Session)),
		CeilingPrice: q.Ceiling, FloorPrice: q.Floor, ReferencePrice: q.Ref,
		OpenPrice: q.Open, HighPrice: q.High, LowPrice: q.Low,
		ClosePrice: q.Last, CloseVolume: q.LastVolume, AveragePrice: q.Avg,
		VolumeAccumulated: q.TotalVolume, TotalValue: q.TotalValue,
		PriceChange: q.Change, PercentChange: q.ChangePct,
		Bid: levels(q.Bids), Ask: levels(q.Asks),
		ForeignBuyVolume: q.ForeignBuy, ForeignSellVolume: q.ForeignSell, ForeignRoom: q.ForeignRoom,
		Source: strPtr(q.Source), Live: l,
	}
}

func levels(l []market.Level) []market.Level {
	if l == nil {
		return []market.Level{}
	}
	return l
}

// QuoteBoard is the answer of the quotes query.
type QuoteBoard struct {
	Quotes []*Quote
	Meta   *Meta
}

// Trade is one matched trade.
type Trade struct {
	Symbol            string
	Time              time.Time
	Price             int64
	Volume            int64
	Side              string
	VolumeAccumulated int64
	ID                *string
	Source            *string
	Live
}

// TradeFrom converts a market trade.
func TradeFrom(t *market.Trade, l Live) *Trade {
	side := string(t.Side)
	if side == "" {
		side = string(market.SideUnknown)
	}
	return &Trade{
		Symbol: string(t.Symbol), Time: t.Time, Price: t.Price, Volume: t.Volume, Side: side,
		VolumeAccumulated: t.TotalVolume, ID: strPtr(t.ID), Source: strPtr(t.Source), Live: l,
	}
}

// TradeTape is the answer of the trades query.
type TradeTape struct {
	Symbol string
	Trades []*Trade
	Meta   *Meta
}

// Bar is one OHLCV bar.
type Bar struct {
	Time     time.Time
	Symbol   string
	Interval string
	Open     float64
	High     float64
	Low      float64
	Close    float64
	Volume   int64
	Closed   bool
	Source   *string
	Live
}

// BarFrom converts a market bar.
func BarFrom(b *market.Bar, l Live) *Bar {
	return &Bar{
		Time: b.Time, Symbol: string(b.Symbol), Interval: string(b.Interval),
		Open: b.Open, High: b.High, Low: b.Low, Close: b.Close, Volume: b.Volume,
		Closed: b.Closed, Source: strPtr(b.Source), Live: l,
	}
}

// BarSeries is the answer of the ohlcv query.
type BarSeries struct {
	Symbol   string
	Asset    Asset
	Interval string
	Bars     []*Bar
	Meta     *Meta
}

// IndexQuote is an index level with its breadth.
type IndexQuote struct {
	Code           string
	Time           *time.Time
	Session        *string
	Value          float64
	ReferenceValue float64
	Open           float64
	High           float64
	Low            float64
	Change         float64
	PercentChange  float64
	Volume         int64
	TotalValue     int64
	Advances       int
	Declines       int
	Unchanged      int
	CeilingCount   int
	FloorCount     int
	Source         *string
	Live
}

// IndexFrom converts a market index quote.
func IndexFrom(x *market.IndexQuote, l Live) *IndexQuote {
	return &IndexQuote{
		Code: string(x.Code), Time: timePtr(x.Time), Session: strPtr(string(x.Session)),
		Value: x.Value, ReferenceValue: x.Ref, Open: x.Open, High: x.High, Low: x.Low,
		Change: x.Change, PercentChange: x.ChangePct, Volume: x.Volume, TotalValue: x.Turnover,
		Advances: x.Advances, Declines: x.Declines, Unchanged: x.Unchanged,
		CeilingCount: x.Ceilings, FloorCount: x.Floors, Source: strPtr(x.Source), Live: l,
	}
}

// Session is the trading phase of one exchange.
type Session struct {
	Exchange  Exchange
	Phase     string
	Time      time.Time
	NextPhase *string
	NextAt    *time.Time
	Live
}

// SessionFrom converts a market session state.
func SessionFrom(s *market.SessionState, l Live) *Session {
	out := &Session{Exchange: Exchange(s.Exchange), Phase: string(s.Phase), Time: s.Time, Live: l}
	if s.Next != "" {
		out.NextPhase = strPtr(string(s.Next))
		out.NextAt = timePtr(s.NextAt)
	}
	return out
}

// SourceStatus is the health of one feed source.
type SourceStatus struct {
	Source     string
	State      string
	LastUpdate *time.Time
	Stale      bool
	Message    *string
}

// FeedStatus is the payload of the status topic.
type FeedStatus struct {
	Time    *time.Time
	Sources []*SourceStatus
	Seq     int64
	TS      int64
}

// StatusFrom converts a market feed status.
func StatusFrom(s *market.FeedStatus, seq uint64, ts int64) *FeedStatus {
	out := &FeedStatus{Time: timePtr(s.Time), Sources: make([]*SourceStatus, len(s.Sources)), Seq: int64(seq), TS: ts}
	for i, src := range s.Sources {
		out.Sources[i] = &SourceStatus{
			Source: src.Source, State: string(src.State), LastUpdate: timePtr(src.LastUpdate),
			Stale: src.Stale, Message: strPtr(src.Message),
		}
	}
	return out
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
