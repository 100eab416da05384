package ws

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/goleak"

	"github.com/vnstock-api/vnstock-api/api/live"
	"github.com/vnstock-api/vnstock-api/hub"
	"github.com/vnstock-api/vnstock-api/market"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type env struct {
	hub *hub.Hub
	h   *Handler
	srv *httptest.Server
	url string

	detached, ended atomic.Int64 // calls of Config.Detach and of the func it returned
}

func newEnv(t *testing.T, hc hub.Config, wc Config) *env {
	t.Helper()
	tp := live.Topics{Dir: market.DefaultDirectory()}
	hc.Classify, hc.Expand = tp.Classify, tp.Expand
	h, err := hub.New(hc, hub.NewMemoryBroker(hub.MemoryConfig{}))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{hub: h}
	if wc.Detach == nil { // as served: on a goroutine of the connection's own
		wc.Detach = func(context.Context) func() {
			e.detached.Add(1)
			return func() { e.ended.Add(1) }
		}
	}
	handler := New(wc, h)
	srv := httptest.NewServer(handler)
	t.Cleanup(func() {
		_ = handler.Shutdown(context.Background())
		srv.Close()
		_ = h.Close(context.Background())
	})
	e.h, e.srv, e.url = handler, srv, "ws"+strings.TrimPrefix(srv.URL, "http")
	return e
}

type message struct {
	Type      string             `json:"type"`
	ID        json.RawMessage    `json:"id"`
	Topic     string             `json:"topic"`
	Topics    []string           `json:"topics"`
	Seq       uint64             `json:"seq"`
	TS        int64              `json:"ts"`
	Data      json.RawMessage    `json:"data"`
	Code      string             `json:"code"`
	Message   string             `json:"message"`
	Complete  bool               `json:"complete"`
	Epoch     string             `json:"epoch"`
	Heartbeat int64              `json:"heartbeat_ms"`
	Limits    map[string]float64 `json:"limits"`
}

type client struct {
	t       *testing.T
	c       *websocket.Conn
	msgs    []message
	pending []message // read from a frame, not yet returned
}

func dial(t *testing.T, url string) *client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadLimit(8 << 20)
	t.Cleanup(func() { _ = c.CloseNow() })
	return &client{t: t, c: c}
}

func (cl *client) send(s string) {
	cl.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := cl.c.Write(ctx, websocket.MessageText, []byte(s)); err != nil {
		cl.t.Fatalf("write: %v", err)
	}
}

// until reads messages until pred holds for one; it returns that one.
func (cl *client) until(pred func(message) bool) message {
	cl.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		m, err := cl.next(ctx)
		if err != nil {
			cl.t.Fatalf("read (after %d messages): %v", len(cl.msgs), err)
		}
		if pred(m) {
			return m
		}
	}
}

func (cl *client) next(ctx context.Context) (message, error) {
	if len(cl.pending) > 0 {
		m := cl.pending[0]
		cl.pending = cl.pending[1:]
		return m, nil
	}
	_, data, err := cl.c.Read(ctx)
	if err != nil {
		return message{}, err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 8<<20)
	var out []message
	for sc.Scan() {
		var m message
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			cl.t.Fatalf("server sent invalid JSON %q: %v", sc.Text(), err)
		}
		out = append(out, m)
		cl.msgs = append(cl.msgs, m)
	}
	cl.pending = out[1:]
	return out[0], nil
}

// closeCode reads until the connection closes and returns its close code.
func (cl *client) closeCode() websocket.StatusCode {
	cl.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		if _, err := cl.next(ctx); err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				cl.t.Fatal("connection was not closed")
			}
			return websocket.CloseStatus(err)
		}
	}
}

func isType(typ string) func(message) bool { return func(m message) bool { return m.Type == typ } }

func publishQuote(t *testing.T, h *hub.Hub, sym string, price int64) uint64 {
	t.Helper()
	q := market.Quote{Symbol: market.Symbol(sym), Exchange: market.HOSE, Last: price, Time: time.Now()}
	seq, err := h.Publish(context.Background(), "quote:"+sym, q.AppendJSON(nil), 0)
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

func waitHead(t *testing.T, h *hub.Hub, seq uint64) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); h.Head() < seq; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("head %d never reached %d", h.Head(), seq)
		}
	}
}

