package graph

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vnstock-api/vnstock-api/api/wsio"
)

// Pooled subscriptions. gqlgen runs a goroutine per subscription that asks
// for each message and writes it: with thousands of subscribers that is a
// goroutine switch, a JSON re-validation and a write system call per
// message, each on its own schedule. A shared subscription on a WebSocket
// connection is instead written by the handler's writer pool (wsio, as
// /v1/ws is): its connection is queued when its hub subscriber has
// something, and a worker drains every subscription of the connection and
// writes their messages, with whatever gqlgen queued meanwhile, in one
// system call. Rounds are at least Handler.rest apart, so under load each
// message carries more events. gqlgen's goroutine for the subscription only
// waits for its end and reports it (complete, or the error).

// connSlot carries the connection of a WebSocket request from Accept to
// the operations gqlgen runs on it.
type connSlot struct{ conn atomic.Pointer[wsConn] }

type slotKey struct{}

func withSlot(ctx context.Context) context.Context {
	return context.WithValue(ctx, slotKey{}, &connSlot{})
}

func slotFrom(ctx context.Context) *connSlot {
	s, _ := ctx.Value(slotKey{}).(*connSlot)
	return s
}

// opIDKey names the operation context's stats extension that holds a
// WebSocket subscription's message id.
const opIDKey = "vnstock.opid"

// opIDs is a gqlgen extension: it gives a subscription's operation context
// the id of the message that started it. gqlgen creates the operation
// context on its reading goroutine right after reading that message (whose
// id wsConn.NextReader noted), and starts the subscription later, on a
// goroutine of its own.
type opIDs struct{}

var (
	_ graphql.HandlerExtension        = opIDs{}
	_ graphql.OperationContextMutator = opIDs{}
)

func (opIDs) ExtensionName() string                          { return "SubscriptionMessageID" }
func (opIDs) Validate(schema graphql.ExecutableSchema) error { return nil }

func (opIDs) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	sl := slotFrom(ctx)
	if sl == nil || oc.Operation == nil || oc.Operation.Operation != ast.Subscription {
		return nil
	}
	if cn := sl.conn.Load(); cn != nil && cn.lastID != "" {
		oc.Stats.SetExtension(opIDKey, cn.lastID)
	}
	return nil
}

// pooledConn returns the connection and message id under which ctx's
// subscription can be written by the pool, or nil.
func pooledConn(ctx context.Context) (*wsConn, string) {
	sl := slotFrom(ctx)
	if sl == nil {
		return nil, ""
	}
	cn := sl.conn.Load()
	id, _ := graphql.GetOperationContext(ctx).Stats.GetExtension(opIDKey).(string)
	if cn == nil || cn.nc == nil || id == "" {
		return nil, ""
	}
	return cn, id
}

// attach hands s to the connection's writers; false when the connection
// is ending.
func (c *wsConn) attach(s *sharedSub) bool {
	if !c.w.Start(c.h.pool.Add) {
		return false
	}
	c.pmu.Lock()
	c.subs = append(c.subs, s)
	c.pooled.Store(true)
	c.pmu.Unlock()
	c.kick()
	return true
}

// detach takes s from the writers; no batch of s is written after it.
func (c *wsConn) detach(s *sharedSub) {
	c.pmu.Lock()
	defer c.pmu.Unlock()
	if i := slices.Index(c.subs, s); i >= 0 {
		c.subs = slices.Delete(c.subs, i, i+1)
	}
}

// kick queues the connection for the next round unless it is queued
// already. It never blocks: it is the hub subscribers' notify.
func (c *wsConn) kick() { c.w.Kick(c) }

// Service runs on a pool worker: it writes what is queued and one message
// per subscription with events, in one system call. What the client's
// socket cannot take at once is finished by a goroutine of its own.
func (c *wsConn) Service() {
	c.w.Serving()
	defer c.w.Served()
	if c.ending.Load() || c.nc.Stalled() {
		return // a stalled write kicks again when it is done
	}
	if err := c.sendPending(); err != nil {
		// The reading goroutine sees the end and ends the subscriptions.
		// Not on the worker: a close handshake under way makes CloseNow wait.
		c.w.Spawn(func() { _ = c.c.CloseNow() })
		return
	}
	if c.nc.Stalled() {
		c.w.Spawn(c.unstall)
	}
}

// unstall writes the rest of a stalled batch within the write timeout, then
// queues whatever came meanwhile.
func (c *wsConn) unstall() {
	if err := c.nc.FlushStalled(c.writeTimeout); err != nil {
		_ = c.c.CloseNow()
		return
	}
	c.kick()
}

