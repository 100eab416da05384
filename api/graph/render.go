package graph

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/vnstock-api/vnstock-api/api/graph/internal/gen"
	"github.com/vnstock-api/vnstock-api/hub"
)

// Shared rendering. Thousands of subscribers typically run the same
// subscription document, and gqlgen would execute the selection for every
// one of them for every event. Here an event is rendered once per distinct
// selection (its "shape") with the generated marshallers, and each
// subscriber's message is the concatenation of the rendered items: the
// per-subscriber cost is a drain, a copy and a write.

// subscribeShared serves a subscription operation: the response handler it
// returns yields one message per batch of events.
func (h *Handler) subscribeShared(ctx context.Context) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	rd, err := gen.NewRenderer(h.es, oc)
	if err != nil {
		return graphql.OneShot(graphql.ErrorResponse(ctx, "%s", err.Error()))
	}
	field, err := rd.SubscriptionField()
	if err != nil {
		return graphql.OneShot(graphql.ErrorResponse(ctx, "%s", err.Error()))
	}
	actx := graphql.WithResponseContext(ctx, h.presentError, graphql.DefaultRecover)
	args, err := rd.SubscriptionArgs(actx, field)
	if err != nil {
		return graphql.OneShot(&graphql.Response{Errors: graphql.GetErrors(actx)})
	}
	argField, topics, err := topicsFor(field.Name, args)
	if err == nil {
		cn, id := pooledConn(ctx)
		var notify func()
		if cn != nil {
			notify = cn.kick
		}
		var st *stream
		if st, err = h.openStream(ctx, argField, topics, notify); err == nil {
			s := &sharedSub{h: h, rd: rd, st: st, field: field, list: field.Name != "status", ctx: ctx,
				shape: h.renders.shape(field.Name + "|" + signature(oc, field.Selections, field.Definition.Type.Name()))}
			if cn == nil {
				return s.next
			}
			s.cn, s.id, s.done = cn, id, make(chan struct{})
			return s.pooled
		}
	}
	pctx := graphql.WithFieldContext(ctx, &graphql.FieldContext{Object: "Subscription", Field: field})
	return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{h.presentError(pctx, err)}})
}

// sharedSub is one subscriber of the shared path.
type sharedSub struct {
	h     *Handler
	rd    *gen.Renderer
	st    *stream
	field graphql.CollectedField
	list  bool
	shape *shape
	buf   []byte
	ctx   context.Context // the subscription's: rendering reports errors to it

	// Written by the pool (pool.go) when cn is set.
	cn    *wsConn
	id    string        // the subscribe message's
	done  chan struct{} // closed when the stream failed: err
	ended bool          // under cn.pmu
	err   error
}

// next builds the subscriber's next message, or nil when the subscription
// is over (a stream failure is reported as its error first).
func (s *sharedSub) next(ctx context.Context) *graphql.Response {
	for {
		evs, err := s.st.next(ctx)
		if err != nil {
			s.fail(ctx, err)
			return nil
		}
		var n int
		s.buf, n = s.appendData(s.buf[:0], evs)
		if n > 0 {
			s.st.wrote()
			return &graphql.Response{Data: s.buf}
		}
	}
}

// fail closes the stream and, unless the subscription was stopped (ctx)
// or merely closed, reports err as the subscription's error.
func (s *sharedSub) fail(ctx context.Context, err error) {
	s.st.close()
	if err != nil && ctx.Err() == nil && !errors.Is(err, hub.ErrClosed) {
		transport.AddSubscriptionError(ctx, s.h.presentError(ctx, err))
	}
}

