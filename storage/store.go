// Package storage declares the repositories the server keeps its data in
// (implemented by storage/postgres and storage/sqlite, checked by one
// contract suite in storage/storagetest) and the read-through Service that
// answers every query: cache, then storage, then the upstream for only what
// is missing.
package storage

import (
	"context"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// SeriesKey names one OHLCV series.
type SeriesKey struct {
	Symbol   market.Symbol
	Asset    string // market.Asset* constant
	Interval market.Interval
	Adjusted bool
}

// Range is a half-open span of time [From, To).
type Range struct {
	From, To time.Time
}

// BarStore keeps OHLCV bars and the coverage table: the ranges already
// fetched from an upstream, so that a range is fetched once.
type BarStore interface {
	// UpsertBars writes bars (all of key's series), replacing equal times.
	UpsertBars(ctx context.Context, key SeriesKey, bars []market.Bar) error
	// Bars returns key's bars with From ≤ time < To, oldest first.
	Bars(ctx context.Context, key SeriesKey, r Range) ([]market.Bar, error)
	// AddCoverage records that r was fetched (merging with touching ranges).
	AddCoverage(ctx context.Context, key SeriesKey, r Range) error
	// Coverage returns key's covered ranges, merged and sorted.
	Coverage(ctx context.Context, key SeriesKey) ([]Range, error)
}

// Doc is one stored upstream answer that is not a bar series: a listing,
// company document, financial statement, fund table, gold or FX table.
type Doc struct {
	Kind      market.Capability
	Key       string // market.Query.Key()
	Symbol    market.Symbol
	Source    string
	FetchedAt time.Time
	Body      []byte // JSON of the market.Result
}

// DocStore keeps the latest Doc per (Kind, Key).
type DocStore interface {
	PutDoc(ctx context.Context, d Doc) error
	// Doc returns the stored doc or an error wrapping market.ErrNotFound.
	Doc(ctx context.Context, kind market.Capability, key string) (Doc, error)
}

// TradeStore keeps the intraday trades of recent sessions.
type TradeStore interface {
	// AppendTrades stores trades, ignoring ones already stored (same symbol,
	// time, price, volume and id).
	AppendTrades(ctx context.Context, trades []market.Trade) error
	// Trades returns up to limit trades of sym before `before` (zero: now),
	// newest first.
	Trades(ctx context.Context, sym market.Symbol, before time.Time, limit int) ([]market.Trade, error)
}

// Plan is the limits that come with an API key.
type Plan struct {
	RPS          float64 `json:"rps"`            // requests per second
	Burst        int     `json:"burst"`          // bucket size
	DailyQuota   int64   `json:"daily_quota"`    // requests per ICT day, 0 = unlimited
	MaxStreams   int     `json:"max_streams"`    // concurrent WS/SSE/GraphQL streams
	MaxTopics    int     `json:"max_topics"`     // topics per connection
	MessagesPerS float64 `json:"messages_per_s"` // client messages per second on a WebSocket
}

// Key is an API key as stored: never the key itself, only its hash.
type Key struct {
	ID        string
	Prefix    string // the visible start, e.g. "vk_live_AbC1"
	Hash      []byte // SHA-256 of the full key
	Name      string
	Scopes    []string // read, stream, admin
	Plan      Plan
	CreatedAt time.Time
	LastUsed  time.Time
	ExpiresAt time.Time // zero = never
	Revoked   bool
}

// KeyStore keeps API keys.
type KeyStore interface {
	CreateKey(ctx context.Context, k Key) error
	// KeyByHash returns the key with that hash or an error wrapping market.ErrNotFound.
	KeyByHash(ctx context.Context, hash []byte) (Key, error)
	KeyByID(ctx context.Context, id string) (Key, error)
	ListKeys(ctx context.Context) ([]Key, error)
	// UpdateKey rewrites the mutable fields: name, scopes, plan, expiry, revoked, last used.
	UpdateKey(ctx context.Context, k Key) error
}

// Usage is one counter row: per key, per ICT day, per endpoint class.
type Usage struct {
	KeyID         string
	Day           time.Time // ICT midnight
	Class         string    // rest, graphql, ws, sse, admin
	Requests      int64
	StreamSeconds int64
	Events        int64
	Bytes         int64
}

// UsageStore accumulates usage counters.
type UsageStore interface {
	// AddUsage adds each row's counters to the stored totals.
	AddUsage(ctx context.Context, rows []Usage) error
	// Usage returns the rows of keyID ("" = all keys) with from ≤ day ≤ to.
	Usage(ctx context.Context, keyID string, from, to time.Time) ([]Usage, error)
}

// Store is everything a server keeps. Implementations are safe for
// concurrent use.
type Store interface {
	BarStore
	DocStore
	TradeStore
	KeyStore
	UsageStore
	Ping(ctx context.Context) error
	Close() error
}
