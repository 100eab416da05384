package graph

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/vnstock-api/vnstock-api/api/graph/model"
	"github.com/vnstock-api/vnstock-api/hub"
	"github.com/vnstock-api/vnstock-api/market"
)

// The topics of each subscription field, built from its arguments, and the
// argument a refusal names.

func symbolTopics(kind string, symbols []string, group *string) (string, []string, error) {
	if len(symbols) == 0 && group == nil {
		return "symbols", nil, market.Invalid("symbols", "give symbols, a group, or both")
	}
	if len(symbols) > maxSymbols {
		return "symbols", nil, market.Invalid("symbols", "at most %d symbols, not %d", maxSymbols, len(symbols))
	}
	var topics []string
	for _, s := range symbols {
		sym, err := parseSymbol("symbols", s)
		if err != nil {
			return "symbols", nil, err
		}
		topics = appendNew(topics, kind+":"+string(sym))
	}
	if group != nil {
		g, err := parseSymbol("group", *group)
		if err != nil {
			return "group", nil, err
		}
		topics = appendNew(topics, kind+":@"+string(g))
		if len(symbols) == 0 {
			return "group", topics, nil
		}
	}
	return "symbols", topics, nil
}

func indexTopics(codes []string) (string, []string, error) {
	if len(codes) == 0 || len(codes) > maxSymbols {
		return "codes", nil, market.Invalid("codes", "give 1 to %d index codes", maxSymbols)
	}
	var topics []string
	for _, c := range codes {
		code, err := parseSymbol("codes", c)
		if err != nil {
			return "codes", nil, err
		}
		topics = appendNew(topics, "index:"+string(code))
	}
	return "codes", topics, nil
}

func barTopics(symbol, interval string) (string, []string, error) {
	sym, err := parseSymbol("symbol", symbol)
	if err != nil {
		return "symbol", nil, err
	}
	iv, err := market.ParseInterval(interval)
	if err != nil || !iv.Intraday() && iv != market.Interval1D {
		return "interval", nil, market.Invalid("interval", "%q is not one of 1m,5m,15m,30m,1H,1D", interval)
	}
	return "symbol", []string{"bar:" + string(sym) + ":" + string(iv)}, nil
}

func sessionTopics(ex *model.Exchange) (string, []string, error) {
	if ex != nil {
		return "exchange", []string{"session:" + string(*ex)}, nil
	}
	return "exchange", []string{"session:HOSE", "session:HNX", "session:UPCOM"}, nil
}

func appendNew(s []string, v string) []string {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

// topicsFor builds the topics of a subscription field from the arguments
// gqlgen parsed.
func topicsFor(name string, args map[string]any) (string, []string, error) {
	symbols, _ := args["symbols"].([]string)
	group, _ := args["group"].(*string)
	switch name {
	case "quotes":
		return symbolTopics("quote", symbols, group)
	case "trades":
		return symbolTopics("trade", symbols, group)
	case "index":
		codes, _ := args["codes"].([]string)
		return indexTopics(codes)
	case "bars":
		symbol, _ := args["symbol"].(string)
		interval, _ := args["interval"].(string)
		return barTopics(symbol, interval)
	case "session":
		ex, _ := args["exchange"].(*model.Exchange)
		return sessionTopics(ex)
	case "status":
		return "", []string{"status"}, nil
	}
	return "", nil, fmt.Errorf("unknown subscription %q", name)
}

// decodeEvent turns a hub event (the live protocol's snake_case payload)
// into the GraphQL model of its kind, with its seq and ts.
func decodeEvent(ev *hub.Event) (any, error) {
	l := model.NewLive(ev.Seq, ev.TS)
	switch market.TopicKind(ev.Kind()) {
	case market.KindQuote:
		return decodeAs(ev, func(q *market.Quote) any { return model.QuoteFrom(q, l) })
	case market.KindTrade:
		return decodeAs(ev, func(t *market.Trade) any { return model.TradeFrom(t, l) })
	case market.KindIndex:
		return decodeAs(ev, func(x *market.IndexQuote) any { return model.IndexFrom(x, l) })
	case market.KindBar:
		return decodeAs(ev, func(b *market.Bar) any { return model.BarFrom(b, l) })
	case market.KindSession:
		return decodeAs(ev, func(s *market.SessionState) any { return model.SessionFrom(s, l) })
	case market.KindStatus:
		return decodeAs(ev, func(s *market.FeedStatus) any { return model.StatusFrom(s, ev.Seq, ev.TS) })
	}
	return nil, fmt.Errorf("%s: no GraphQL type for this topic", ev.Topic)
}

// decodeAs reads the event's payload into a T and converts it to its model.
func decodeAs[T any](ev *hub.Event, convert func(*T) any) (any, error) {
	var v T
	if err := json.Unmarshal(ev.Data, &v); err != nil {
		return nil, fmt.Errorf("%s: %w", ev.Topic, err)
	}
	return convert(&v), nil
}
