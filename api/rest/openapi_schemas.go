package rest

import "strconv"

// schemas are the document's component schemas: meta, error and the row
// types whose columns this server fixes.
func schemas() map[string]any {
	num := func(d string) map[string]any { return typ("number", d) }
	integer := func(d string) map[string]any { return typ("integer", d) }
	str := func(d string) map[string]any { return typ("string", d) }
	return map[string]any{
		"Meta": object([]string{"source", "cached", "stale", "fetched_at", "count"}, map[string]any{
			"symbol":     str("The symbol asked for."),
			"interval":   str("The bar length (OHLCV)."),
			"source":     str("The upstream that answered (kbs, vci, ...), or calendar / hub."),
			"adjusted":   typ("boolean", "Prices are adjusted for corporate actions (OHLCV)."),
			"price_unit": map[string]any{"type": "string", "enum": []any{"vnd", "thousand", "point"}, "description": "Unit of the prices in data."},
			"cached":     typ("boolean", "Answered from the cache or storage without an upstream call."),
			"stale":      typ("boolean", "The upstream failed; this is the last stored value."),
			"live":       typ("boolean", "Present and true when today's forming bar comes from the live feed (OHLCV)."),
			"fetched_at": map[string]any{"type": []any{"string", "null"}, "format": "date-time", "description": "When the data came from the upstream, if known."},
			"count":      integer("Number of rows in data."),
		}),
		"Error": object([]string{"error"}, map[string]any{
			"error": object([]string{"code", "message"}, map[string]any{
				"code":    map[string]any{"type": "string", "enum": []any{"invalid_argument", "unauthenticated", "forbidden", "not_found", "unsupported", "rate_limited", "upstream_bad_response", "upstream_unavailable", "upstream_timeout", "canceled", "internal"}},
				"message": str("What went wrong."),
				"field":   str("The parameter at fault, for invalid_argument."),
			}),
		}),
		"Bar": object([]string{"time", "open", "high", "low", "close", "volume"}, map[string]any{
			"time": timeSchema(), "open": num("Open price."), "high": num("High price."), "low": num("Low price."),
			"close": num("Close price."), "volume": integer("Shares (contracts for futures)."),
		}),
		"Trade": object([]string{"time", "price", "volume", "match_type"}, map[string]any{
			"time": timeSchema(), "price": num("Matched price."), "volume": integer("Matched shares."),
			"match_type":         map[string]any{"type": "string", "enum": []any{"buy", "sell", "unknown"}, "description": "Aggressor side."},
			"id":                 str("Upstream trade id, when the source has one."),
			"volume_accumulated": integer("Matched shares of the day after this trade."),
		}),
		"Quote":        quoteSchema(),
		"SessionState": sessionSchema(),
		"SnapshotEvent": object([]string{"topic", "seq", "ts", "data"}, map[string]any{
			"topic": str("The topic, e.g. quote:VNM."), "seq": integer("Deployment-wide sequence number."),
			"ts": integer("Publish time, Unix milliseconds."), "data": map[string]any{"description": "The topic's last payload."},
		}),
	}
}

func quoteSchema() map[string]any {
	props := map[string]any{
		"symbol": typ("string", ""), "exchange": typ("string", ""), "time": timeSchema(), "session": typ("string", "Trading phase."),
		"percent_change": typ("number", "Change against the reference price, percent."), "source": typ("string", ""),
	}
	for _, c := range []string{"ceiling_price", "floor_price", "reference_price", "open_price", "high_price", "low_price",
		"close_price", "close_volume", "average_price", "volume_accumulated", "total_value", "price_change",
		"foreign_buy_volume", "foreign_sell_volume", "foreign_room"} {
		props[c] = typ("integer", "")
	}
	for _, side := range []string{"bid", "ask"} {
		for i := 1; i <= 3; i++ {
			n := strconv.Itoa(i)
			props[side+"_price_"+n] = typ("integer", "")
			props[side+"_vol_"+n] = typ("integer", "")
		}
	}
	s := object([]string{"symbol", "close_price"}, props)
	s["additionalProperties"] = true
	s["description"] = "A price-board row with vnstock's columns; books deeper than three levels add bid/ask_price_4.. up to 10."
	return s
}

