package market

import "strings"

// TopicKind is the part of a live topic before the first colon.
type TopicKind string

// The topic kinds of the live protocol.
const (
	KindQuote   TopicKind = "quote"
	KindTrade   TopicKind = "trade"
	KindIndex   TopicKind = "index"
	KindBar     TopicKind = "bar"
	KindSession TopicKind = "session"
	KindStatus  TopicKind = "status"
)

// Conflated reports whether a kind is state (latest value wins) rather than a
// stream of events that must all be delivered.
func (k TopicKind) Conflated() bool { return k != KindTrade }

// MaxTopicLen bounds a topic string.
const MaxTopicLen = 64

// Topic is a parsed live topic: `quote:VNM`, `quote:@VN30`, `quote:*`,
// `trade:VNM`, `index:VNINDEX`, `bar:VNM:1m`, `session:HOSE`, `status`.
type Topic struct {
	Kind     TopicKind
	Symbol   Symbol   // quote, trade, index, bar: the symbol or index code
	Group    string   // set instead of Symbol for `@GROUP` (upper case, no @)
	All      bool     // `*`: every symbol of the kind
	Interval Interval // bar only
	Exchange Exchange // session only
}

// String renders the canonical form of t.
func (t Topic) String() string {
	var b strings.Builder
	b.WriteString(string(t.Kind))
	switch t.Kind {
	case KindStatus:
		return b.String()
	case KindSession:
		b.WriteByte(':')
		b.WriteString(string(t.Exchange))
		return b.String()
	}
	b.WriteByte(':')
	switch {
	case t.All:
		b.WriteByte('*')
	case t.Group != "":
		b.WriteByte('@')
		b.WriteString(t.Group)
	default:
		b.WriteString(string(t.Symbol))
	}
	if t.Kind == KindBar {
		b.WriteByte(':')
		b.WriteString(string(t.Interval))
	}
	return b.String()
}

// IsPattern reports whether t names a group or wildcard rather than one topic.
func (t Topic) IsPattern() bool { return t.All || t.Group != "" }

// WithSymbol returns the single-symbol topic of the same kind and interval.
func (t Topic) WithSymbol(s Symbol) Topic {
	t.Symbol, t.Group, t.All = s, "", false
	return t
}

// ParseTopic parses and validates a topic string. The symbol, group and
// exchange parts are case-insensitive and come back upper case; the kind and
// the bar interval are exact. It does not know which symbols exist: a
// Directory answers that.
func ParseTopic(s string) (Topic, error) {
	if len(s) == 0 {
		return Topic{}, Invalid("topic", "must not be empty")
	}
	if len(s) > MaxTopicLen {
		return Topic{}, Invalid("topic", "%.24q... is longer than %d bytes", s, MaxTopicLen)
	}
	kind, rest, hasArg := strings.Cut(s, ":")
	t := Topic{Kind: TopicKind(kind)}
	switch t.Kind {
	case KindStatus:
		if hasArg {
			return Topic{}, Invalid("topic", "%q: status takes no argument", s)
		}
		return t, nil
	case KindSession:
		ex, err := ParseExchange(rest)
		if err != nil || !hasArg || strings.TrimSpace(rest) != rest {
			return Topic{}, Invalid("topic", "%q: session needs one of HOSE, HNX, UPCOM, DER", s)
		}
		t.Exchange = ex
		return t, nil
	case KindQuote, KindTrade, KindIndex, KindBar:
	default:
		return Topic{}, Invalid("topic", "%q: unknown kind %q (quote, trade, index, bar, session, status)", s, kind)
	}
	if !hasArg || rest == "" {
		return Topic{}, Invalid("topic", "%q: missing symbol", s)
	}
	if t.Kind == KindBar {
		sym, iv, ok := strings.Cut(rest, ":")
		if !ok {
			return Topic{}, Invalid("topic", "%q: bar needs an interval (bar:VNM:1m)", s)
		}
		interval, err := ParseInterval(iv)
		if err != nil || !interval.Intraday() && interval != Interval1D {
			return Topic{}, Invalid("topic", "%q: bar interval must be one of 1m,5m,15m,30m,1H,1D", s)
		}
		t.Interval, rest = interval, sym
	}
	return parseTopicTarget(s, t, rest)
}

func parseTopicTarget(s string, t Topic, target string) (Topic, error) {
	switch {
	case target == "*":
		t.All = true
		return t, nil
	case strings.HasPrefix(target, "@"):
		g, err := ParseSymbol(target[1:]) // ASCII folding only
		if err != nil {
			return Topic{}, Invalid("topic", "%q: malformed group", s)
		}
		t.Group = string(g)
		return t, nil
	}
	sym, err := ParseSymbol(target)
	if err != nil {
		return Topic{}, Invalid("topic", "%q: malformed symbol", s)
	}
	t.Symbol = sym
	return t, nil
}
