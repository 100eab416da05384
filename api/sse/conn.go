package sse

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vnstock-api/vnstock-api/api/live"
	"github.com/vnstock-api/vnstock-api/api/wsio"
	"github.com/vnstock-api/vnstock-api/hub"
)

// conn is one SSE client on a hijacked HTTP/1.1 connection. As on /v1/ws,
// its own goroutine only waits for the client to leave; the handler's
// writer pool (wsio.Scheduler) writes for it when its subscriber has
// something to send or a heartbeat is due, each batch one HTTP chunk in
// one system call that never waits on the client.
type conn struct {
	h   *Handler
	nc  *wsio.Conn
	sub *hub.Subscriber
	w   wsio.Writer // queues the connection on the handler's scheduler

	ctx    context.Context
	cancel context.CancelCauseFunc // the writer ends the connection

	beat      live.Beat // a heartbeat after Heartbeat without a write
	closeOnce sync.Once
	// broken is set when a write failed or timed out, possibly within a
	// chunk: nothing more is written, the connection is only closed.
	broken atomic.Bool

	send    live.WriteFunc   // cn.write, bound once in run
	onWrite func([]hub.Item) // the Stream's OnWrite hook for ctx, or nil
}

var errClientGone = errors.New("client closed the stream")

// serveHijacked serves the stream on the hijacked connection; false when
// w cannot be hijacked (HTTP/2), and nothing was written.
func (h *Handler) serveHijacked(ctx context.Context, w http.ResponseWriter, r *http.Request, sub *hub.Subscriber, req hub.SubscribeRequest) bool {
	if !r.ProtoAtLeast(1, 1) {
		return false // chunked encoding needs HTTP/1.1
	}
	raw, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return false
	}
	// The server's write timeout for the response would stay on the
	// connection; batches set their own.
	_ = raw.SetWriteDeadline(time.Time{})
	cn := &conn{h: h, nc: wsio.NewConn(raw, h.cfg.Stream.WriteTimeout), sub: sub}
	var head bytes.Buffer
	head.WriteString("HTTP/1.1 200 OK\r\nDate: " + time.Now().UTC().Format(http.TimeFormat) + "\r\n")
	_ = w.Header().Write(&head)
	head.WriteString("Transfer-Encoding: chunked\r\n\r\n")
	head.Write(appendChunk(nil, []byte("retry: "+strconv.FormatInt(h.cfg.Retry.Milliseconds(), 10)+"\n\n")))
	if _, err := cn.nc.Write(head.Bytes()); err != nil {
		_ = raw.Close()
		return true
	}
	cn.run(ctx, req)
	return true
}

// appendChunk appends data as one HTTP/1.1 chunk.
func appendChunk(b, data []byte) []byte {
	b = append(appendChunkHead(b, len(data)), data...)
	return append(b, "\r\n"...)
}

// appendChunkHead appends the size line of an n-byte chunk.
func appendChunkHead(b []byte, n int) []byte {
	return append(strconv.AppendInt(b, int64(n), 16), "\r\n"...)
}

func (cn *conn) run(parent context.Context, req hub.SubscribeRequest) {
	ctx, cancel := context.WithCancelCause(parent)
	cn.ctx = ctx
	cn.send = cn.write
	cn.onWrite = cn.h.cfg.Stream.Hook(ctx)
	cn.cancel = func(err error) {
		cancel(err)
		cn.kick()
	}
	defer cancel(nil)
	cn.w.Start(cn.h.pool.Add)
	defer cn.h.pool.Done() // after the writes are done (below)
	cn.beat.Start(cn.h.cfg.Stream.Heartbeat, cn.kick)
	defer cn.beat.Stop()
	stop := context.AfterFunc(ctx, cn.kick) // Shutdown, or the server's end
	defer stop()
	cn.sub.SetNotify(cn.kick)
	cn.sub.Subscribe(ctx, req)

	cn.waitClient()
	cancel(errClientGone)
	cn.finish(context.Cause(ctx))
	cn.w.End()
	cn.w.Wait()
}

// waitClient returns when the client has gone (or the connection was
// closed): an SSE client sends nothing after its request, so whatever it
// sends is discarded.
func (cn *conn) waitClient() {
	var buf [64]byte
	for {
		cn.nc.AwaitData()
		if _, err := cn.nc.Read(buf[:]); err != nil {
			return
		}
	}
}

// kick queues the connection for the scheduler's next round unless it is
// queued already. It never blocks (it is the subscriber's notify).
func (cn *conn) kick() { cn.w.Kick(cn) }

// Service runs on a scheduler worker (wsio.Serve): one batch, or, once the
// connection has ended, its last words on a goroutine of its own.
func (cn *conn) Service() { wsio.Serve(&cn.w, cn.nc, cn.ctx, cn) }

// The wsio.Stream methods.
func (cn *conn) Cancel(err error) { cn.cancel(err) }
func (cn *conn) Finish()          { cn.finish(context.Cause(cn.ctx)) }

// Unstall writes the rest of a stalled batch within the write timeout, then
// queues whatever came meanwhile; a failure leaves the connection broken.
func (cn *conn) Unstall() {
	if err := cn.nc.FlushStalled(cn.h.cfg.Stream.WriteTimeout); err != nil {
		cn.broken.Store(true)
		cn.cancel(err)
	}
	cn.kick()
}

// Send writes one batch of what is pending, or a heartbeat when one is due
// and nothing else is.
func (cn *conn) Send() error {
	return cn.beat.Send(cn.ctx, cn.sub, cn.send, cn.onWrite)
}

// write sends one batch as one chunk, in one system call that does not
// wait: what the socket cannot take stalls (Unstall).
func (cn *conn) write(items []hub.Item, heartbeat bool) error {
	p := bufPool.Get().(*[]byte)
	defer bufPool.Put(p)
	b := appendBatch((*p)[:0], items, heartbeat, cn.h.hub.Head())
	if len(b) > 0 {
		cn.nc.Hold()
		var hdr [20]byte
		_, _ = cn.nc.Write(appendChunkHead(hdr[:0], len(b)))
		_, _ = cn.nc.Write(b)
		_, _ = cn.nc.Write([]byte("\r\n"))
		if err := cn.nc.Release(); err != nil {
			cn.broken.Store(true)
			return err
		}
	}
	if cap(b) <= 256<<10 {
		*p = b[:0]
	}
	return nil
}

// finish ends the stream once: the reason the client should know (a slow
// consumer, the server going away), the last chunk, then the connection.
// Its writes go after anything stalled, each within the write timeout.
func (cn *conn) finish(err error) {
	cn.closeOnce.Do(func() {
		if !errors.Is(err, errClientGone) && !cn.broken.Load() {
			if last := lastWords(err); last != nil {
				_, _ = cn.nc.Write(appendChunk(nil, last))
			}
			_, _ = cn.nc.Write([]byte("0\r\n\r\n"))
		}
		_ = cn.nc.Close()
	})
}