func sessionSchema() map[string]any {
	phases := []any{"pre_open", "ato", "continuous", "lunch_break", "atc", "put_through", "closed"}
	return object([]string{"exchange", "phase", "time"}, map[string]any{
		"exchange":   map[string]any{"type": "string", "enum": []any{"HOSE", "HNX", "UPCOM", "DER"}},
		"phase":      map[string]any{"type": "string", "enum": phases},
		"time":       timeSchema(),
		"next_phase": map[string]any{"type": []any{"string", "null"}, "enum": append(phases, nil)},
		"next_at":    map[string]any{"type": []any{"string", "null"}, "format": "date-time"},
	})
}

// servicePaths documents what the api package mounts beside the REST
// routes.
func servicePaths() map[string]any {
	plain := func(id, summary, ctype string, codes ...string) map[string]any {
		res := map[string]any{}
		for _, c := range codes {
			res[c] = map[string]any{"description": summary, "content": map[string]any{ctype: map[string]any{"schema": map[string]any{"type": "string"}}}}
		}
		return map[string]any{"get": map[string]any{"operationId": id, "summary": summary, "tags": []any{"Service"}, "security": []any{}, "responses": res}}
	}
	topics := map[string]any{"name": "topics", "in": "query", "required": true, "description": "Comma-separated topics (protocol.md), e.g. quote:VNM,trade:VNM.", "schema": map[string]any{"type": "string"}}
	since := map[string]any{"name": "since", "in": "query", "description": "Resume after this seq (Last-Event-ID wins).", "schema": map[string]any{"type": "integer", "minimum": 0}}
	return map[string]any{
		"/healthz":      plain("healthz", "The process is alive.", "application/json", "200"),
		"/readyz":       plain("readyz", "Storage, cache, broker and feeds are ready (503 when not).", "application/json", "200", "503"),
		"/metrics":      plain("metrics", "Prometheus metrics.", "text/plain", "200"),
		"/openapi.json": plain("openapi", "This document.", "application/json", "200"),
		"/docs":         plain("docs", "The API reference UI; it works offline.", "text/html", "200"),
		"/v1/ws": map[string]any{"get": map[string]any{"operationId": "websocket", "tags": []any{"Live"},
			"summary":     "Live stream over WebSocket (protocol.md): subscribe to topics, receive events and snapshots.",
			"description": "Upgrades to WebSocket; subscriptions are sent as messages, not parameters.",
			"responses":   map[string]any{"101": map[string]any{"description": "Switching protocols."}, "400": ref("responses", "BadRequest"), "401": ref("responses", "Unauthorized")}}},
		"/v1/sse": map[string]any{"get": map[string]any{"operationId": "sse", "tags": []any{"Live"},
			"summary": "Live stream as Server-Sent Events (protocol.md).", "parameters": []any{topics, since},
			"responses": map[string]any{
				"200": map[string]any{"description": "The event stream.", "content": map[string]any{"text/event-stream": map[string]any{"schema": map[string]any{"type": "string"}}}},
				"400": ref("responses", "BadRequest"), "401": ref("responses", "Unauthorized"), "429": ref("responses", "RateLimited")}}},
		"/v1/graphql": map[string]any{
			"get":  graphqlOp("graphqlGet", "GraphiQL in a browser; queries as ?query= otherwise."),
			"post": graphqlOp("graphqlPost", "A GraphQL query (application/json body)."),
		},
	}
}

func graphqlOp(id, summary string) map[string]any {
	return map[string]any{"operationId": id, "tags": []any{"Live"}, "summary": summary,
		"responses": map[string]any{"200": map[string]any{"description": "A GraphQL response.", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}},
			"401": ref("responses", "Unauthorized")}}
}
