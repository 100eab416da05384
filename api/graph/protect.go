package graph

import (
	"container/list"
	"context"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/vnstock-api/vnstock-api/api/graph/internal/gen"
	"github.com/vnstock-api/vnstock-api/api/graph/model"
)

// depthLimit refuses operations whose field nesting is deeper than max.
// Introspection (__schema, __type at the root) is not counted: GraphiQL's
// introspection query is deep by construction and cheap.
type depthLimit struct{ max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = depthLimit{}

func (depthLimit) ExtensionName() string                   { return "DepthLimit" }
func (depthLimit) Validate(graphql.ExecutableSchema) error { return nil }

func (d depthLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	m := depthMeter{frags: oc.Doc.Fragments, memo: map[string]int{}, busy: map[string]bool{}}
	depth := m.depth(oc.Operation.SelectionSet, true)
	if depth <= d.max {
		return nil
	}
	err := gqlerror.Errorf("query depth %d exceeds the limit of %d: nest fewer selections or split the query", depth, d.max)
	err.Extensions = map[string]any{"code": CodeDepthLimit, "depth": depth, "limit": d.max}
	return err
}

type depthMeter struct {
	frags ast.FragmentDefinitionList
	memo  map[string]int
	busy  map[string]bool // fragments being measured (cycles are refused by validation anyway)
}

// depth is the deepest chain of fields under sel; fragments add no level.
func (m depthMeter) depth(sel ast.SelectionSet, root bool) int {
	deepest := 0
	for _, s := range sel {
		var d int
		switch s := s.(type) {
		case *ast.Field:
			if root && strings.HasPrefix(s.Name, "__") {
				continue
			}
			d = 1 + m.depth(s.SelectionSet, false)
		case *ast.InlineFragment:
			d = m.depth(s.SelectionSet, root)
		case *ast.FragmentSpread:
			d = m.fragment(s.Name, root)
		}
		deepest = max(deepest, d)
	}
	return deepest
}

func (m depthMeter) fragment(name string, root bool) int {
	if d, ok := m.memo[name]; ok && !root {
		return d
	}
	f := m.frags.ForName(name)
	if f == nil || m.busy[name] {
		return 0
	}
	m.busy[name] = true
	d := m.depth(f.SelectionSet, root)
	delete(m.busy, name)
	if !root {
		m.memo[name] = d
	}
	return d
}

// complexity weighs the fields whose cost grows with their arguments or
// with a group's size; every other field costs 1 plus its children.
func complexity() gen.ComplexityRoot {
	var c gen.ComplexityRoot
	const groupSize = 30 // VN30, HNX30: the common groups
	c.Group.Members = func(child int) int { return 1 + groupSize*child }
	c.Query.Quotes = func(child int, symbols []string, group *string) int {
		n := len(symbols)
		if group != nil {
			n += groupSize
		}
		return 1 + max(1, n/10)*child
	}
	c.Query.Trades = func(child int, _ string, _ *model.Asset, limit *int, _ *time.Time) int {
		n := 100
		if limit != nil {
			n = *limit
		}
		return 1 + max(1, (n+99)/100)*child
	}
	c.Query.Snapshot = func(child int, topics []string) int { return 1 + max(1, len(topics)/10)*child }
	return c
}

// lru is a bounded least-recently-used cache, safe for concurrent use: the
// APQ store and the parsed-query cache.
type lru[T any] struct {
	mu  sync.Mutex
	max int
	ll  *list.List
	m   map[string]*list.Element
}

type lruEntry[T any] struct {
	key string
	val T
}

func newLRU[T any](size int) *lru[T] {
	return &lru[T]{max: size, ll: list.New(), m: make(map[string]*list.Element, size)}
}

// Get implements graphql.Cache.
func (c *lru[T]) Get(_ context.Context, key string) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[key]; ok {
		c.ll.MoveToFront(e)
		return e.Value.(*lruEntry[T]).val, true
	}
	var zero T
	return zero, false
}

// Add implements graphql.Cache.
func (c *lru[T]) Add(_ context.Context, key string, val T) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[key]; ok {
		e.Value.(*lruEntry[T]).val = val
		c.ll.MoveToFront(e)
		return
	}
	c.m[key] = c.ll.PushFront(&lruEntry[T]{key, val})
	for c.ll.Len() > c.max {
		old := c.ll.Back()
		c.ll.Remove(old)
		delete(c.m, old.Value.(*lruEntry[T]).key)
	}
}

// Len returns the number of entries.
func (c *lru[T]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}
