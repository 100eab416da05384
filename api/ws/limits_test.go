package ws

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/coder/websocket"

	"github.com/vnstock-api/vnstock-api/api/auth"
	"github.com/vnstock-api/vnstock-api/hub"
	"github.com/vnstock-api/vnstock-api/storage"
)

// withPlan serves e's handler to clients whose request context carries a
// principal on plan, as the Guard sets it.
func withPlan(t *testing.T, e *env, plan storage.Plan) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := auth.Principal{KeyID: "k1", Scopes: []string{auth.ScopeStream}, Plan: plan, Subject: "key:k1"}
		e.h.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
	}))
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}

func TestPlanTopicLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hub.Config{}, Config{Limits: auth.StreamLimits})
	cl := dial(t, withPlan(t, e, storage.Plan{MaxTopics: 2}))
	if w := cl.until(isType("welcome")); w.Limits["topics"] != 2 || w.Limits["messages_per_s"] != 20 {
		t.Fatalf("welcome limits = %v, want topics 2 and the configured 20 messages/s", w.Limits)
	}
	for i, sym := range []string{"VNM", "FPT"} {
		cl.send(fmt.Sprintf(`{"op":"subscribe","id":%d,"topics":["quote:%s"]}`, i+1, sym))
		if a := cl.until(isType("ack")); len(a.Topics) != 1 {
			t.Fatalf("subscribe %s: ack %+v", sym, a)
		}
	}
	cl.send(`{"op":"subscribe","id":3,"topics":["quote:HPG"]}`)
	if m := cl.until(func(m message) bool { return m.Type == "error" || m.Type == "ack" }); m.Code != "too_many_topics" || string(m.ID) != "3" {
		t.Fatalf("third topic got %+v, want error too_many_topics", m)
	}
	cl.send(`{"op":"ping","id":4}`) // the connection stays
	cl.until(isType("pong"))

	// Without a principal the configured limit holds.
	other := dial(t, e.url)
	if w := other.until(isType("welcome")); w.Limits["topics"] != 1024 {
		t.Fatalf("anonymous welcome limits = %v, want topics 1024", w.Limits)
	}
	other.send(`{"op":"subscribe","id":1,"topics":["quote:VNM","quote:FPT","quote:HPG"]}`)
	if a := other.until(isType("ack")); len(a.Topics) != 3 {
		t.Fatalf("ack %+v, want 3 topics", a)
	}
}

func TestPlanMessageRate(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hub.Config{}, Config{Limits: auth.StreamLimits})
	pings := func(cl *client) {
		for i := range 10 {
			if err := cl.c.Write(context.Background(), websocket.MessageText, fmt.Appendf(nil, `{"op":"ping","id":%d}`, i)); err != nil {
				return
			}
		}
	}
	// The configured 20/s lets 10 messages in a burst pass...
	free := dial(t, withPlan(t, e, storage.Plan{MaxTopics: 5}))
	free.until(isType("welcome"))
	pings(free)
	for i := 0; i < 10; i++ {
		free.until(isType("pong"))
	}
	// ...a plan of 2/s does not.
	cl := dial(t, withPlan(t, e, storage.Plan{MessagesPerS: 2}))
	if w := cl.until(isType("welcome")); w.Limits["messages_per_s"] != 2 || w.Limits["topics"] != 1024 {
		t.Fatalf("welcome limits = %v, want 2 messages/s and the configured 1024 topics", w.Limits)
	}
	pings(cl)
	if got := cl.closeCode(); got != CodeRateLimited {
		t.Fatalf("close code %d, want 4029", got)
	}
}