// sendPending writes gqlgen's queued messages, then each subscription's
// next message, as frames collected into one write.
func (c *wsConn) sendPending() (err error) {
	c.pmu.Lock()
	defer c.pmu.Unlock()
	if c.ending.Load() {
		return nil // flushQueued has the queue
	}
	c.nc.Hold()
	defer func() {
		if rerr := c.nc.Release(); err == nil {
			err = rerr
		}
	}()
	if err := c.writeQueued(); err != nil {
		return err
	}
	for _, s := range c.subs {
		msg, ok := s.nextMessage(wsio.FrameStart(c.msg), c.nextType)
		if !ok {
			continue
		}
		c.msg = msg
		// Framed here, not by the library: held, the write goes to
		// memory, so a frame is the whole cost the library would add.
		if _, err := c.nc.Write(wsio.TextFrame(msg)); err != nil {
			return err
		}
		s.st.wrote()
	}
	if cap(c.msg) > 64<<10 {
		c.msg = nil
	}
	return nil
}

// writeQueued writes the messages gqlgen wrote while the connection was
// pooled. Called with pmu held.
func (c *wsConn) writeQueued() error {
	err := c.writeFrames(c.queue)
	clear(c.queue)
	c.queue = c.queue[:0]
	return err
}

// writeFrames writes msgs, a frame each, until one fails.
func (c *wsConn) writeFrames(msgs [][]byte) error {
	for _, m := range msgs {
		if err := c.c.Write(context.Background(), websocket.MessageText, m); err != nil {
			return err
		}
	}
	return nil
}

// enqueue keeps one of gqlgen's messages for the pool to write, in order
// with the subscriptions' messages; false when the connection is not
// pooled (the caller writes it).
func (c *wsConn) enqueue(msg []byte) bool {
	if !c.pooled.Load() {
		return false
	}
	c.pmu.Lock()
	c.queue = append(c.queue, append([]byte(nil), msg...))
	c.pmu.Unlock()
	c.kick()
	return true
}

// endPool stops the pool writing for the connection: once the writes under
// way are done, the handler lets the connection go.
func (c *wsConn) endPool() {
	c.ending.Store(true)
	if c.w.End() {
		go func() {
			c.w.Wait()
			c.h.pool.Done()
		}()
	}
}

// flushQueued writes what gqlgen queued before the connection began to
// close (its last error message goes before the close frame); each write
// waits for the client at most the write timeout.
func (c *wsConn) flushQueued() {
	c.pmu.Lock()
	queue := c.queue
	c.queue = nil
	c.pmu.Unlock()
	_ = c.writeFrames(queue) // not under pmu: these writes may wait on the client
}

var errRenderPanic = errors.New("internal error")

// end marks s over with err and wakes its goroutine. Called with the
// connection's pmu held.
func (s *sharedSub) end(err error) {
	s.ended, s.err = true, err
	close(s.done)
}

// pooled serves s as gqlgen's response handler: the pool writes its
// messages; this waits for its end, then reports a failure (a slow
// consumer) as the subscription's error.
func (s *sharedSub) pooled(ctx context.Context) *graphql.Response {
	if !s.cn.attach(s) {
		s.st.close()
		return nil
	}
	select {
	case <-ctx.Done():
	case <-s.done:
	}
	s.cn.detach(s)
	s.fail(ctx, s.err)
	return nil
}

// nextMessage appends s's next message (gqlgen's data message for the
// connection's protocol, type typ) to b; ok is false when there is none. A
// stream failure ends s. Called by the pool with the connection's pmu held.
func (s *sharedSub) nextMessage(b []byte, typ string) (_ []byte, ok bool) {
	if s.ended {
		return b, false
	}
	defer func() {
		// Rendering runs on a pool worker: a panic in it ends this
		// subscription, with an internal error, not the server.
		if v := recover(); v != nil {
			s.h.cfg.Logger.Error("graphql: live message panic", "panic", fmt.Sprint(v))
			s.end(errRenderPanic)
			ok = false
		}
	}()
	evs, err := s.st.drain()
	if err != nil {
		s.end(err)
		return b, false
	}
	if len(evs) == 0 {
		return b, false
	}
	b = append(b, `{"payload":{"data":`...)
	b, n := s.appendData(b, evs)
	b = appendIDType(append(b, "},"...), s.id, typ)
	return b, n > 0
}
