package sse

import (
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/vnstock-api/vnstock-api/hub"
)

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

// stream writes SSE frames to one client.
type stream struct {
	h  *Handler
	w  http.ResponseWriter
	rc *http.ResponseController
}

// write frames one batch: events carry `id:` (their seq) and `event:` (their
// topic kind); snapshots, replies and heartbeats carry no id, so that the
// browser's Last-Event-ID only ever moves forward.
func (st *stream) write(items []hub.Item, heartbeat bool) error {
	p := bufPool.Get().(*[]byte)
	defer bufPool.Put(p)
	b := appendBatch((*p)[:0], items, heartbeat, st.h.hub.Head())
	err := st.writeRaw(b)
	if cap(b) <= 256<<10 {
		*p = b[:0]
	}
	return err
}

// appendBatch appends the frames of one batch: a heartbeat (with the
// deployment's head seq) when heartbeat is set, then one frame per item.
func appendBatch(b []byte, items []hub.Item, heartbeat bool, head uint64) []byte {
	if heartbeat {
		b = append(b, "event: heartbeat\ndata: {\"type\":\"heartbeat\",\"seq\":"...)
		b = strconv.AppendUint(b, head, 10)
		b = append(b, `,"ts":`...)
		b = strconv.AppendInt(b, time.Now().UnixMilli(), 10)
		b = append(b, "}\n\n"...)
	}
	for _, it := range items {
		b = appendFrame(b, it)
	}
	return b
}

func appendFrame(b []byte, it hub.Item) []byte {
	switch it.Kind {
	case hub.ItemEvent:
		b = append(b, "id: "...)
		b = strconv.AppendUint(b, it.Event.Seq, 10)
		b = append(b, "\nevent: "...)
		b = append(b, it.Event.Kind()...)
	case hub.ItemSnapshot:
		b = append(b, "event: snapshot"...)
	default:
		if it.Name == "ack" {
			return b // SSE subscribes through the URL: there is nothing to ack
		}
		b = append(b, "event: "...)
		b = append(b, it.Name...)
	}
	b = append(b, "\ndata: "...)
	b = it.AppendJSON(b)
	return append(b, "\n\n"...)
}

func (st *stream) writeRaw(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	_ = st.rc.SetWriteDeadline(time.Now().Add(st.h.cfg.Stream.WriteTimeout))
	if _, err := st.w.Write(b); err != nil {
		return err
	}
	return st.rc.Flush()
}

// finish tells the client why the stream ends, when it should know.
func (st *stream) finish(err error) {
	if last := lastWords(err); last != nil {
		_ = st.writeRaw(last)
	}
}

// lastWords is the frame that tells a client why its stream ends, or nil
// when it need not know.
func lastWords(err error) []byte {
	switch {
	case errors.Is(err, hub.ErrSlowConsumer):
		line := hub.ErrorLine(nil, "slow_consumer", "queue limit exceeded: read faster or subscribe to fewer stream topics")
		return append(append([]byte("event: error\ndata: "), line...), "\n\n"...)
	case errors.Is(err, errGoingAway):
		return []byte("retry: 500\nevent: error\ndata: {\"type\":\"error\",\"code\":\"going_away\",\"message\":\"server going away: reconnect and resume\"}\n\n")
	}
	return nil
}
