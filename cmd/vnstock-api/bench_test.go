package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/go-cmp/cmp"
)

func TestScanLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		line string
		kind lineKind
		ts   int64
	}{
		{"event", `{"type":"event","topic":"quote:VNM","seq":18234,"ts":1732761000123,"data":{"price":61300}}`, lineEvent, 1732761000123},
		{"event ts last", `{"type":"event","topic":"x","seq":1,"ts":17}`, lineEvent, 17},
		{"ts in data ignored", `{"type":"event","topic":"x","seq":1,"ts":5,"data":{"ts":9}}`, lineEvent, 5},
		{"snapshot", `{"type":"snapshot","topic":"quote:VNM","seq":1,"ts":2,"data":{}}`, lineSnapshot, 0},
		{"ack", `{"type":"ack","id":1,"topics":["quote:@VN30"]}`, lineAck, 0},
		{"error", `{"type":"error","id":1,"code":"unknown_topic","message":"x"}`, lineError, 0},
		{"welcome", `{"type":"welcome","session":"c1f","seq":3}`, lineOther, 0},
		{"heartbeat", `{"type":"heartbeat","seq":18240,"ts":1}`, lineOther, 0},
		{"empty", ``, lineEmpty, 0},
		{"event without ts", `{"type":"event","topic":"x","seq":1,"data":{}}`, lineMalformed, 0},
		{"event ts not a number", `{"type":"event","topic":"x","seq":1,"ts":"1","data":{}}`, lineMalformed, 0},
		{"event ts zero", `{"type":"event","topic":"x","seq":1,"ts":0,"data":{}}`, lineMalformed, 0},
		{"event ts negative", `{"type":"event","topic":"x","seq":1,"ts":-5,"data":{}}`, lineMalformed, 0},
		{"event ts truncated", `{"type":"event","topic":"x","seq":1,"ts":123`, lineMalformed, 0},
		{"event ts too long", `{"type":"event","seq":1,"ts":1234567890123456789,"data":{}}`, lineMalformed, 0},
		{"not json", `hello`, lineMalformed, 0},
		{"type unterminated", `{"type":"welc`, lineMalformed, 0},
		{"other object", `{"op":"subscribe"}`, lineMalformed, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			kind, ts := scanLine([]byte(tt.line))
			if kind != tt.kind || ts != tt.ts {
				t.Errorf("scanLine(%q) = %d, %d; want %d, %d", tt.line, kind, ts, tt.kind, tt.ts)
			}
		})
	}
}

func FuzzScanLine(f *testing.F) {
	f.Add([]byte(`{"type":"event","topic":"quote:VNM","seq":18234,"ts":1732761000123,"data":{}}`))
	f.Add([]byte(`{"type":"error","id":1,"code":"unknown_topic","message":"x"}`))
	f.Add([]byte(`{"type":"event",,"ts":`))
	f.Add([]byte("{\"type\":\"event\",\"ts\":1}\n{\"type\":\"snapshot\"}\n\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		kind, ts := scanLine(b)
		if kind == lineEvent && ts <= 0 {
			t.Fatalf("event with ts %d", ts)
		}
		if kind != lineEvent && ts != 0 {
			t.Fatalf("kind %d with ts %d", kind, ts)
		}
		_ = errorCode(b)
		var phase atomic.Int32
		phase.Store(phaseMeasure)
		st := newClientStats(&phase, false)
		st.frame(b)
		st.sseLine(b)
		if st.hist.n != st.events {
			t.Fatalf("%d latencies for %d events", st.hist.n, st.events)
		}
	})
}

func TestErrorCode(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, line, want string }{
		{"code", `{"type":"error","id":1,"code":"unknown_topic","message":"x"}`, "unknown_topic"},
		{"no code", `{"type":"error","message":"x"}`, "unknown"},
		{"odd bytes", `{"type":"error","code":"a b"}`, "unknown"},
		{"unterminated", `{"type":"error","code":"abc`, "unknown"},
		{"empty", `{"type":"error","code":""}`, "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := errorCode([]byte(tt.line)); got != tt.want {
				t.Errorf("errorCode = %q, want %q", got, tt.want)
			}
		})
	}
}

// newTestStats returns stats in the measuring phase with a fixed clock.
func newTestStats(t *testing.T, nowMs int64) *clientStats {
	t.Helper()
	var phase atomic.Int32
	phase.Store(phaseMeasure)
	st := newClientStats(&phase, false)
	st.measureNow = func() int64 { return nowMs * 1000 }
	return st
}