// appendData appends the data of a message carrying evs (a list of their
// rendered items, or the newest alone for a single-valued state) and says
// how many items it holds; events that fail to render are left out.
func (s *sharedSub) appendData(b []byte, evs []*hub.Event) ([]byte, int) {
	if !s.list {
		evs = evs[len(evs)-1:] // a single-valued state: the newest wins
	}
	b = append(b, `{"`...)
	b = append(append(b, s.field.Alias...), `":`...)
	if s.list {
		b = append(b, '[')
	}
	n := 0
	for _, ev := range evs {
		item, err := s.shape.get(ev, func() ([]byte, error) { return s.render(s.ctx, ev) })
		if err != nil {
			s.h.cfg.Logger.Warn("graphql: live event not rendered", "topic", ev.Topic, "seq", ev.Seq, "err", err)
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		b = append(b, item...)
		n++
	}
	if s.list {
		b = append(b, ']')
	}
	return append(b, '}'), n
}

// render marshals one event for this subscriber's selection.
func (s *sharedSub) render(ctx context.Context, ev *hub.Event) ([]byte, error) {
	v, err := decodeEvent(ev)
	if err != nil {
		return nil, err
	}
	rctx := graphql.WithResponseContext(ctx, s.h.presentError, graphql.DefaultRecover)
	rctx = graphql.WithFieldContext(rctx, &graphql.FieldContext{Object: "Subscription", Field: s.field})
	m, err := s.rd.Marshal(rctx, s.field.Selections, v)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	m.MarshalGQL(&buf)
	if errs := graphql.GetErrors(rctx); len(errs) > 0 {
		return nil, errs
	}
	return buf.Bytes(), nil
}

// signature names what a selection renders: the collected fields (after
// fragments and @skip/@include with this operation's variables) with their
// aliases, recursively. Equal signatures render equal bytes.
func signature(oc *graphql.OperationContext, sel ast.SelectionSet, typ string) string {
	var b strings.Builder
	writeSignature(&b, oc, sel, typ)
	return b.String()
}

func writeSignature(b *strings.Builder, oc *graphql.OperationContext, sel ast.SelectionSet, typ string) {
	for _, f := range graphql.CollectFields(oc, sel, []string{typ}) {
		b.WriteString(f.Alias)
		b.WriteByte(':')
		b.WriteString(f.Name)
		if len(f.Selections) > 0 && f.Definition != nil {
			b.WriteByte('{')
			writeSignature(b, oc, f.Selections, f.Definition.Type.Name())
			b.WriteByte('}')
		}
		b.WriteByte(',')
	}
}

// Bounds of the render cache: distinct shapes kept (beyond, subscribers
// render privately) and recent events remembered per shape.
const (
	maxShapes  = 256
	shapeSlots = 1024
)

// renderCache interns shapes.
type renderCache struct {
	mu     sync.Mutex
	shapes map[string]*shape
}

func newRenderCache() *renderCache { return &renderCache{shapes: map[string]*shape{}} }

// shape returns the interned shape of key, or nil when the cache is full.
func (c *renderCache) shape(key string) *shape {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.shapes[key]; ok {
		return s
	}
	if len(c.shapes) >= maxShapes {
		return nil
	}
	s := &shape{}
	c.shapes[key] = s
	return s
}

// shape holds the renders of recent events for one selection, in a ring
// indexed by seq: lookups take no lock, and the first subscriber to need an
// event renders it while the others wait for that one render.
type shape struct {
	slots [shapeSlots]atomic.Pointer[rendered]
}

type rendered struct {
	ev   *hub.Event // identity: a replayed or remote copy renders anew
	once sync.Once
	b    []byte
	err  error
}

// get returns ev's render, rendering it at most once while it is recent.
func (s *shape) get(ev *hub.Event, render func() ([]byte, error)) ([]byte, error) {
	if s == nil {
		return render()
	}
	slot := &s.slots[ev.Seq%shapeSlots]
	for {
		r := slot.Load()
		if r == nil || r.ev != ev {
			nr := &rendered{ev: ev}
			if !slot.CompareAndSwap(r, nr) {
				continue
			}
			r = nr
		}
		r.once.Do(func() { r.b, r.err = render() })
		return r.b, r.err
	}
}
