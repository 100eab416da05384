package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/coder/websocket"
)

// benchReport is the bench result, printed as a table or as JSON.
type benchReport struct {
	Transport      string         `json:"transport"`
	URL            string         `json:"url"`
	Topics         []string       `json:"topics"`
	Idle           bool           `json:"idle"`
	Clients        int            `json:"clients"`
	Connected      int            `json:"connected"`
	Failed         int            `json:"failed"`
	Dropped        int            `json:"dropped"` // connected, then ended before the run did
	OpenAtEnd      int            `json:"open_at_end"`
	ConnectSeconds float64        `json:"connect_seconds"`
	HandshakeMs    latencyMs      `json:"handshake_ms"`
	WarmupSeconds  float64        `json:"warmup_seconds"`
	WindowSeconds  float64        `json:"window_seconds"`
	Events         int64          `json:"events"`
	EventsPerSec   float64        `json:"events_per_sec"`
	EventsTotal    int64          `json:"events_total"` // warmup included
	Snapshots      int64          `json:"snapshots"`
	LatencyMs      latencyMs      `json:"latency_ms"`
	BytesPerSec    float64        `json:"bytes_per_sec"`
	BytesPerEvent  float64        `json:"bytes_per_event"`
	Errors         map[string]int `json:"errors"`
	ServerRSS      int64          `json:"server_rss_bytes,omitempty"`
	ServerRSSConn  float64        `json:"server_rss_per_conn_bytes,omitempty"`
	// CPU over the window, in cores: the server's (with --server-pid) and
	// the load tool's own, which shares the machine; and the server's CPU
	// per delivered event.
	ServerCPU      float64      `json:"server_cpu_cores,omitempty"`
	ServerCPUEvent float64      `json:"server_cpu_us_per_event,omitempty"`
	ClientCPU      float64      `json:"client_cpu_cores,omitempty"`
	Interrupted    bool         `json:"interrupted,omitempty"`
	Reconnect      *stormReport `json:"reconnect,omitempty"`
}

// latencyMs summarises a histogram in milliseconds.
type latencyMs struct {
	Count int64   `json:"count"`
	Mean  float64 `json:"mean"`
	P50   float64 `json:"p50"`
	P90   float64 `json:"p90"`
	P99   float64 `json:"p99"`
	Max   float64 `json:"max"`
}

func summarize(h *histogram) latencyMs {
	ms := func(us int64) float64 { return float64(us) / 1000 }
	return latencyMs{
		Count: h.n, Mean: h.mean() / 1000,
		P50: ms(h.quantile(0.50)), P90: ms(h.quantile(0.90)), P99: ms(h.quantile(0.99)), Max: ms(h.max),
	}
}

// report merges the clients' stats; every client goroutine has exited.
func (r *runner) report(stats []*clientStats, m measurement) *benchReport {
	rep := &benchReport{
		Transport: r.cfg.transport, URL: r.urlList(), Topics: r.cfg.topics, Idle: r.cfg.idle,
		Clients: r.cfg.clients, OpenAtEnd: m.open, ConnectSeconds: m.connect.Seconds(),
		WarmupSeconds: m.warmup.Seconds(), WindowSeconds: m.window.Seconds(),
		Errors: map[string]int{}, Interrupted: m.interrupted,
	}
	var lat, hs histogram
	for _, st := range stats {
		if st.connected {
			rep.Connected++
			hs.record(st.dialTime.Microseconds())
		}
		if st.err != nil {
			rep.Errors[errorKind(st.err)]++
			if st.connected {
				rep.Dropped++
			} else {
				rep.Failed++
			}
		}
		rep.Events += st.events
		rep.EventsTotal += st.eventsAll
		rep.Snapshots += st.snapshots
		lat.merge(st.own)
		if st.malformed > 0 {
			rep.Errors["malformed message"] += int(st.malformed)
		}
		for code, n := range st.serverErrs {
			rep.Errors["server error: "+code] += n
		}
	}
	lat.merge(r.polls.latencies())
	rep.Failed += r.cfg.clients - len(stats) // never started: interrupted while connecting
	rep.HandshakeMs, rep.LatencyMs = summarize(&hs), summarize(&lat)
	if w := m.window.Seconds(); w > 0 {
		rep.EventsPerSec = float64(rep.Events) / w
		rep.BytesPerSec = float64(m.bytes1-m.bytes0) / w
	}
	if rep.Events > 0 {
		rep.BytesPerEvent = float64(m.bytes1-m.bytes0) / float64(rep.Events)
	}
	if m.rssErr != nil {
		rep.Errors["server rss: "+m.rssErr.Error()]++
	} else if m.rss > 0 {
		rep.ServerRSS = m.rss
		rep.ServerRSSConn = float64(m.rss) / float64(max(1, m.open))
	}
	if m.cpuErr != nil {
		rep.Errors["server cpu: "+m.cpuErr.Error()]++
	}
	rep.ServerCPU, rep.ClientCPU = m.cpu.server, m.cpu.self
	if rep.Events > 0 && m.cpu.server > 0 {
		rep.ServerCPUEvent = m.cpu.server * m.window.Seconds() * 1e6 / float64(rep.Events)
	}
	rep.Reconnect = r.stormReport(stats, m)
	return rep
}