func TestFrameAccounting(t *testing.T) {
	t.Parallel()
	frame := strings.Join([]string{
		`{"type":"welcome","session":"s","seq":1}`,
		`{"type":"ack","id":1,"topics":["quote:@VN30"]}`,
		`{"type":"snapshot","topic":"quote:VNM","seq":1,"ts":900,"data":{}}`,
		`{"type":"event","topic":"quote:VNM","seq":2,"ts":990,"data":{}}`,
		`{"type":"event","topic":"quote:FPT","seq":3,"ts":1000,"data":{}}`,
		`{"type":"error","id":1,"code":"unknown_topic","message":"x"}`,
		`garbage`,
	}, "\n")
	st := newTestStats(t, 1000)
	st.frame([]byte(frame))
	got := []int64{st.events, st.eventsAll, st.snapshots, st.malformed, st.hist.n, st.hist.max}
	if diff := cmp.Diff([]int64{2, 2, 1, 1, 2, 10_000}, got); diff != "" {
		t.Errorf("events, all, snapshots, malformed, latencies, max µs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{"unknown_topic": 1}, st.serverErrs); diff != "" {
		t.Errorf("server errors (-want +got):\n%s", diff)
	}
	st.phase.Store(phaseDone)
	st.frame([]byte(`{"type":"event","topic":"quote:VNM","seq":4,"ts":999,"data":{}}`))
	if st.events != 2 || st.eventsAll != 3 {
		t.Errorf("after the window: events %d, all %d; want 2, 3", st.events, st.eventsAll)
	}
}

func TestReadSSE(t *testing.T) {
	t.Parallel()
	long := `{"type":"event","topic":"quote:VNM","seq":9,"ts":1000,"data":"` + strings.Repeat("x", 3*sseReadBuffer) + `"}`
	stream := "retry: 1000\n\n: hb\n\n" +
		"event: snapshot\ndata: {\"type\":\"snapshot\",\"topic\":\"quote:VNM\",\"seq\":1,\"ts\":1,\"data\":{}}\n\n" +
		"id: 2\nevent: quote\ndata: {\"type\":\"event\",\"topic\":\"quote:VNM\",\"seq\":2,\"ts\":999,\"data\":{}}\n\n" +
		"id: 9\nevent: quote\ndata: " + long + "\n\n" +
		"event: heartbeat\r\ndata:{\"type\":\"heartbeat\",\"seq\":9,\"ts\":1}\r\n\r\n"
	st := newTestStats(t, 1000)
	r := &runner{}
	err := r.readSSE(strings.NewReader(stream), st)
	if !errors.Is(err, errStreamEnded) {
		t.Errorf("readSSE error = %v, want errStreamEnded", err)
	}
	got := []int64{st.events, st.snapshots, st.malformed, st.hist.max}
	if diff := cmp.Diff([]int64{2, 1, 0, 1000}, got); diff != "" {
		t.Errorf("events, snapshots, malformed, max µs (-want +got):\n%s", diff)
	}
}

func TestHistogram(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		values func(record func(int64))
		q      map[float64]int64
		within float64 // relative error allowed
	}{
		{"exact small values", func(rec func(int64)) {
			for v := int64(1); v <= 50; v++ {
				rec(v)
			}
		}, map[float64]int64{0.5: 25, 0.9: 45, 0.99: 50, 1: 50}, 0},
		{"milliseconds", func(rec func(int64)) {
			for v := int64(1); v <= 1000; v++ {
				rec(v * 1000)
			}
		}, map[float64]int64{0.5: 500_000, 0.9: 900_000, 0.99: 990_000, 1: 1_000_000}, 1.0 / histSub},
		{"beyond the range", func(rec func(int64)) {
			rec(1)
			rec(500_000_000)
		}, map[float64]int64{0.5: 1, 1: 500_000_000}, 0},
		{"negative is zero", func(rec func(int64)) { rec(-7) }, map[float64]int64{0.5: 0}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var a, b, all histogram
			i := 0
			tt.values(func(v int64) {
				all.record(v)
				if i++; i%2 == 0 {
					a.record(v)
				} else {
					b.record(v)
				}
			})
			a.merge(&b)
			if diff := cmp.Diff(all, a, cmp.AllowUnexported(histogram{})); diff != "" {
				t.Fatalf("merged halves differ from the whole (-want +got):\n%s", diff)
			}
			for q, want := range tt.q {
				got := a.quantile(q)
				if d := float64(got - want); d > tt.within*float64(want) || -d > tt.within*float64(want) {
					t.Errorf("quantile(%v) = %d, want %d ±%.1f%%", q, got, want, 100*tt.within)
				}
			}
		})
	}
}

