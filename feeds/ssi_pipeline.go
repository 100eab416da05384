package feeds

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// SSIStats counts what an iBoard feed (live or replayed) has handled.
type SSIStats struct {
	Frames        int64 // text frames received
	Records       int64 // data lines parsed successfully
	Quotes        int64 // quote events published
	Unchanged     int64 // snapshots identical to the previous one but for time, not published
	Trades        int64 // derived trade events published
	Indices       int64 // index events published
	Malformed     int64 // data lines or control frames that failed to parse
	Unsupported   int64 // well-formed records not mapped yet (futures)
	Control       int64 // acks and control JSON frames
	PublishErrors int64 // events the publisher refused
	Connects      int64 // successful connections (live feed only)
}

// ssiCounters is SSIStats with atomic fields, readable while a feed runs.
type ssiCounters struct {
	frames, records, quotes, unchanged, trades, indices atomic.Int64
	malformed, unsupported, control, publishErrors      atomic.Int64
	connects                                            atomic.Int64
}

func (c *ssiCounters) snapshot() SSIStats {
	return SSIStats{
		Frames: c.frames.Load(), Records: c.records.Load(), Quotes: c.quotes.Load(),
		Unchanged: c.unchanged.Load(), Trades: c.trades.Load(), Indices: c.indices.Load(),
		Malformed: c.malformed.Load(), Unsupported: c.unsupported.Load(), Control: c.control.Load(),
		PublishErrors: c.publishErrors.Load(), Connects: c.connects.Load(),
	}
}

// maxSSITopicCache bounds the per-symbol topic string cache, so a server
// that sends unbounded symbols cannot grow it without limit.
const maxSSITopicCache = 8192

type ssiTopics struct{ quote, trade string }

// ssiPipeline turns iBoard frames into published events: parse, derive
// trades, drop time-only snapshots, encode once, publish. The live client and
// the replay share it. One goroutine owns a pipeline; only its counters may
// be read concurrently.
type ssiPipeline struct {
	source  string // name in status events and logs ("ssi", "replay")
	log     *slog.Logger
	now     func() time.Time
	stats   *ssiCounters
	trades  *SSITrades
	topics  map[market.Symbol]ssiTopics
	skipped map[market.Symbol]bool // unsupported symbols already logged
	hints   [3]int                 // payload capacity per kind (hintQuote...)
}

// Payload kinds for the capacity hints.
const (
	hintQuote = iota
	hintTrade
	hintOther
)

func newSSIPipeline(source string, log *slog.Logger, now func() time.Time, stats *ssiCounters) *ssiPipeline {
	return &ssiPipeline{
		source: source, log: log, now: now, stats: stats,
		trades:  NewSSITrades(),
		topics:  make(map[market.Symbol]ssiTopics),
		skipped: make(map[market.Symbol]bool),
		hints:   [3]int{1024, 256, 512},
	}
}

// handleFrame handles one text frame, which may hold several '\n'-separated
// lines. It never fails: bad lines are counted, logged and skipped.
func (p *ssiPipeline) handleFrame(ctx context.Context, pub Publisher, frame []byte) {
	p.stats.frames.Add(1)
	for len(frame) > 0 {
		line := frame
		if i := bytes.IndexByte(frame, '\n'); i >= 0 {
			line, frame = frame[:i], frame[i+1:]
		} else {
			frame = nil
		}
		line = bytes.TrimSpace(line)
		switch {
		case len(line) == 0:
		case line[0] == '{':
			p.handleControl(line)
		case bytes.IndexByte(line, '|') >= 0:
			p.handleRecord(ctx, pub, line)
		default: // "Subscribed <topic>"
			p.stats.control.Add(1)
			p.log.Debug("ssi ack", "source", p.source, "text", string(line))
		}
	}
}

// handleControl logs a control JSON frame: an `error` key is a warning.
func (p *ssiPipeline) handleControl(line []byte) {
	var msg map[string]json.RawMessage
	if err := json.Unmarshal(line, &msg); err != nil {
		p.stats.malformed.Add(1)
		p.log.Warn("ssi malformed control frame", "source", p.source, "err", err)
		return
	}
	p.stats.control.Add(1)
	if e, ok := msg["error"]; ok {
		p.log.Warn("ssi error frame", "source", p.source, "err", string(e))
		return
	}
	p.log.Debug("ssi control frame", "source", p.source, "result", string(msg["result"]))
}

// handleRecord parses one data line and publishes what it implies.
func (p *ssiPipeline) handleRecord(ctx context.Context, pub Publisher, line []byte) {
	r, err := ParseSSIRecord(line)
	if err != nil {
		var ue *SSIUnsupportedError
		if errors.As(err, &ue) {
			p.stats.unsupported.Add(1)
			if !p.skipped[ue.Symbol] && len(p.skipped) < maxSSITopicCache {
				p.skipped[ue.Symbol] = true
				p.log.Info("ssi record skipped", "source", p.source, "symbol", ue.Symbol, "err", err)
			}
			return
		}
		p.stats.malformed.Add(1)
		p.log.Warn("ssi malformed record", "source", p.source, "err", err)
		return
	}
	p.stats.records.Add(1)
	if r.Kind == SSIKindIndex {
		p.publish(ctx, pub, "index:"+string(r.Index.Code), r.Index.AppendJSON(p.buf(hintOther)), hintOther)
		p.stats.indices.Add(1)
		return
	}
	q := &r.Quote
	tr, traded, changed := p.trades.Observe(q)
	if !changed {
		p.stats.unchanged.Add(1)
		return
	}
	t := p.topicsFor(q.Symbol)
	p.publish(ctx, pub, t.quote, q.AppendJSON(p.buf(hintQuote)), hintQuote)
	p.stats.quotes.Add(1)
	if traded {
		p.publish(ctx, pub, t.trade, tr.AppendJSON(p.buf(hintTrade)), hintTrade)
		p.stats.trades.Add(1)
	}
}

// buf returns a fresh payload buffer: publishers keep payloads, so they are
// never reused. Its capacity is the largest payload of the kind so far.
func (p *ssiPipeline) buf(kind int) []byte { return make([]byte, 0, p.hints[kind]) }

func (p *ssiPipeline) topicsFor(sym market.Symbol) ssiTopics {
	if t, ok := p.topics[sym]; ok {
		return t
	}
	t := ssiTopics{quote: "quote:" + string(sym), trade: "trade:" + string(sym)}
	if len(p.topics) < maxSSITopicCache {
		p.topics[sym] = t
	}
	return t
}

func (p *ssiPipeline) publish(ctx context.Context, pub Publisher, topic string, payload []byte, kind int) {
	if len(payload) > p.hints[kind] {
		p.hints[kind] = len(payload)
	}
	if err := pub.Publish(ctx, topic, payload, p.now().UnixMilli()); err != nil {
		p.stats.publishErrors.Add(1)
		p.log.Debug("publish refused", "source", p.source, "topic", topic, "err", err)
	}
}

// publishStatus publishes the `status` topic for this source.
func (p *ssiPipeline) publishStatus(ctx context.Context, pub Publisher, state market.Health, msg string) {
	now := p.now()
	st := market.FeedStatus{Time: now, Sources: []market.SourceStatus{{
		Source: p.source, State: state, LastUpdate: now, Stale: state != market.HealthOK, Message: msg,
	}}}
	b, err := json.Marshal(st)
	if err != nil { // cannot happen: the status holds only strings, bools and times
		p.log.Error("encode status", "source", p.source, "err", err)
		return
	}
	p.publish(ctx, pub, "status", b, hintOther)
}
