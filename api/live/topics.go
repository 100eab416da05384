package live

import (
	"bytes"
	"errors"

	"github.com/vnstock-api/vnstock-api/hub"
	"github.com/vnstock-api/vnstock-api/market"
)

// Topics gives the hub its knowledge of market topics: which exist, what a
// group stands for, and how each kind queues.
type Topics struct {
	Dir *market.Directory
	// NoWildcards refuses `quote:*` and friends (an operator's choice).
	NoWildcards bool
}

// Expand implements hub.Config.Expand: it validates a topic against the
// protocol's grammar and the directory and expands groups and wildcards.
func (tp Topics) Expand(s string) ([]string, error) {
	t, err := market.ParseTopic(s)
	if err != nil {
		return nil, &hub.TopicError{Code: "invalid_topic", Message: err.Error()}
	}
	switch t.Kind {
	case market.KindStatus, market.KindSession:
		return []string{t.String()}, nil
	}
	var syms []market.Symbol
	switch {
	case t.All:
		if tp.NoWildcards {
			return nil, &hub.TopicError{Code: "forbidden_topic", Message: s + ": wildcards are disabled on this server"}
		}
		syms = tp.Dir.Symbols()
		if t.Kind == market.KindIndex {
			syms = tp.Dir.Indices()
		}
	case t.Group != "":
		members, ok := tp.Dir.Members(t.Group)
		if !ok {
			return nil, &hub.TopicError{Code: "unknown_topic", Message: s + ": unknown group " + t.Group}
		}
		syms = members
	default:
		if err := tp.known(t); err != nil {
			return nil, &hub.TopicError{Code: "unknown_topic", Message: s + ": " + err.Error()}
		}
		return []string{t.String()}, nil
	}
	out := make([]string, len(syms))
	for i, sym := range syms {
		out[i] = t.WithSymbol(sym).String()
	}
	return out, nil
}

func (tp Topics) known(t market.Topic) error {
	if t.Kind == market.KindIndex {
		if !tp.Dir.HasIndex(t.Symbol) {
			return errors.New("unknown index " + string(t.Symbol))
		}
		return nil
	}
	if _, ok := tp.Dir.Exchange(t.Symbol); !ok {
		return errors.New("unknown symbol " + string(t.Symbol))
	}
	return nil
}

// Classify implements hub.Config.Classify: trades are a stream; quotes,
// indices, sessions and status conflate per topic; bars conflate per bar
// time, so a closed bar is never replaced by the next one's first update.
func (tp Topics) Classify(topic string, data []byte) (string, bool) {
	switch hub.TopicKind(topic) {
	case string(market.KindTrade):
		return topic, false
	case string(market.KindBar):
		if t := barTime(data); t != nil {
			return topic + "|" + string(t), true
		}
	}
	return topic, true
}

// barTime returns the value of the leading "time" field of a bar payload.
func barTime(data []byte) []byte {
	const prefix = `{"time":"`
	if !bytes.HasPrefix(data, []byte(prefix)) {
		return nil
	}
	rest := data[len(prefix):]
	if i := bytes.IndexByte(rest, '"'); i > 0 {
		return rest[:i]
	}
	return nil
}