func TestHistogramBuckets(t *testing.T) {
	t.Parallel()
	prev := -1
	for v := int64(0); v <= histMaxUs; v += 1 + v/200 {
		i := bucketOf(v)
		low, width := bucketRange(i)
		if i < prev || i >= histBuckets || v < low || v >= low+width {
			t.Fatalf("value %d: bucket %d [%d, %d) after bucket %d", v, i, low, low+width, prev)
		}
		prev = i
	}
	if i := bucketOf(histMaxUs); i != histBuckets-1 {
		t.Errorf("bucketOf(max) = %d, want %d", i, histBuckets-1)
	}
}

func TestParseSources(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     []string
		wantErr  bool
	}{
		{"empty", "", nil, false},
		{"list", "127.0.0.1, 127.0.0.2", []string{"127.0.0.1", "127.0.0.2"}, false},
		{"range", "127.0.0.1-127.0.0.3", []string{"127.0.0.1", "127.0.0.2", "127.0.0.3"}, false},
		{"short range", "10.0.0.254-255,127.0.0.9", []string{"10.0.0.254", "10.0.0.255", "127.0.0.9"}, false},
		{"across octets", "10.0.0.255-10.0.1.0", []string{"10.0.0.255", "10.0.1.0"}, false},
		{"ipv6", "::1-::2", []string{"::1", "::2"}, false},
		{"single range", "127.0.0.5-127.0.0.5", []string{"127.0.0.5"}, false},
		{"backwards", "127.0.0.3-127.0.0.1", nil, true},
		{"mixed", "127.0.0.1-::1", nil, true},
		{"bad address", "127.0.0.256", nil, true},
		{"bad end", "127.0.0.1-x", nil, true},
		{"too many", "10.0.0.0-10.1.0.0", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseSources(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseSources(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			var want []netip.Addr
			for _, s := range tt.want {
				want = append(want, netip.MustParseAddr(s))
			}
			if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
				t.Errorf("parseSources(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func FuzzParseSources(f *testing.F) {
	for _, s := range []string{"127.0.0.1-127.0.0.8", "10.0.0.1-9,::1", "1.2.3.4-", "-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseSources(s)
		if err == nil && len(got) > maxSources {
			t.Fatalf("%d sources", len(got))
		}
	})
}

func TestBenchURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, url, transport string
		want, wantTransport  string
		wantErr              bool
	}{
		{"ws", "ws://127.0.0.1:8080/v1/ws", "", "ws://127.0.0.1:8080/v1/ws", "ws", false},
		{"sse", "http://127.0.0.1:8080/v1/sse", "", "http://127.0.0.1:8080/v1/sse", "sse", false},
		{"ws default path", "ws://h:1", "", "ws://h:1/v1/ws", "ws", false},
		{"sse default path", "https://h:1/", "", "https://h:1/v1/sse", "sse", false},
		{"forced ws", "http://h:1/v1/sse", "ws", "ws://h:1/v1/ws", "ws", false},
		{"forced sse", "wss://h:1/v1/ws", "sse", "https://h:1/v1/sse", "sse", false},
		{"bad transport", "ws://h:1", "grpc", "", "", true},
		{"unknown scheme", "ftp://h:1", "", "", "", true},
		{"relative", "/v1/ws", "", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u, tr, err := benchURL(tt.url, tt.transport)
			if (err != nil) != tt.wantErr {
				t.Fatalf("benchURL error = %v, want error %v", err, tt.wantErr)
			}
			if err == nil && (u.String() != tt.want || tr != tt.wantTransport) {
				t.Errorf("benchURL = %s %s, want %s %s", u, tr, tt.want, tt.wantTransport)
			}
		})
	}
}

