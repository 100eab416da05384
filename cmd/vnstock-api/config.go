package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"
)

// Config is the server's whole configuration, filled once from flags with
// environment fallbacks and validated before anything starts.
type Config struct {
	Addr            string
	Feeds           []string
	SimRate         float64
	SimSeed         int64
	SimClock        string
	ReplayFile      string
	ReplaySpeed     float64
	Heartbeat       time.Duration
	FlushInterval   time.Duration
	ShutdownTimeout time.Duration
	QueueBytes      int
	SocketBuffer    int
	MaxTopics       int
	NoWildcards     bool
	LogFormat       string
	LogLevel        slog.Level
	queryConfig
	redisConfig
}

// parseConfig reads flags (which win) and VNSTOCK_* variables.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	env := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", env("VNSTOCK_ADDR", "127.0.0.1:8080"), "listen address (VNSTOCK_ADDR)")
	feeds := fs.String("feeds", env("VNSTOCK_FEEDS", "ssi,kbs"), "comma list of live feeds: sim, replay, ssi, kbs, vci; ssi,kbs,vci fail over in the order given (VNSTOCK_FEEDS)")
	simRate := fs.String("sim-rate", env("VNSTOCK_SIM_RATE", "200"), "sim: VN30 quote updates per second (VNSTOCK_SIM_RATE)")
	simSeed := fs.String("sim-seed", env("VNSTOCK_SIM_SEED", "1"), "sim: random seed (VNSTOCK_SIM_SEED)")
	simClock := fs.String("sim-clock", env("VNSTOCK_SIM_CLOCK", "always"), "sim: always (trade around the clock) or real (exchange hours) (VNSTOCK_SIM_CLOCK)")
	replayFile := fs.String("replay-file", env("VNSTOCK_REPLAY_FILE", ""), "replay: JSON-lines recording to play (VNSTOCK_REPLAY_FILE)")
	replaySpeed := fs.String("replay-speed", env("VNSTOCK_REPLAY_SPEED", "1"), "replay: speed factor, 0 = as fast as possible (VNSTOCK_REPLAY_SPEED)")
	heartbeat := fs.String("heartbeat", env("VNSTOCK_HEARTBEAT", "15s"), "stream heartbeat interval (VNSTOCK_HEARTBEAT)")
	flush := fs.String("flush-interval", env("VNSTOCK_FLUSH_INTERVAL", "20ms"), "least time between frames to one client under load; batches bursts (VNSTOCK_FLUSH_INTERVAL)")
	shutdown := fs.String("shutdown-timeout", env("VNSTOCK_SHUTDOWN_TIMEOUT", "10s"), "graceful shutdown deadline (VNSTOCK_SHUTDOWN_TIMEOUT)")
	queue := fs.String("queue-bytes", env("VNSTOCK_QUEUE_BYTES", "1048576"), "per-connection queue bound for stream topics (VNSTOCK_QUEUE_BYTES)")
	sockBuf := fs.String("socket-write-buffer", env("VNSTOCK_SOCKET_WRITE_BUFFER", "131072"), "kernel send buffer per connection; small keeps slow clients' data in the hub, where it conflates (VNSTOCK_SOCKET_WRITE_BUFFER)")
	topics := fs.String("max-topics", env("VNSTOCK_MAX_TOPICS", "1024"), "topics per connection (VNSTOCK_MAX_TOPICS)")
	noWild := fs.Bool("no-wildcards", env("VNSTOCK_NO_WILDCARDS", "") == "1", "refuse quote:* style topics (VNSTOCK_NO_WILDCARDS=1)")
	logFormat := fs.String("log-format", env("VNSTOCK_LOG_FORMAT", "auto"), "auto (text on a terminal, else JSON), text or json (VNSTOCK_LOG_FORMAT)")
	logLevel := fs.String("log-level", env("VNSTOCK_LOG_LEVEL", "info"), "debug, info, warn, error (VNSTOCK_LOG_LEVEL)")
	finishQuery := queryFlags(fs, env)
	finishRedis := redisFlags(fs, env)
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	p := &parser{}
	c := Config{
		Addr:            *addr,
		Feeds:           splitList(*feeds),
		SimRate:         p.float("sim-rate", *simRate),
		SimSeed:         p.int64("sim-seed", *simSeed),
		SimClock:        *simClock,
		ReplayFile:      *replayFile,
		ReplaySpeed:     p.float("replay-speed", *replaySpeed),
		Heartbeat:       p.duration("heartbeat", *heartbeat),
		FlushInterval:   p.duration("flush-interval", *flush),
		ShutdownTimeout: p.duration("shutdown-timeout", *shutdown),
		QueueBytes:      int(p.int64("queue-bytes", *queue)),
		SocketBuffer:    int(p.int64("socket-write-buffer", *sockBuf)),
		MaxTopics:       int(p.int64("max-topics", *topics)),
		NoWildcards:     *noWild,
		LogFormat:       *logFormat,
		queryConfig:     finishQuery(p),
		redisConfig:     finishRedis(p),
	}
	if p.err != nil {
		return Config{}, p.err
	}
	if err := c.LogLevel.UnmarshalText([]byte(*logLevel)); err != nil {
		return Config{}, fmt.Errorf("log-level: %q is not one of debug, info, warn, error", *logLevel)
	}
	return c, c.validate()
}

