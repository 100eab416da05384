package ws

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"

	"github.com/vnstock-api/vnstock-api/api/live"
	"github.com/vnstock-api/vnstock-api/api/wsio"
	"github.com/vnstock-api/vnstock-api/hub"
)

// maxFrame is the most bytes batched into one frame: larger batches are
// split, so clients with a default 32 KiB read limit keep up.
const maxFrame = 32 << 10

var framePool = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

// conn is one WebSocket client. Its own goroutine reads client messages;
// the handler's scheduler writes for it when its subscriber has something to
// send (or a heartbeat is due), so an idle connection holds one goroutine.
type conn struct {
	h   *Handler
	c   *websocket.Conn
	nc  *wsio.Conn // under c: batches each write into one system call
	sub *hub.Subscriber
	w   wsio.Writer // queues the connection on the handler's scheduler
	id  string

	maxTopics int     // announced in welcome; the subscriber enforces it
	msgRate   float64 // client messages per second

	ctx          context.Context
	cancel       context.CancelCauseFunc
	lastActivity atomic.Int64 // Unix ns of the last client frame or pong
	lastPing     atomic.Int64 // Unix ns of the last ping sent
	pinging      atomic.Bool

	beat      live.Beat // a heartbeat after Heartbeat without a write
	closeOnce sync.Once

	// Bound once in run, so that a batch neither looks up the context's
	// values nor builds a closure.
	send    live.WriteFunc   // write on the connection's context
	onWrite func([]hub.Item) // the Stream's OnWrite hook for it, or nil
}

func (cn *conn) run(parent context.Context) {
	ctx, cancel := context.WithCancelCause(parent)
	cn.ctx = ctx
	cn.send = func(items []hub.Item, hb bool) error { return cn.write(ctx, items, hb) }
	cn.onWrite = cn.h.cfg.Stream.Hook(ctx)
	cn.cancel = func(err error) { // the writer ends the connection
		cancel(err)
		cn.kick()
	}
	defer cancel(nil)
	cn.h.track(cn, true)
	defer cn.h.track(cn, false)
	defer cn.sub.Close(context.WithoutCancel(ctx))
	now := time.Now().UnixNano()
	cn.lastActivity.Store(now)
	cn.lastPing.Store(now)
	cn.beat.Start(cn.h.cfg.Stream.Heartbeat, cn.kick)
	defer cn.beat.Stop()
	if parent.Done() != nil { // ended from outside too (a detached connection's parent never is)
		stop := context.AfterFunc(ctx, cn.kick)
		defer stop()
	}
	cn.sub.SetNotify(cn.kick)
	cn.sub.Push("welcome", cn.h.welcomeLine(cn.id, cn.maxTopics, cn.msgRate))

	cn.readLoop(ctx)
	cancel(nil)
	cn.finish(ctx, context.Cause(ctx))
	cn.w.End()
	cn.w.Wait()
}

// kick queues the connection for the scheduler's next round unless it is
// queued already. It never blocks (it is the subscriber's notify).
func (cn *conn) kick() { cn.w.Kick(cn) }

// Service runs on a scheduler worker (wsio.Serve): one batch, or, once the
// connection's context has ended, its close on a goroutine (a close
// handshake waits on the client). A batch the client's socket cannot take
// at once is finished by a goroutine of its own, so that no worker waits on
// a client.
func (cn *conn) Service() { wsio.Serve(&cn.w, cn.nc, cn.ctx, cn) }

// The wsio.Stream methods.
func (cn *conn) Cancel(err error) { cn.cancel(err) }
func (cn *conn) Finish()          { cn.finish(cn.ctx, context.Cause(cn.ctx)) }

// Send writes one batch of what is pending, or a heartbeat when one is due
// and nothing else is.
func (cn *conn) Send() error {
	return cn.beat.Send(cn.ctx, cn.sub, cn.send, cn.onWrite)
}

// Unstall writes the rest of a stalled batch within the write timeout, then
// queues whatever came meanwhile.
func (cn *conn) Unstall() {
	if err := cn.nc.FlushStalled(cn.h.cfg.Stream.WriteTimeout); err != nil {
		cn.cancel(err)
	}
	cn.kick()
}

