package queryhalf

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/mux"

	"github.com/vnstock-api/vnstock-api/api/auth"
	"github.com/vnstock-api/vnstock-api/api/live"
	"github.com/vnstock-api/vnstock-api/feeds/fakeupstream"
	"github.com/vnstock-api/vnstock-api/hub"
	"github.com/vnstock-api/vnstock-api/market"
)

func TestCheckSettings(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, auth, db string
		urls           map[string]string
		want           string // "" = valid
	}{
		{"defaults", auth.ModeKeys, "", nil, ""},
		{"off with postgres", auth.ModeOff, "postgresql://u@db/v", map[string]string{"kbs": "https://kbs.example"}, ""},
		{"auth", "sometimes", "", nil, "auth"},
		{"database", auth.ModeKeys, "mysql://db/v", nil, "database-url"},
		{"relative url", auth.ModeKeys, "", map[string]string{"vci": "/vci"}, "vci-url"},
		{"ftp url", auth.ModeKeys, "", map[string]string{"msn": "ftp://msn.example"}, "msn-url"},
		{"empty url is the real one", auth.ModeKeys, "", map[string]string{"sjc": ""}, ""},
	}
	for _, c := range cases {
		err := CheckSettings(c.auth, c.db, c.urls)
		if (c.want == "") != (err == nil) || (err != nil && !strings.HasPrefix(err.Error(), c.want)) {
			t.Errorf("%s: error %v, want one starting %q", c.name, err, c.want)
		}
	}
}

func TestURLVarsAreDistinct(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, v := range URLVars() {
		for _, k := range []string{v.Name, v.Env, v.Flag} {
			if k == "" || seen[k] {
				t.Fatalf("%+v: empty or repeated %q", v, k)
			}
			seen[k] = true
		}
	}
}

// TestNew builds the query half over SQLite and the fake upstream and
// serves an OHLCV request through its REST handlers, and a key without
// the read scope is refused by the GraphQL hook.
func TestNew(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	st, err := OpenStore(ctx, "", t.TempDir(), log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	prot, err := NewProtection(auth.ModeKeys, st, nil, log)
	if err != nil {
		t.Fatal(err)
	}
	topics := live.Topics{Dir: market.DefaultDirectory()}
	h, err := hub.New(hub.Config{Classify: topics.Classify, Expand: topics.Expand}, hub.NewMemoryBroker(hub.MemoryConfig{}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close(ctx) })
	up := httptest.NewServer(fakeupstream.New(fakeupstream.Config{}))
	t.Cleanup(up.Close)
	half, err := New(Config{Sources: SourcesConfig{URLs: map[string]string{"kbs": up.URL + "/kbs", "vci": up.URL + "/vci"}}}, st, h, prot, nil, log)
	if err != nil {
		t.Fatal(err)
	}
	r := mux.NewRouter()
	half.REST.Register(r)
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/v1/market/equity/VNM/ohlcv?start=2026-03-02&end=2026-03-06", nil))
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"close":`) {
		t.Fatalf("ohlcv: %d %.300s", w.Code, w.Body)
	}

	streamOnly, _, err := prot.Keys.Create(ctx, auth.NewKey{Name: "s", Scopes: []string{auth.ScopeStream}})
	if err != nil {
		t.Fatal(err)
	}
	var ae *auth.Error
	if _, err := prot.GraphAuth(ctx, streamOnly); !errors.As(err, &ae) || ae.Status != http.StatusForbidden {
		t.Fatalf("a key without the read scope: %v, want a 403", err)
	}
}
