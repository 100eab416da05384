package rest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
)

// OpenAPI returns the OpenAPI 3.1 document of the server: every REST route
// of routes.go with its parameters and row schema, the service endpoints
// the api package mounts (health, metrics, docs, live streams, GraphQL) and
// the admin endpoints of api/admin.
func OpenAPI() []byte {
	paths := map[string]any{}
	for _, rt := range routes() {
		paths[prefix+rt.path] = map[string]any{"get": operation(rt)}
	}
	for p, item := range servicePaths() {
		paths[p] = item
	}
	for p, item := range adminPaths() {
		paths[p] = item
	}
	comps := schemas()
	for name, s := range adminSchemas() {
		comps[name] = s
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "vnstock-api",
			"version": "1",
			"description": "Vietnamese stock market data: every capability of vnstock as a REST resource under /v1. " +
				"Prices are VND (integers for stocks), index levels points, volumes shares, times +07:00. " +
				"Responses are {\"data\":[...],\"meta\":{...}}; add ?format=csv or Accept: text/csv for CSV. " +
				"Errors are {\"error\":{\"code\",\"message\",\"field\"}}.",
		},
		"servers": []any{map[string]any{"url": "/"}},
		"tags": []any{
			tag("Reference", "Listings, groups, industries, indices, instruments, companies, market status (vnstock Reference)."),
			tag("Market", "OHLCV, price board, intraday trades, depth, funds, the live snapshot (vnstock Market)."),
			tag("Fundamental", "Financial statements and ratios (vnstock Fundamental)."),
			tag("Retail", "Gold prices and exchange rates (vnstock Retail)."),
			tag("Live", "Streams over WebSocket and SSE, and GraphQL (protocol.md)."),
			tag("Admin", "API keys and usage; admin key only."),
			tag("Service", "Health, readiness, metrics, this document and its reference UI."),
		},
		"security": []any{map[string]any{}, map[string]any{"apiKey": []any{}}, map[string]any{"bearer": []any{}}},
		"paths":    paths,
		"components": map[string]any{
			"schemas":         comps,
			"parameters":      map[string]any{"format": formatParam()},
			"responses":       errorResponses(),
			"securitySchemes": map[string]any{"apiKey": map[string]any{"type": "apiKey", "in": "header", "name": "X-API-Key"}, "bearer": map[string]any{"type": "http", "scheme": "bearer"}},
		},
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic("rest: the OpenAPI document does not encode: " + err.Error()) // built from literals only
	}
	return b
}

// OpenAPIHandler serves OpenAPI(), encoded once, with an ETag.
func OpenAPIHandler() http.Handler {
	doc := OpenAPI()
	sum := sha256.Sum256(doc)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("ETag", etag)
		h.Set("Cache-Control", "public, max-age=300")
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		if r.Method != http.MethodHead {
			_, _ = w.Write(doc)
		}
	})
}

func tag(name, desc string) map[string]any { return map[string]any{"name": name, "description": desc} }

func ref(kind, name string) map[string]any {
	return map[string]any{"$ref": "#/components/" + kind + "/" + name}
}

// operation documents one REST route.
func operation(rt route) map[string]any {
	params := make([]any, 0, len(rt.params)+1)
	for _, p := range rt.params {
		m := map[string]any{"name": p.name, "in": p.in, "description": p.desc, "schema": p.schema}
		if p.required {
			m["required"] = true
		}
		params = append(params, m)
	}
	params = append(params, ref("parameters", "format"))
	ok := map[string]any{
		"description": "The rows and how they were obtained.",
		"content": map[string]any{
			"application/json": map[string]any{"schema": envelope(rt)},
			"text/csv":         map[string]any{"schema": map[string]any{"type": "string", "description": "A header line, then one line per row."}},
		},
	}
	responses := map[string]any{"200": ok}
	for _, code := range []string{"400", "401", "404", "429", "502", "503", "504"} {
		responses[code] = ref("responses", errorName(code))
	}
	desc := "vnstock: " + rt.vnstock
	if rt.snapshot {
		desc += ". Served from the live hub, not from storage."
	}
	return map[string]any{"operationId": rt.id, "summary": rt.summary, "description": desc, "tags": []any{rt.tag},
		"parameters": params, "responses": responses}
}

// errorName names the error response of a status.
func errorName(code string) string {
	switch code {
	case "400":
		return "BadRequest"
	case "401":
		return "Unauthorized"
	case "404":
		return "NotFound"
	case "429":
		return "RateLimited"
	case "502":
		return "BadGateway"
	case "503":
		return "Unavailable"
	}
	return "Timeout"
}

// envelope is the JSON body of a route: its rows and meta.
func envelope(rt route) map[string]any {
	row := ref("schemas", rt.row)
	if len(rt.columns) > 0 {
		props := map[string]any{}
		for _, c := range rt.columns {
			props[c] = map[string]any{}
		}
		row = map[string]any{"type": "object", "properties": props, "additionalProperties": true,
			"description": "A row with vnstock's columns (typical columns listed; sources may add others): " + strings.Join(rt.columns, ", ") + "."}
	}
	return map[string]any{
		"type":     "object",
		"required": []any{"data", "meta"},
		"properties": map[string]any{
			"data": map[string]any{"type": "array", "items": row},
			"meta": ref("schemas", "Meta"),
		},
	}
}

func formatParam() map[string]any {
	return map[string]any{"name": "format", "in": "query", "description": "json (default) or csv; Accept: text/csv also selects CSV.",
		"schema": enumSchema("json", "json", "csv")}
}

func errorResponses() map[string]any {
	desc := map[string]string{
		"BadRequest": "A parameter is invalid; error.field names it.", "Unauthorized": "No valid API key.",
		"NotFound": "Unknown symbol or resource, or a capability no source offers.", "RateLimited": "Over the key's rate or quota; see Retry-After.",
		"BadGateway": "The upstream answered with bytes that do not parse.", "Unavailable": "The upstream failed and nothing is stored; see Retry-After.",
		"Timeout": "The upstream did not answer in time.",
	}
	out := map[string]any{}
	for name, d := range desc {
		out[name] = map[string]any{"description": d, "content": map[string]any{"application/json": map[string]any{"schema": ref("schemas", "Error")}}}
	}
	return out
}

func typ(t string, desc string) map[string]any {
	return map[string]any{"type": t, "description": desc}
}

func object(required []string, props map[string]any) map[string]any {
	o := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		req := make([]any, len(required))
		for i, r := range required {
			req[i] = r
		}
		o["required"] = req
	}
	return o
}

func timeSchema() map[string]any {
	return map[string]any{"type": "string", "format": "date-time", "description": "RFC 3339 in +07:00."}
}
