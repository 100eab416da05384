package sse

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	sselib "github.com/r3labs/sse/v2"
	"go.uber.org/goleak"

	"github.com/vnstock-api/vnstock-api/api/live"
	"github.com/vnstock-api/vnstock-api/hub"
	"github.com/vnstock-api/vnstock-api/market"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"))
}

func newEnv(t *testing.T, cfg Config) (*hub.Hub, *Handler, *httptest.Server) {
	t.Helper()
	return newEnvQueue(t, cfg, 0)
}

// newEnvQueue is newEnv with the hub's per-subscriber queue bound (0: the
// default).
func newEnvQueue(t *testing.T, cfg Config, queueBytes int) (*hub.Hub, *Handler, *httptest.Server) {
	t.Helper()
	tp := live.Topics{Dir: market.DefaultDirectory()}
	h, err := hub.New(hub.Config{Classify: tp.Classify, Expand: tp.Expand, QueueBytes: queueBytes}, hub.NewMemoryBroker(hub.MemoryConfig{}))
	if err != nil {
		t.Fatal(err)
	}
	sh := New(cfg, h)
	srv := httptest.NewServer(sh)
	t.Cleanup(func() {
		_ = sh.Shutdown(context.Background())
		srv.CloseClientConnections()
		srv.Close()
		_ = h.Close(context.Background())
	})
	return h, sh, srv
}

type got struct {
	mu     sync.Mutex
	events []*sselib.Event
}

func (g *got) add(e *sselib.Event) {
	g.mu.Lock()
	defer g.mu.Unlock()
	cp := *e
	cp.Data = append([]byte(nil), e.Data...)
	cp.ID = append([]byte(nil), e.ID...)
	cp.Event = append([]byte(nil), e.Event...)
	g.events = append(g.events, &cp)
}

func (g *got) wait(t *testing.T, pred func([]*sselib.Event) bool) []*sselib.Event {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		g.mu.Lock()
		evs := append([]*sselib.Event(nil), g.events...)
		g.mu.Unlock()
		if pred(evs) {
			return evs
		}
		if time.Now().After(deadline) {
			var names []string
			for _, e := range evs {
				names = append(names, string(e.Event))
			}
			t.Fatalf("timed out; got events %v", names)
		}
	}
}

