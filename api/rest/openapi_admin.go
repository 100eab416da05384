package rest

// adminPaths documents the admin endpoints api/admin mounts (admin key
// only).
func adminPaths() map[string]any {
	id := map[string]any{"name": "id", "in": "path", "required": true, "description": "Key id.", "schema": map[string]any{"type": "string"}}
	keyBody := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": object([]string{"data"},
			map[string]any{"data": ref("schemas", "APIKey")})}}}
	}
	errs := func(codes ...string) map[string]any {
		out := map[string]any{}
		for _, c := range codes {
			out[c] = ref("responses", errorName(c))
		}
		return out
	}
	op := func(id, summary string, params []any, body map[string]any, ok map[string]any, okCode string, errCodes ...string) map[string]any {
		res := errs(errCodes...)
		res[okCode] = ok
		o := map[string]any{"operationId": id, "summary": summary, "tags": []any{"Admin"}, "security": []any{map[string]any{"apiKey": []any{}}, map[string]any{"bearer": []any{}}}, "responses": res}
		if params != nil {
			o["parameters"] = params
		}
		if body != nil {
			o["requestBody"] = map[string]any{"required": body["required"] == true, "content": map[string]any{"application/json": map[string]any{"schema": body["schema"]}}}
		}
		return o
	}
	keyList := map[string]any{"description": "Every key (never the secret).", "content": map[string]any{"application/json": map[string]any{"schema": object([]string{"data"},
		map[string]any{"data": map[string]any{"type": "array", "items": ref("schemas", "APIKey")}, "meta": map[string]any{"type": "object"}})}}}
	usage := map[string]any{"description": "Usage rows per key, ICT day and class.", "content": map[string]any{"application/json": map[string]any{"schema": object([]string{"data"},
		map[string]any{"data": map[string]any{"type": "array", "items": ref("schemas", "UsageRow")}, "meta": map[string]any{"type": "object"}})}}}
	date := func(name, desc string) map[string]any {
		return map[string]any{"name": name, "in": "query", "description": desc, "schema": dateSchema()}
	}
	return map[string]any{
		"/v1/admin/keys": map[string]any{
			"post": op("createKey", "Create an API key; the answer holds the key, shown once.", nil,
				map[string]any{"required": true, "schema": ref("schemas", "KeyRequest")}, keyBody("The new key with its secret."), "201", "400", "401"),
			"get": op("listKeys", "List API keys.", nil, nil, keyList, "200", "401"),
		},
		"/v1/admin/keys/{id}": map[string]any{
			"delete": op("revokeKey", "Revoke a key.", []any{id}, nil, keyBody("The revoked key."), "200", "401", "404"),
		},
		"/v1/admin/keys/{id}/rotate": map[string]any{
			"post": op("rotateKey", "Replace a key by a new one; the old one works for the grace period.", []any{id},
				map[string]any{"schema": object(nil, map[string]any{"grace": typ("string", "Go duration, default 24h.")})},
				keyBody("The new key with its secret."), "201", "400", "401", "404"),
		},
		"/v1/admin/usage": map[string]any{
			"get": op("getUsage", "Usage counters.", []any{
				date("from", "First day (default 30 days ago)."), date("to", "Last day (default today)."),
				map[string]any{"name": "key", "in": "query", "description": "Only this key id.", "schema": map[string]any{"type": "string"}},
			}, nil, usage, "200", "400", "401"),
		},
	}
}

// adminSchemas are the component schemas of the admin endpoints.
func adminSchemas() map[string]any {
	str := func(d string) map[string]any { return typ("string", d) }
	plan := object(nil, map[string]any{
		"rps": typ("number", "Requests per second."), "burst": typ("integer", "Bucket size."),
		"daily_quota": typ("integer", "Requests per ICT day, 0 = unlimited."), "max_streams": typ("integer", "Concurrent streams."),
		"max_topics": typ("integer", "Topics per connection."), "messages_per_s": typ("number", "Client messages per second on a WebSocket."),
	})
	scopes := map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": []any{"read", "stream", "admin"}}}
	return map[string]any{
		"Plan": plan,
		"APIKey": object([]string{"id", "prefix", "name", "scopes", "plan", "created_at", "revoked"}, map[string]any{
			"id": str("Key id."), "key": str("The secret, only in the answer that created it."), "prefix": str("Visible start of the key."),
			"name": str(""), "scopes": scopes, "plan": ref("schemas", "Plan"), "created_at": timeSchema(),
			"last_used": timeSchema(), "expires_at": timeSchema(), "revoked": typ("boolean", ""),
		}),
		"KeyRequest": object([]string{"name"}, map[string]any{
			"name": str("What the key is for."), "scopes": scopes, "plan": ref("schemas", "Plan"),
			"ttl": str("Go duration until it expires, e.g. 720h; empty never expires."),
		}),
		"UsageRow": object([]string{"key_id", "day", "class"}, map[string]any{
			"key_id": str(""), "day": map[string]any{"type": "string", "format": "date"}, "class": str("rest, graphql, ws, sse or admin."),
			"requests": typ("integer", ""), "stream_minutes": typ("integer", ""), "events": typ("integer", ""), "bytes": typ("integer", ""),
		}),
	}
}
