package storage

import "github.com/vnstock-api/vnstock-api/market"

// Answer is a query's result and how it was obtained; REST and GraphQL
// render it (Result.Source, Cached and Stale become `meta`).
type Answer struct {
	market.Result
	Cached bool // answered from the cache or storage without an upstream call
	Stale  bool // the upstream failed and this is the last stored value
}