// subscribe runs an r3labs SSE client until the test ends.
func subscribe(t *testing.T, url string, hdr map[string]string) *got {
	t.Helper()
	g := &got{}
	c := sselib.NewClient(url)
	c.ReconnectStrategy = nil
	for k, v := range hdr {
		c.Headers[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = c.SubscribeRawWithContext(ctx, g.add)
	}()
	t.Cleanup(func() { cancel(); <-done })
	return g
}

func publish(t *testing.T, h *hub.Hub, topic string, data string) uint64 {
	t.Helper()
	seq, err := h.Publish(context.Background(), topic, []byte(data), 0)
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

func has(name string) func([]*sselib.Event) bool {
	return func(evs []*sselib.Event) bool {
		for _, e := range evs {
			if string(e.Event) == name {
				return true
			}
		}
		return false
	}
}

func TestStreamSnapshotEventsErrorsHeartbeat(t *testing.T) {
	t.Parallel()
	h, _, srv := newEnv(t, Config{Stream: live.Config{Heartbeat: 150 * time.Millisecond}})
	publish(t, h, "quote:VNM", `{"close_price":1}`)
	for h.Head() < 1 {
		time.Sleep(time.Millisecond)
	}
	g := subscribe(t, srv.URL+"?topics=quote:VNM,trade:VNM,quote:NOPE", nil)
	g.wait(t, has("snapshot"))
	seq := publish(t, h, "trade:VNM", `{"price":2}`)
	evs := g.wait(t, func(e []*sselib.Event) bool { return has("trade")(e) && has("heartbeat")(e) })
	var sawErr bool
	for _, e := range evs {
		switch string(e.Event) {
		case "snapshot", "heartbeat", "error":
			sawErr = sawErr || string(e.Event) == "error" && strings.Contains(string(e.Data), "unknown_topic")
		case "trade":
			var m struct {
				Seq  uint64 `json:"seq"`
				Type string `json:"type"`
			}
			if err := json.Unmarshal(e.Data, &m); err != nil || m.Seq != seq || string(e.ID) != itoa(m.Seq) {
				t.Fatalf("trade event %s id %s: %v", e.Data, e.ID, err)
			}
		}
	}
	if !sawErr {
		t.Fatal("no error event for the unknown topic")
	}
}

func TestLastEventIDResumes(t *testing.T) {
	t.Parallel()
	h, _, srv := newEnv(t, Config{})
	first := publish(t, h, "trade:VNM", `1`)
	missed := []uint64{publish(t, h, "trade:VNM", `2`), publish(t, h, "trade:VNM", `3`)}
	for h.Head() < missed[1] {
		time.Sleep(time.Millisecond)
	}
	g := subscribe(t, srv.URL+"?topics=trade:VNM&since=0", map[string]string{"Last-Event-ID": itoa(first)})
	evs := g.wait(t, has("recovered"))
	var ids []string
	for _, e := range evs {
		if string(e.Event) == "trade" {
			ids = append(ids, string(e.ID))
		}
	}
	if strings.Join(ids, ",") != itoa(missed[0])+","+itoa(missed[1]) {
		t.Fatalf("replayed ids %v, want %v (the header wins over ?since=)", ids, missed)
	}
}

func TestRequestErrors(t *testing.T) {
	t.Parallel()
	_, _, srv := newEnv(t, Config{})
	cases := []struct{ name, query, field string }{
		{"no topics", "", "topics"},
		{"no valid topic", "?topics=quote:NOPE,bogus", "topics"},
		{"bad since", "?topics=quote:VNM&since=-1", "since"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := http.Get(srv.URL + tc.query)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body struct {
				Error struct{ Code, Field, Message string }
			}
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusBadRequest || body.Error.Field != tc.field {
				t.Fatalf("status %d, body %+v", resp.StatusCode, body)
			}
		})
	}
}

func TestShutdownSendsRetryHint(t *testing.T) {
	t.Parallel()
	_, sh, srv := newEnv(t, Config{})
	g := subscribe(t, srv.URL+"?topics=quote:VNM", nil)
	time.Sleep(100 * time.Millisecond) // let the stream open
	if err := sh.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := sh.pool.Open(); n != 0 { // Shutdown waited for the stream to end
		t.Fatalf("%d streams still open after Shutdown", n)
	}
	evs := g.wait(t, has("error"))
	if !strings.Contains(string(evs[len(evs)-1].Data), "going_away") {
		t.Fatalf("last event %s", evs[len(evs)-1].Data)
	}
}

func itoa(v uint64) string { return strconv.FormatUint(v, 10) }

// On the wire, only events carry an id: snapshots, errors and heartbeats
// never move the browser's Last-Event-ID.
func TestOnlyEventsCarryIDs(t *testing.T) {
	t.Parallel()
	h, _, srv := newEnv(t, Config{Stream: live.Config{Heartbeat: 100 * time.Millisecond}})
	publish(t, h, "quote:VNM", `{"close_price":1}`)
	for h.Head() < 1 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"?topics=quote:VNM,quote:NOPE", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	go func() {
		time.Sleep(50 * time.Millisecond)
		_, _ = h.Publish(context.Background(), "quote:VNM", []byte(`{"close_price":2}`), 0)
	}()
	raw, _ := io.ReadAll(resp.Body)
	if !strings.HasPrefix(string(raw), "retry: ") {
		t.Fatalf("stream does not start with retry: %.40q", raw)
	}
	frames := strings.Split(string(raw), "\n\n")
	kinds := map[string]bool{}
	for _, f := range frames {
		lines := strings.Split(f, "\n")
		var id, ev string
		for _, l := range lines {
			if v, ok := strings.CutPrefix(l, "id: "); ok {
				id = v
			}
			if v, ok := strings.CutPrefix(l, "event: "); ok {
				ev = v
			}
		}
		kinds[ev] = true
		if (ev == "quote") != (id != "") {
			t.Fatalf("frame %q: event %q with id %q", f, ev, id)
		}
	}
	for _, k := range []string{"snapshot", "error", "heartbeat", "quote"} {
		if !kinds[k] {
			t.Fatalf("no %s frame in %q", k, raw)
		}
	}
}