func (c Config) validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("addr: %q is not host:port: %v", c.Addr, err)
	}
	for _, f := range c.Feeds {
		switch f {
		case "sim", "ssi", "kbs", "vci":
		case "replay":
			if c.ReplayFile == "" {
				return fmt.Errorf("feeds: replay needs --replay-file (VNSTOCK_REPLAY_FILE)")
			}
		default:
			return fmt.Errorf("feeds: %q is not a live feed this build has (sim, replay, ssi, kbs, vci)", f)
		}
	}
	checks := []struct {
		ok  bool
		msg string
	}{
		{c.SimRate > 0 && c.SimRate <= 1e6, "sim-rate: must be in (0, 1000000]"},
		{c.SimClock == "always" || c.SimClock == "real", "sim-clock: must be always or real"},
		{c.ReplaySpeed >= 0, "replay-speed: must be ≥ 0"},
		{c.Heartbeat >= 100*time.Millisecond, "heartbeat: must be at least 100ms"},
		{c.FlushInterval >= 0 && c.FlushInterval <= time.Second, "flush-interval: must be in [0, 1s]"},
		{c.ShutdownTimeout > 0, "shutdown-timeout: must be positive"},
		{c.QueueBytes >= 4096, "queue-bytes: must be at least 4096"},
		{c.SocketBuffer == 0 || c.SocketBuffer >= 4096, "socket-write-buffer: must be 0 (kernel default) or at least 4096"},
		{c.MaxTopics >= 1 && c.MaxTopics <= 100_000, "max-topics: must be in [1, 100000]"},
		{c.LogFormat == "auto" || c.LogFormat == "text" || c.LogFormat == "json", "log-format: must be auto, text or json"},
	}
	for _, ch := range checks {
		if !ch.ok {
			return fmt.Errorf("%s", ch.msg)
		}
	}
	if err := c.redisConfig.validate(); err != nil {
		return err
	}
	return c.queryConfig.validate()
}

// parser converts flag strings, keeping the first error with its flag name.
type parser struct{ err error }

func (p *parser) fail(name, v, want string) {
	if p.err == nil {
		p.err = fmt.Errorf("%s: %q is not %s", name, v, want)
	}
}

func (p *parser) float(name, v string) float64 {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil {
		p.fail(name, v, "a number")
	}
	return f
}

func (p *parser) int64(name, v string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		p.fail(name, v, "an integer")
	}
	return n
}

func (p *parser) duration(name, v string) time.Duration {
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil {
		p.fail(name, v, "a duration such as 15s")
	}
	return d
}

func splitList(s string) []string {
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