// finish closes the connection with the code err calls for.
func (cn *conn) finish(ctx context.Context, err error) {
	cn.closeOnce.Do(func() { cn.close(ctx, err) })
}

func (cn *conn) close(ctx context.Context, err error) {
	cn.nc.EndAwait() // the handshake reads on this goroutine
	var ce *closeError
	switch {
	case errors.Is(err, hub.ErrSlowConsumer):
		cn.sendLast(ctx, hub.ErrorLine(nil, "slow_consumer", "queue limit exceeded: read faster or subscribe to fewer stream topics"))
		_ = cn.c.Close(CodeSlowConsumer, "slow consumer")
	case errors.Is(err, errGoingAway):
		_ = cn.c.Close(websocket.StatusGoingAway, "server going away: reconnect and resume with since")
	case errors.As(err, &ce):
		_ = cn.c.Close(ce.code, ce.reason)
	default:
		_ = cn.c.CloseNow()
	}
}

// sendLast writes a final message within a short deadline, ignoring errors:
// the connection is being closed anyway.
func (cn *conn) sendLast(ctx context.Context, line []byte) {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	_ = cn.c.Write(wctx, websocket.MessageText, line)
}

// write sends one batch as frames of at most maxFrame bytes.
func (cn *conn) write(ctx context.Context, items []hub.Item, heartbeat bool) (err error) {
	now := time.Now()
	if err := cn.checkAlive(ctx, now); err != nil {
		return err
	}
	p := framePool.Get().(*[]byte)
	defer framePool.Put(p)
	buf := wsio.FrameStart(*p)
	cn.nc.Hold()
	defer func() {
		if rerr := cn.nc.Release(); err == nil {
			err = rerr
		}
	}()
	if heartbeat {
		buf = cn.heartbeatLine(buf, now)
	}
	for _, it := range items {
		if len(buf)-wsio.FrameRoom >= maxFrame {
			if err := cn.writeFrame(buf); err != nil {
				return err
			}
			buf = buf[:wsio.FrameRoom]
		}
		if len(buf) > wsio.FrameRoom {
			buf = append(buf, '\n')
		}
		buf = it.AppendJSON(buf)
	}
	err = cn.writeFrame(buf)
	if cap(buf) <= 256<<10 {
		*p = buf[:0]
	}
	return err
}

// writeFrame writes one frame, its message behind wsio.FrameRoom bytes of
// buf. It is only called between hold and release, so it goes to memory
// and never waits on the socket: the write timeout applies where the batch
// is written (wsio.Conn.Release). Framed here, the library would add only
// its per-message locking and a copy through its buffer.
func (cn *conn) writeFrame(buf []byte) error {
	_, err := cn.nc.Write(wsio.TextFrame(buf))
	return err
}

func (cn *conn) heartbeatLine(b []byte, now time.Time) []byte {
	b = append(b, `{"type":"heartbeat","seq":`...)
	b = strconv.AppendUint(b, cn.h.hub.Head(), 10)
	b = append(b, `,"ts":`...)
	b = strconv.AppendInt(b, now.UnixMilli(), 10)
	return append(b, '}')
}

// checkAlive ends a client silent for two heartbeats and pings one silent
// for one. The ping waits for its pong on a short-lived goroutine.
func (cn *conn) checkAlive(ctx context.Context, now time.Time) error {
	hb := cn.h.cfg.Stream.Heartbeat
	silent := now.Sub(time.Unix(0, cn.lastActivity.Load()))
	if silent > 2*hb {
		return &closeError{code: websocket.StatusPolicyViolation, reason: "no frame or pong for two heartbeats"}
	}
	if now.Sub(time.Unix(0, cn.lastPing.Load())) < hb || !cn.pinging.CompareAndSwap(false, true) {
		return nil
	}
	cn.lastPing.Store(now.UnixNano())
	go func() {
		defer cn.pinging.Store(false)
		pctx, cancel := context.WithTimeout(ctx, hb)
		defer cancel()
		if cn.c.Ping(pctx) == nil {
			cn.lastActivity.Store(time.Now().UnixNano())
		}
	}()
	return nil
}