func TestSSEURL(t *testing.T) {
	t.Parallel()
	u, _, _ := benchURL("http://h:1/v1/sse", "")
	if got, want := sseURL(u, []string{"quote:VNM", "trade:VNM"}), "http://h:1/v1/sse?topics=quote%3AVNM%2Ctrade%3AVNM"; got != want {
		t.Errorf("sseURL = %s, want %s", got, want)
	}
	u, _, _ = benchURL("http://h:1/v1/sse?topics=index:VN30", "")
	if got, want := sseURL(u, []string{"quote:VNM"}), "http://h:1/v1/sse?topics=index:VN30"; got != want {
		t.Errorf("sseURL = %s, want %s", got, want)
	}
}

func TestParseBenchConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		wantErr bool
	}{
		{"defaults", nil, false},
		{"all flags", []string{"--url", "http://127.0.0.1:1", "--clients", "5", "--topics", "quote:VNM,trade:VNM",
			"--duration", "1s", "--warmup", "0s", "--ramp", "0", "--sources", "127.0.0.1-2", "--json", "--idle",
			"--server-pid", "1", "--api-key", "k"}, false},
		{"zero clients", []string{"--clients", "0"}, true},
		{"no topics", []string{"--topics", ","}, true},
		{"bad sources", []string{"--sources", "x"}, true},
		{"extra args", []string{"now"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := parseBenchConfig(tt.args, io.Discard)
			if (err != nil) != tt.wantErr {
				t.Errorf("parseBenchConfig(%q) error = %v, want error %v", tt.args, err, tt.wantErr)
			}
		})
	}
}

func TestErrorKind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"close code", fmt.Errorf("read: %w", websocket.CloseError{Code: 4008, Reason: "slow consumer"}), "closed with code 4008"},
		{"http status", &httpStatusError{code: 401}, "handshake: http 401 Unauthorized"},
		{"eof", fmt.Errorf("failed to read frame header: %w", io.EOF), "connection closed by server (EOF)"},
		{"errno", fmt.Errorf("dial tcp 127.0.0.1:1: %w", syscall.ECONNREFUSED), "connection refused"},
		{"stream ended", errStreamEnded, "stream ended by server"},
		{"other", errors.New("failed: something odd"), "something odd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := errorKind(tt.err); got != tt.want {
				t.Errorf("errorKind = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseVmRSS(t *testing.T) {
	t.Parallel()
	got, err := parseVmRSS([]byte("Name:\tvnstock-api\nVmPeak:\t  999 kB\nVmRSS:\t  123456 kB\nThreads:\t9\n"))
	if err != nil || got != 123456<<10 {
		t.Errorf("parseVmRSS = %d, %v; want %d", got, err, 123456<<10)
	}
	if _, err := parseVmRSS([]byte("Name:\tx\n")); err == nil {
		t.Error("parseVmRSS without VmRSS: no error")
	}
}

func BenchmarkFrame(b *testing.B) {
	line := `{"type":"event","topic":"quote:VNM","seq":18234,"ts":1732761000123,"data":{"symbol":"VNM","price":61300,` +
		`"ref":61000,"ceiling":65200,"floor":56800,"volume":1234500,"bid":[{"price":61200,"volume":1000}]}}`
	frame := []byte(strings.TrimSuffix(strings.Repeat(line+"\n", 20), "\n"))
	var phase atomic.Int32
	phase.Store(phaseMeasure)
	st := newClientStats(&phase, false)
	b.ReportAllocs()
	b.SetBytes(int64(len(frame)))
	for b.Loop() {
		st.frame(frame)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(st.events), "ns/event")
}

func TestBenchDialerSources(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	sources, err := parseSources("127.0.0.2-127.0.0.3")
	if err != nil {
		t.Fatal(err)
	}
	d := &benchDialer{sources: sources, timeout: 5 * time.Second}
	var got []string
	var n atomic.Int64
	ctx := context.WithValue(context.Background(), bytesKey{}, &n)
	for range 3 {
		c, err := d.DialContext(ctx, "tcp", ln.Addr().String())
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		s, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, s.RemoteAddr().(*net.TCPAddr).IP.String())
		_, _ = s.Write([]byte("hello"))
		s.Close()
		_, _ = io.ReadAll(c)
		c.Close()
	}
	if diff := cmp.Diff([]string{"127.0.0.2", "127.0.0.3", "127.0.0.2"}, got); diff != "" {
		t.Errorf("source addresses (-want +got):\n%s", diff)
	}
	if n.Load() != 15 {
		t.Errorf("counted %d bytes, want 15", n.Load())
	}
}
