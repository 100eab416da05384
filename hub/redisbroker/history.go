package redisbroker

import (
	"context"
	"errors"
	"strconv"

	"github.com/vnstock-api/vnstock-api/hub"
)

// scanChunk is the entries one XRANGE reads.
const scanChunk = 1000

// History implements hub.Broker from the shared stream, so a client can
// resume on any instance. ok requires every seq since+1..upto to be in the
// stream: a trimmed start, or seqs numbered locally while Redis was away,
// make it false. Without Redis it is false.
func (b *Broker) History(ctx context.Context, since, upto uint64, match func(string) bool) ([]*hub.Event, bool, error) {
	if since >= upto {
		return nil, true, nil
	}
	var out []*hub.Event
	next := since + 1
	var bad error
	err := b.scan(ctx, since, upto, func(seq uint64, topic, msg string) {
		if seq != next || bad != nil {
			bad = errGap
			return
		}
		next++
		if match != nil && !match(topic) {
			return
		}
		ev, err := parseMessage(topic, msg)
		if err != nil {
			bad = err
			return
		}
		out = append(out, ev)
	})
	if err != nil {
		return nil, false, nil // degraded: the caller sends snapshots instead
	}
	if bad != nil || next != upto+1 {
		return nil, false, nil
	}
	return out, true, nil
}

// errGap marks a history read that found a missing seq.
var errGap = errors.New("history has a gap")

// scan calls fn for each history entry with from < seq ≤ to, in order.
func (b *Broker) scan(ctx context.Context, from, to uint64, fn func(seq uint64, topic, msg string)) error {
	start := "(" + encodeSeq(from) + "-0"
	end := encodeSeq(to) + "-0"
	for {
		entries, err := b.rdb.XRangeN(ctx, b.k.hist, start, end, scanChunk).Result()
		if err != nil {
			return err
		}
		for _, e := range entries {
			seq, err := parseStreamID(e.ID)
			if err != nil {
				continue
			}
			topic, _ := e.Values["t"].(string)
			msg, _ := e.Values["m"].(string)
			fn(seq, topic, msg)
		}
		if len(entries) < scanChunk {
			return nil
		}
		start = "(" + entries[len(entries)-1].ID
	}
}

// LastValues implements hub.Broker from the shared hash, so an instance
// can serve a snapshot of a topic it has never seen published. Without
// Redis it answers what this instance published locally.
func (b *Broker) LastValues(ctx context.Context, topics []string) ([]*hub.Event, error) {
	if len(topics) == 0 {
		return nil, nil
	}
	vals, err := b.rdb.HMGet(ctx, b.k.last, topics...).Result()
	if err != nil {
		return b.localValues(topics), nil
	}
	var out []*hub.Event
	for i, v := range vals {
		msg, ok := v.(string)
		if !ok {
			continue
		}
		ev, err := parseMessage(topics[i], msg)
		if err != nil {
			b.log.Warn("malformed last value", "topic", topics[i], "err", err)
			continue
		}
		out = append(out, ev)
	}
	return out, nil
}

func (b *Broker) localValues(topics []string) []*hub.Event {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []*hub.Event
	for _, t := range topics {
		if ev, ok := b.local[t]; ok {
			out = append(out, ev)
		}
	}
	return out
}

func encodeSeq(seq uint64) string { return strconv.FormatUint(seq, 10) }