// readLoop handles client messages until the connection fails or a protocol
// violation ends it (then it cancels the connection with a close code).
//
// Between messages it waits for client bytes in a shallow call (awaitData)
// and it handles each message on a short-lived goroutine: a
// subscribe goes deep (JSON, topic expansion, the hub's registration) and
// would leave this goroutine, which lives as long as the connection, with a
// stack several times what waiting needs. Reading stays here: the library
// consumes a client's pongs inside Reader and then waits there for the next
// message, which a reader of its own would do on a second goroutine for as
// long as the client stays idle.
func (cn *conn) readLoop(ctx context.Context) {
	limiter := newLimiter(cn.msgRate)
	// A cancelled read context makes the library close with 1008; closing the
	// connection is what ends this loop instead, so the close code is ours.
	readCtx := context.WithoutCancel(ctx)
	done := make(chan bool, 1)
	for {
		cn.nc.AwaitData()
		typ, r, err := cn.c.Reader(readCtx)
		if err != nil {
			cn.cancel(nil)
			return
		}
		cn.lastActivity.Store(time.Now().UnixNano())
		msg, err := io.ReadAll(io.LimitReader(r, cn.h.cfg.MaxMessageBytes+1))
		if err != nil { // the connection broke mid-frame: nothing to tell the client
			cn.cancel(nil)
			return
		}
		if !cn.check(typ, msg, limiter) {
			return
		}
		go func() { done <- cn.handle(ctx, msg) }()
		if !<-done {
			return
		}
	}
}

// check applies the frame rules (size, text, rate) to one client message;
// false means it ended the connection.
func (cn *conn) check(typ websocket.MessageType, msg []byte, limiter *rate.Limiter) bool {
	switch {
	case int64(len(msg)) > cn.h.cfg.MaxMessageBytes:
		cn.fatal(&closeError{CodeProtocolError, "frame too large"}, "frame_too_large",
			fmt.Sprintf("a client frame may hold at most %d bytes", cn.h.cfg.MaxMessageBytes))
		return false
	case typ != websocket.MessageText:
		cn.fatal(&closeError{CodeProtocolError, "binary frame"}, "bad_request", "frames must be text")
		return false
	case !limiter.Allow():
		cn.fatal(&closeError{CodeRateLimited, "rate limited"}, "rate_limited",
			fmt.Sprintf("at most %g client messages per second", cn.msgRate))
		return false
	}
	return true
}

// fatal sends an error message and ends the connection with ce.
func (cn *conn) fatal(ce *closeError, code, message string) {
	cn.sendLast(context.Background(), hub.ErrorLine(nil, code, message))
	cn.cancel(ce)
}

// handle applies one client message; false means the connection is ending.
func (cn *conn) handle(ctx context.Context, raw []byte) bool {
	m, err := parseClientMessage(raw)
	var fe *fieldError
	switch {
	case errors.As(err, &fe):
		cn.sub.Push("error", hub.ErrorLine(m.ID, "invalid_argument", fe.Error()))
		return true
	case errors.Is(err, errUnknownOp):
		cn.fatal(&closeError{CodeProtocolError, "unknown op"}, "unknown_op", err.Error())
		return false
	case err != nil:
		cn.fatal(&closeError{CodeProtocolError, "bad JSON"}, "bad_json", err.Error())
		return false
	}
	switch m.Op {
	case opSubscribe:
		cn.sub.Subscribe(ctx, hub.SubscribeRequest{ID: m.ID, Topics: m.Topics, Since: m.Since, Epoch: m.Epoch})
	case opUnsubscribe:
		cn.sub.Unsubscribe(ctx, m.ID, m.Topics)
	case opPing:
		cn.sub.Push("pong", pongLine(m.ID))
	}
	return true
}

func pongLine(id []byte) []byte {
	b := append([]byte(nil), `{"type":"pong"`...)
	if len(id) > 0 {
		b = append(append(b, `,"id":`...), id...)
	}
	return append(b, '}')
}
