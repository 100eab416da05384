package sse

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vnstock-api/vnstock-api/api/auth"
	"github.com/vnstock-api/vnstock-api/storage"
)

// withPlan serves sh to clients whose request context carries a principal
// on plan, as the Guard sets it.
func withPlan(t *testing.T, sh http.Handler, plan storage.Plan) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := auth.Principal{KeyID: "k1", Scopes: []string{auth.ScopeStream}, Plan: plan, Subject: "key:k1"}
		sh.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
	}))
	t.Cleanup(func() { srv.CloseClientConnections(); srv.Close() })
	return srv.URL
}

// status opens a stream and returns its status code and, for a 4xx, the
// error's message.
func status(t *testing.T, url string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		return resp.StatusCode, ""
	}
	var body struct {
		Error struct{ Code, Field, Message string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body.Error.Message
}

func TestPlanTopicLimit(t *testing.T) {
	t.Parallel()
	_, sh, srv := newEnv(t, Config{Limits: auth.StreamLimits})
	planned := withPlan(t, sh, storage.Plan{MaxTopics: 2, MessagesPerS: 1})
	cases := []struct {
		name, url, topics string
		want              int
	}{
		{"within the plan", planned, "quote:VNM,quote:FPT", http.StatusOK},
		{"beyond the plan", planned, "quote:VNM,quote:FPT,quote:HPG", http.StatusBadRequest},
		{"no principal: the configured limit", srv.URL, "quote:VNM,quote:FPT,quote:HPG", http.StatusOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, msg := status(t, tc.url+"?topics="+tc.topics)
			if code != tc.want || (code != http.StatusOK && !strings.Contains(msg, "at most 2 topics")) {
				t.Fatalf("status %d %q, want %d", code, msg, tc.want)
			}
		})
	}
	// A group's members count: quote:@VN30 holds 30 topics.
	g := subscribe(t, planned+"?topics=quote:@VN30", nil)
	evs := g.wait(t, has("error"))
	for _, e := range evs {
		if string(e.Event) == "error" && !strings.Contains(string(e.Data), `"too_many_topics"`) {
			t.Fatalf("error event %s, want too_many_topics", e.Data)
		}
	}
}
