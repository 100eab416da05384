package graph

import (
	"context"
	"sync"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
)

// outcome is one key's loaded value or error.
type outcome[V any] struct {
	val V
	err error
}

// loader batches the loads of one request (a dataloader): keys asked for
// within `wait` of each other, plus any primed keys, are fetched by one call
// of fetch; each key is loaded at most once per request.
type loader[K comparable, V any] struct {
	ctx   context.Context // the request's: fetches end with it
	wait  time.Duration
	fetch func(ctx context.Context, keys []K) []outcome[V] // one outcome per key, in order

	mu        sync.Mutex
	entries   map[K]*loadEntry[V]
	pending   []K
	scheduled bool
}

type loadEntry[V any] struct {
	done chan struct{}
	outcome[V]
}

func newLoader[K comparable, V any](ctx context.Context, wait time.Duration, fetch func(context.Context, []K) []outcome[V]) *loader[K, V] {
	return &loader[K, V]{ctx: ctx, wait: wait, fetch: fetch, entries: map[K]*loadEntry[V]{}}
}

// Prime announces keys that will be loaded, so that the first Load fetches
// them all in one batch.
func (l *loader[K, V]) Prime(keys ...K) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		l.addLocked(k)
	}
}

func (l *loader[K, V]) addLocked(k K) *loadEntry[V] {
	e, ok := l.entries[k]
	if !ok {
		e = &loadEntry[V]{done: make(chan struct{})}
		l.entries[k] = e
		l.pending = append(l.pending, k)
	}
	return e
}

// Load returns k's value, waiting for the batch that fetches it.
func (l *loader[K, V]) Load(ctx context.Context, k K) (V, error) {
	l.mu.Lock()
	e := l.addLocked(k)
	if len(l.pending) > 0 && !l.scheduled {
		l.scheduled = true
		time.AfterFunc(l.wait, l.run)
	}
	l.mu.Unlock()
	select {
	case <-e.done:
		return e.val, e.err
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}

// run fetches the pending keys.
func (l *loader[K, V]) run() {
	l.mu.Lock()
	keys := l.pending
	l.pending = nil
	l.scheduled = false
	l.mu.Unlock()
	outs := l.fetch(l.ctx, keys)
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, k := range keys {
		e := l.entries[k]
		e.outcome = outs[i]
		close(e.done)
	}
}

// loaders are one request's batch loaders.
type loaders struct {
	quotes *loader[market.Symbol, *market.Quote]
	docs   *loader[docKey, storage.Answer]
}

type loadersKey struct{}

// docKey names a per-symbol (company) or per-code (fund) document.
type docKey struct {
	cap    market.Capability
	symbol market.Symbol
	code   string
}

func (k docKey) query() market.Query {
	return market.Query{Capability: k.cap, Symbol: k.symbol, Code: k.code}
}

// docConcurrency bounds the document loads one batch runs at once.
const docConcurrency = 8

func (h *Handler) newLoaders(ctx context.Context) *loaders {
	return &loaders{
		quotes: newLoader(ctx, h.cfg.LoaderWait, h.fetchQuotes),
		docs:   newLoader(ctx, h.cfg.LoaderWait, h.fetchDocs),
	}
}

func withLoaders(ctx context.Context, l *loaders) context.Context {
	return context.WithValue(ctx, loadersKey{}, l)
}

// loadersOf returns the request's loaders (a fresh set when the operation
// was not started through aroundOperation, as in direct resolver calls).
func (h *Handler) loadersOf(ctx context.Context) *loaders {
	if l, ok := ctx.Value(loadersKey{}).(*loaders); ok {
		return l
	}
	return h.newLoaders(ctx)
}

// fetchQuotes loads every asked symbol's board row with one board query.
func (h *Handler) fetchQuotes(ctx context.Context, syms []market.Symbol) []outcome[*market.Quote] {
	outs := make([]outcome[*market.Quote], len(syms))
	a, err := h.cfg.Service.Get(ctx, market.Query{Capability: market.CapBoard, Symbols: syms})
	if err != nil {
		for i := range outs {
			outs[i].err = err
		}
		return outs
	}
	by := make(map[market.Symbol]*market.Quote, len(a.Quotes))
	for i := range a.Quotes {
		by[a.Quotes[i].Symbol] = &a.Quotes[i]
	}
	for i, s := range syms {
		outs[i].val = by[s] // nil: the board has no row for it
	}
	return outs
}

// fetchDocs runs one Get per distinct query, docConcurrency at a time: the
// upstreams have no batch form of company documents, so the batch saves
// the repeats and bounds the fan-out.
func (h *Handler) fetchDocs(ctx context.Context, keys []docKey) []outcome[storage.Answer] {
	outs := make([]outcome[storage.Answer], len(keys))
	sem := make(chan struct{}, docConcurrency)
	var wg sync.WaitGroup
	for i, k := range keys {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			outs[i].val, outs[i].err = h.cfg.Service.Get(ctx, k.query())
		}()
	}
	wg.Wait()
	return outs
}
