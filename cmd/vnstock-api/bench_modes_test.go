package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/go-cmp/cmp"
)

func TestStormDelay(t *testing.T) {
	t.Parallel()
	c := stormConfig{backoff: 100 * time.Millisecond, backoffMax: 2 * time.Second}
	ceilings := map[int]time.Duration{0: 100 * time.Millisecond, 1: 100 * time.Millisecond, 2: 200 * time.Millisecond,
		3: 400 * time.Millisecond, 5: 1600 * time.Millisecond, 6: 2 * time.Second, 64: 2 * time.Second}
	for n, ceil := range ceilings {
		var most time.Duration
		for range 200 {
			d := c.delay(n)
			if d < 0 || d >= ceil {
				t.Fatalf("delay(%d) = %v, want in [0, %v)", n, d, ceil)
			}
			most = max(most, d)
		}
		if most < ceil/2 { // 200 uniform draws all in the lower half: not jittered over the range
			t.Errorf("delay(%d): largest of 200 draws %v, ceiling %v", n, most, ceil)
		}
	}
}

func TestJSONFields(t *testing.T) {
	t.Parallel()
	line := []byte(`{"type":"welcome","session":"c1","epoch":"e7b2","seq":18233,"heartbeat_ms":15000}`)
	if v, ok := jsonUint(line, []byte(`"seq":`)); !ok || v != 18233 {
		t.Errorf("jsonUint seq = %d, %v", v, ok)
	}
	if _, ok := jsonUint(line, []byte(`"nope":`)); ok {
		t.Error("jsonUint of a missing key: ok")
	}
	if _, ok := jsonUint([]byte(`"seq":x`), []byte(`"seq":`)); ok {
		t.Error("jsonUint of a non-number: ok")
	}
	if got := jsonString(line, keyEpoch); got != "e7b2" {
		t.Errorf("jsonString epoch = %q", got)
	}
	for _, bad := range []string{`"epoch":"a\"b"`, `"epoch":"unterminated`, `{}`} {
		if got := jsonString([]byte(bad), keyEpoch); got != "" {
			t.Errorf("jsonString(%s) = %q, want empty", bad, got)
		}
	}
}