// errorKind names an error without the details (addresses, ports) that
// would make every client's error distinct.
func errorKind(err error) string {
	var hs *httpStatusError
	var op *net.OpError
	var errno syscall.Errno
	switch code := websocket.CloseStatus(err); {
	case code != -1:
		return "closed with code " + strconv.Itoa(int(code))
	case errors.As(err, &hs):
		return "handshake: " + hs.Error()
	case errors.Is(err, errStreamEnded):
		return err.Error()
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed by server (EOF)"
	case errors.As(err, &errno):
		return errno.Error()
	case errors.As(err, &op):
		return op.Op + ": " + op.Err.Error()
	}
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	return s
}

// readProc reads /proc/PID/name.
func readProc(pid int, name string) ([]byte, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/" + name)
	if err != nil {
		return nil, fmt.Errorf("read %s of pid %d: %w", name, pid, err)
	}
	return b, nil
}

// readRSS returns the VmRSS of process pid in bytes (0, nil when pid is 0).
func readRSS(pid int) (int64, error) {
	if pid <= 0 {
		return 0, nil
	}
	b, err := readProc(pid, "status")
	if err != nil {
		return 0, err
	}
	return parseVmRSS(b)
}

// parseVmRSS finds the "VmRSS:  123 kB" line of /proc/PID/status.
func parseVmRSS(status []byte) (int64, error) {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		rest, ok := bytes.CutPrefix(sc.Bytes(), []byte("VmRSS:"))
		if !ok {
			continue
		}
		f := strings.Fields(string(rest))
		if len(f) != 2 || f[1] != "kB" {
			break
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil || kb < 0 {
			break
		}
		return kb << 10, nil
	}
	return 0, errors.New("no VmRSS line in /proc status")
}

// sortedKeys lists the kinds of counts, most frequent first.
func sortedKeys(counts map[string]int) []string {
	keys := slices.Collect(maps.Keys(counts))
	slices.SortFunc(keys, func(a, b string) int {
		if d := counts[b] - counts[a]; d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	return keys
}

// writeText prints the report as an aligned table.
func (rep *benchReport) writeText(w io.Writer) error {
	var b strings.Builder
	row := func(name, format string, args ...any) {
		fmt.Fprintf(&b, "%-14s %s\n", name, fmt.Sprintf(format, args...))
	}
	row("target", "%s %s topics=%s", rep.Transport, rep.URL, strings.Join(rep.Topics, ","))
	row("clients", "%d connected, %d failed, %d dropped, %d open at end (of %d)",
		rep.Connected, rep.Failed, rep.Dropped, rep.OpenAtEnd, rep.Clients)
	row("connect", "%.2fs; handshake ms p50 %.1f p99 %.1f max %.1f",
		rep.ConnectSeconds, rep.HandshakeMs.P50, rep.HandshakeMs.P99, rep.HandshakeMs.Max)
	if rep.Reconnect != nil {
		rep.Reconnect.writeText(row)
	}
	if !rep.Idle && (rep.Reconnect == nil || rep.Reconnect.Target == 0) {
		row("window", "%.2fs measured after %.2fs warmup", rep.WindowSeconds, rep.WarmupSeconds)
		row("events", "%d delivered, %.0f/s (%d with warmup; %d snapshots)",
			rep.Events, rep.EventsPerSec, rep.EventsTotal, rep.Snapshots)
		l := rep.LatencyMs
		row("latency ms", "p50 %.1f  p90 %.1f  p99 %.1f  max %.1f  mean %.2f (publish ts → receive, ts has 1 ms resolution)",
			l.P50, l.P90, l.P99, l.Max, l.Mean)
		row("bytes", "%.1f MB/s received, %.0f B/event", rep.BytesPerSec/1e6, rep.BytesPerEvent)
	}
	if rep.ServerCPU > 0 {
		row("cpu", "server %.2f cores (%.2f µs/event), load tool %.2f cores", rep.ServerCPU, rep.ServerCPUEvent, rep.ClientCPU)
	} else if rep.ClientCPU > 0 {
		row("cpu", "load tool %.2f cores", rep.ClientCPU)
	}
	if rep.ServerRSS > 0 {
		row("server rss", "%.1f MiB, %.1f KiB per open connection",
			float64(rep.ServerRSS)/(1<<20), rep.ServerRSSConn/(1<<10))
	}
	if len(rep.Errors) == 0 {
		row("errors", "none")
	}
	for _, k := range sortedKeys(rep.Errors) {
		row("errors", "%s: %d", k, rep.Errors[k])
	}
	if rep.Interrupted {
		row("note", "interrupted: the numbers cover the part of the run that happened")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