func TestWelcomeSubscribeSnapshotEventPong(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hub.Config{}, Config{})
	waitHead(t, e.hub, publishQuote(t, e.hub, "VNM", 61000))
	cl := dial(t, e.url)
	w := cl.until(isType("welcome"))
	if w.Epoch != e.hub.Epoch() || w.Heartbeat != 15000 || w.Limits["topics"] != 1024 || w.Limits["queue_bytes"] != 1<<20 {
		t.Fatalf("welcome = %+v", w)
	}
	cl.send(`{"op":"subscribe","id":1,"topics":["quote:VNM","trade:VNM","quote:@VN30","trade:XXXX"]}`)
	ack := cl.until(isType("ack"))
	if string(ack.ID) != "1" || strings.Join(ack.Topics, ",") != "quote:VNM,trade:VNM,quote:@VN30" {
		t.Fatalf("ack = %+v", ack)
	}
	er := cl.until(isType("error"))
	if er.Code != "unknown_topic" || string(er.ID) != "1" || !strings.Contains(er.Message, "XXXX") {
		t.Fatalf("error = %+v", er)
	}
	snap := cl.until(isType("snapshot"))
	if snap.Topic != "quote:VNM" || !bytes.Contains(snap.Data, []byte(`"close_price":61000`)) {
		t.Fatalf("snapshot = %+v", snap)
	}
	seq := publishQuote(t, e.hub, "FPT", 120000)
	ev := cl.until(isType("event"))
	if ev.Topic != "quote:FPT" || ev.Seq != seq || ev.TS == 0 {
		t.Fatalf("event = %+v, want quote:FPT seq %d", ev, seq)
	}
	cl.send(`{"op":"ping","id":"p1"}`)
	if p := cl.until(isType("pong")); string(p.ID) != `"p1"` {
		t.Fatalf("pong = %+v", p)
	}
	cl.send(`{"op":"unsubscribe","id":3,"topics":["trade:VNM"]}`)
	if a := cl.until(isType("ack")); string(a.ID) != "3" || len(a.Topics) != 1 {
		t.Fatalf("unsubscribe ack = %+v", a)
	}
	_ = cl.c.Close(websocket.StatusNormalClosure, "")
}

func TestHeartbeat(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hub.Config{}, Config{Stream: live.Config{Heartbeat: 100 * time.Millisecond}})
	cl := dial(t, e.url)
	cl.until(isType("welcome"))
	hb := cl.until(isType("heartbeat"))
	if hb.TS == 0 {
		t.Fatalf("heartbeat = %+v", hb)
	}
}

// Each bad input gets its error reply or close code, and the server keeps
// serving a well-behaved client throughout.
func TestBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hub.Config{MaxTopics: 1024}, Config{})
	good := dial(t, e.url)
	good.until(isType("welcome"))
	good.send(`{"op":"subscribe","id":1,"topics":["quote:VNM"]}`)
	good.until(isType("ack"))
	many := make([]string, 2000)
	for i := range many {
		many[i] = fmt.Sprintf("q%d", i)
	}
	manyJSON, _ := json.Marshal(many)
	huge := make([]string, 10_000)
	for i := range huge {
		huge[i] = "quote:VNM"
	}
	hugeJSON, _ := json.Marshal(huge)
	cases := []struct {
		name      string
		frame     string
		wantError string // error code in a reply, connection stays
		wantClose websocket.StatusCode
	}{
		{"non-JSON", `hello`, "", CodeProtocolError},
		{"JSON array", `[1,2]`, "", CodeProtocolError},
		{"unknown op", `{"op":"dance","id":1}`, "", CodeProtocolError},
		{"missing op", `{"id":1}`, "invalid_argument", 0},
		{"huge frame", `{"op":"subscribe","id":1,"topics":` + string(hugeJSON) + `}`, "", CodeProtocolError},
		{"too many topics", `{"op":"subscribe","id":1,"topics":` + strings.ReplaceAll(string(manyJSON), `"q`, `"quote:Q`) + `}`, "too_many_topics", 0},
		{"unknown symbol", `{"op":"subscribe","id":1,"topics":["quote:NOPE"]}`, "unknown_topic", 0},
		{"malformed topic", `{"op":"subscribe","id":1,"topics":["quote:"]}`, "invalid_topic", 0},
		{"bad since", `{"op":"subscribe","id":1,"topics":["quote:VNM"],"since":-5}`, "invalid_argument", 0},
		{"since not a number", `{"op":"subscribe","id":1,"topics":["quote:VNM"],"since":"x"}`, "invalid_argument", 0},
		{"topics not strings", `{"op":"subscribe","id":1,"topics":[1]}`, "invalid_argument", 0},
		{"object id", `{"op":"ping","id":{}}`, "invalid_argument", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cl := dial(t, e.url)
			cl.until(isType("welcome"))
			cl.send(tc.frame)
			if tc.wantClose != 0 {
				if got := cl.closeCode(); got != tc.wantClose {
					t.Fatalf("close code %d, want %d", got, tc.wantClose)
				}
				return
			}
			if m := cl.until(isType("error")); m.Code != tc.wantError {
				t.Fatalf("error %+v, want code %s", m, tc.wantError)
			}
			cl.send(`{"op":"ping","id":9}`)
			cl.until(isType("pong"))
		})
	}
	seq := publishQuote(t, e.hub, "VNM", 62000)
	if m := good.until(isType("event")); m.Seq != seq {
		t.Fatalf("good client got %+v, want seq %d", m, seq)
	}
}

func TestRateLimitClosesWith4029(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hub.Config{}, Config{MessageRate: 5})
	cl := dial(t, e.url)
	cl.until(isType("welcome"))
	for i := range 20 {
		if err := cl.c.Write(context.Background(), websocket.MessageText, []byte(fmt.Sprintf(`{"op":"ping","id":%d}`, i))); err != nil {
			break
		}
	}
	if got := cl.closeCode(); got != CodeRateLimited {
		t.Fatalf("close code %d, want 4029", got)
	}
}