func newResumeRunner(t *testing.T) *runner {
	t.Helper()
	cfg, err := parseBenchConfig([]string{"--reconnect", "--topics", "quote:@VN30"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	r, err := newRunner(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestScanResume(t *testing.T) {
	t.Parallel()
	r := newResumeRunner(t)
	rs := &resumeStats{}
	if got := string(r.resubscribe(rs)); got != string(r.subscribe) || rs.sentSince {
		t.Fatalf("first subscribe = %s (since %v)", got, rs.sentSince)
	}
	r.scanResume(rs, []byte(`{"type":"welcome","session":"s","epoch":"E1","seq":5}`+"\n"+
		`{"type":"ack","id":1,"topics":["quote:@VN30"]}`+"\n"+
		`{"type":"event","topic":"quote:VNM","seq":12,"ts":1,"data":{"seq":99}}`+"\n"+
		`{"type":"event","topic":"quote:FPT","seq":11,"ts":1,"data":{}}`))
	if rs.epoch != "E1" || rs.lastSeq != 12 || r.storm.resumedNow.Load() != 0 {
		t.Fatalf("after the first frame: epoch %q, last seq %d, resumed %d", rs.epoch, rs.lastSeq, r.storm.resumedNow.Load())
	}
	r.dropped(rs, fmt.Errorf("read: %w", websocket.CloseError{Code: websocket.StatusGoingAway}))
	var sub map[string]any
	if err := json.Unmarshal(r.resubscribe(rs), &sub); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"op": "subscribe", "id": 2.0, "topics": []any{"quote:@VN30"}, "since": 12.0, "epoch": "E1"}
	if diff := cmp.Diff(want, sub); diff != "" {
		t.Errorf("resubscribe (-want +got):\n%s", diff)
	}
	r.scanResume(rs, []byte(`{"type":"ack","id":2,"topics":["quote:@VN30"]}`)) // with since, the ack does not resume
	if r.storm.resumedNow.Load() != 0 || !rs.waiting {
		t.Fatal("the ack of a subscribe with since resumed the client")
	}
	r.scanResume(rs, []byte(`{"type":"recovered","id":2,"from":12,"to":40,"complete":false}`))
	if r.storm.resumedNow.Load() != 1 || rs.waiting || rs.incomplete != 1 || len(rs.resumeUs) != 1 {
		t.Fatalf("after recovered: resumed %d, waiting %v, incomplete %d", r.storm.resumedNow.Load(), rs.waiting, rs.incomplete)
	}
	r.dropped(rs, errors.New("read: connection reset by peer"))
	if r.storm.resumedNow.Load() != 0 || r.storm.dropped.Load() != 1 || rs.drops != 2 {
		t.Errorf("after a second drop: resumed %d, dropped %d, drops %d", r.storm.resumedNow.Load(), r.storm.dropped.Load(), rs.drops)
	}
	r.scanResume(rs, []byte(`{"type":"recovered","id":2,"from":40,"to":41,"complete":true}`))
	if rs.complete != 1 || r.storm.resumedNow.Load() != 1 {
		t.Errorf("complete %d, resumed %d", rs.complete, r.storm.resumedNow.Load())
	}
	wantEnds := map[string]int{"closed with code 1001": 1, "connection reset by peer": 1}
	if diff := cmp.Diff(wantEnds, rs.ends); diff != "" {
		t.Errorf("ends (-want +got):\n%s", diff)
	}
}

// A client that had seen no event resubscribes without since and is
// resumed by the ack.
func TestScanResumeWithoutEvents(t *testing.T) {
	t.Parallel()
	r := newResumeRunner(t)
	rs := &resumeStats{}
	r.dropped(rs, io.EOF)
	r.resubscribe(rs)
	r.scanResume(rs, []byte(`{"type":"ack","id":1,"topics":["quote:@VN30"]}`))
	if r.storm.resumedNow.Load() != 1 || rs.waiting {
		t.Errorf("resumed %d, waiting %v", r.storm.resumedNow.Load(), rs.waiting)
	}
}

func FuzzScanResume(f *testing.F) {
	f.Add([]byte(`{"type":"event","topic":"quote:VNM","seq":12,"ts":1,"data":{}}`))
	f.Add([]byte("{\"type\":\"welcome\",\"epoch\":\"x\n{\"type\":\"recovered\",\n{\"type\":\"ack\""))
	f.Add([]byte(`{"type":"event",,"seq":99999999999999999999999`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r := &runner{}
		rs := &resumeStats{waiting: true, droppedAt: time.Now()}
		before := rs.lastSeq
		r.scanResume(rs, b)
		if rs.lastSeq < before || r.storm.resumedNow.Load() > 1 || len(rs.epoch) > 128 {
			t.Fatalf("last seq %d, resumed %d, epoch %q", rs.lastSeq, r.storm.resumedNow.Load(), rs.epoch)
		}
	})
}

func TestCASExtremes(t *testing.T) {
	t.Parallel()
	var lo, hi atomic.Int64
	for _, v := range []int64{5, 3, 9, 4} {
		casMin(&lo, v)
		casMax(&hi, v)
	}
	if lo.Load() != 3 || hi.Load() != 9 {
		t.Errorf("min %d, max %d; want 3, 9", lo.Load(), hi.Load())
	}
}

func TestGraphQLMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		msg        string
		reply      string
		err        error
		events     int64
		malformed  int64
		serverErrs map[string]int
	}{
		{"next", `{"payload":{"data":{"quotes":[{"symbol":"VNM","seq":3,"ts":1000},{"symbol":"FPT","seq":4,"ts":2000}]}},"id":"1","type":"next"}`,
			"", nil, 2, 0, nil},
		{"next other order", `{"type":"next","id":"1","payload":{"data":{"quotes":[{"symbol":"VNM","ts":1000}]}}}`, "", nil, 1, 0, nil},
		{"null ts not counted", `{"payload":{"data":{"quotes":[{"symbol":"VNM","seq":null,"ts":null}]}},"id":"1","type":"next"}`, "", nil, 0, 0, nil},
		{"next with errors", `{"payload":{"errors":[{"message":"x"}],"data":null},"id":"1","type":"next"}`, "", nil, 0, 0, map[string]int{"graphql": 1}},
		{"ping", `{"type":"ping"}`, `{"type":"pong"}`, nil, 0, 0, nil},
		{"pong", `{"type":"pong"}`, "", nil, 0, 0, nil},
		{"error", `{"payload":[{"message":"slow","extensions":{"code":"SLOW_CONSUMER"}}],"id":"1","type":"error"}`, "", errGraphQLEnded, 0, 0,
			map[string]int{"SLOW_CONSUMER": 1}},
		{"complete", `{"id":"1","type":"complete"}`, "", errGraphQLEnded, 0, 0, nil},
		{"unknown type", `{"type":"surprise"}`, "", nil, 0, 1, nil},
		{"not json", `hello`, "", nil, 0, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := newTestStats(t, 3000)
			reply, err := st.graphQLMessage([]byte(tt.msg))
			if string(reply) != tt.reply || !errors.Is(err, tt.err) {
				t.Errorf("reply %q, err %v; want %q, %v", reply, err, tt.reply, tt.err)
			}
			if st.events != tt.events || st.hist.n != tt.events || st.malformed != tt.malformed {
				t.Errorf("events %d (%d latencies), malformed %d; want %d, %d", st.events, st.hist.n, st.malformed, tt.events, tt.malformed)
			}
			if diff := cmp.Diff(tt.serverErrs, st.serverErrs); diff != "" {
				t.Errorf("server errors (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzGraphQLMessage(f *testing.F) {
	f.Add([]byte(`{"payload":{"data":{"quotes":[{"symbol":"VNM","seq":3,"ts":1000}]}},"id":"1","type":"next"}`))
	f.Add([]byte(`{"type":"ping"}`))
	f.Add([]byte(`"ts":"ts":123,"type":"next"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var phase atomic.Int32
		phase.Store(phaseMeasure)
		st := newClientStats(&phase, false)
		_, _ = st.graphQLMessage(b)
		if st.hist.n != st.events || st.events != st.eventsAll {
			t.Fatalf("%d latencies for %d events (%d in all)", st.hist.n, st.events, st.eventsAll)
		}
		idle := newClientStats(&phase, true) // no histogram: must not be touched
		_, _ = idle.graphQLMessage(b)
	})
}

func TestGraphQLMessages(t *testing.T) {
	t.Parallel()
	init, sub, err := graphQLMessages("vk_live_x", defaultGraphQLQuery)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"payload":{"apiKey":"vk_live_x"},"type":"connection_init"}`; string(init) != want {
		t.Errorf("init = %s, want %s", init, want)
	}
	var m struct {
		ID, Type string
		Payload  struct{ Query string }
	}
	if err := json.Unmarshal(sub, &m); err != nil || m.ID != "1" || m.Type != "subscribe" || m.Payload.Query != defaultGraphQLQuery {
		t.Errorf("subscribe = %s (%v)", sub, err)
	}
	if init, _, _ := graphQLMessages("", defaultGraphQLQuery); string(init) != `{"payload":{},"type":"connection_init"}` {
		t.Errorf("init without a key = %s", init)
	}
}

func TestParseModeConfigs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		wantErr bool
	}{
		{"graphql", []string{"--url", "ws://h:1/v1/graphql", "--query", "subscription { status { ok } }"}, false},
		{"graphql query not a subscription", []string{"--transport", "graphql", "--query", "{ quotes { symbol } }"}, true},
		{"reconnect", []string{"--reconnect", "--until-resumed", "--backoff", "50ms", "--backoff-max", "1s"}, false},
		{"reconnect over sse", []string{"--url", "http://h:1/v1/sse", "--reconnect"}, true},
		{"until-resumed alone", []string{"--until-resumed"}, true},
		{"backoff above its max", []string{"--reconnect", "--backoff", "2s", "--backoff-max", "1s"}, true},
		{"two urls", []string{"--url", "ws://a:1,ws://b:2"}, false},
		{"no url", []string{"--url", ","}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := parseBenchConfig(tt.args, io.Discard); (err != nil) != tt.wantErr {
				t.Errorf("parseBenchConfig(%q) error = %v, want error %v", tt.args, err, tt.wantErr)
			}
		})
	}
	startup := []struct {
		args    []string
		wantErr bool
	}{
		{[]string{"--runs", "2", "--", "server", "--flag"}, false},
		{[]string{"--runs", "2"}, true},
		{[]string{"--runs", "0", "--", "server"}, true},
		{[]string{"--url", "ftp://h/readyz", "--", "server"}, true},
	}
	for _, tt := range startup {
		if _, err := parseStartupConfig(tt.args, io.Discard); (err != nil) != tt.wantErr {
			t.Errorf("parseStartupConfig(%q) error = %v, want error %v", tt.args, err, tt.wantErr)
		}
	}
	ref := []struct {
		args    []string
		wantErr bool
	}{
		{[]string{"--rate", "200", "--payload", "300"}, false},
		{[]string{"--rate", "0"}, true},
		{[]string{"--payload", "10"}, true},
		{[]string{"--queue", "0"}, true},
		{[]string{"extra"}, true},
	}
	for _, tt := range ref {
		if _, err := parseRefConfig(tt.args, io.Discard); (err != nil) != tt.wantErr {
			t.Errorf("parseRefConfig(%q) error = %v, want error %v", tt.args, err, tt.wantErr)
		}
	}
}

func TestBenchURLs(t *testing.T) {
	t.Parallel()
	urls, tr, err := benchURLs("ws://a:1/v1/graphql, http://b:2", "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range urls {
		got = append(got, u.String())
	}
	if diff := cmp.Diff([]string{"ws://a:1/v1/graphql", "ws://b:2/v1/graphql"}, got); diff != "" || tr != "graphql" {
		t.Errorf("benchURLs = %v %s (-want +got):\n%s", got, tr, diff)
	}
}

func TestRefEvent(t *testing.T) {
	t.Parallel()
	for _, payload := range []int{64, 700, 5000} {
		ev := refEvent("VNM", 42, 1732761000123, payload)
		kind, ts := scanLine(ev)
		if kind != lineEvent || ts != 1732761000123 {
			t.Errorf("payload %d: scanLine = %d, %d", payload, kind, ts)
		}
		var env struct {
			Seq  uint64          `json:"seq"`
			Data json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(ev, &env); err != nil || env.Seq != 42 {
			t.Fatalf("payload %d: %s: %v", payload, ev, err)
		}
		if len(env.Data) != payload {
			t.Errorf("payload %d: data is %d bytes", payload, len(env.Data))
		}
		if !strings.Contains(string(env.Data), `"symbol":"VNM"`) {
			t.Errorf("data = %s", env.Data)
		}
	}
}
