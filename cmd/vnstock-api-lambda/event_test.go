package main

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
)

// req is one HTTP request to send as an API Gateway v2 event.
type req struct {
	method, target string            // target: path with an optional ?query
	headers        map[string]string // added to the event's (lower-cased keys, as API Gateway sends)
	body           string
	base64         bool // send the body base64-encoded (isBase64Encoded)
}

// event renders r into the recorded API Gateway HTTP API (payload 2.0)
// event of testdata, as API Gateway would send it to the function.
func event(t testing.TB, r req) []byte {
	t.Helper()
	raw, err := os.ReadFile("testdata/apigw-v2-event.json")
	if err != nil {
		t.Fatal(err)
	}
	var ev map[string]any
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	path, rawQuery, _ := strings.Cut(r.target, "?")
	route := r.method + " /v1/{proxy+}"
	ev["routeKey"], ev["rawPath"], ev["rawQueryString"] = route, path, rawQuery
	ev["pathParameters"] = map[string]any{"proxy": strings.TrimPrefix(path, "/v1/")}
	if q, _ := url.ParseQuery(rawQuery); len(q) > 0 {
		params := map[string]any{}
		for k, v := range q {
			params[k] = strings.Join(v, ",") // API Gateway joins repeated keys with commas
		}
		ev["queryStringParameters"] = params
	}
	headers := ev["headers"].(map[string]any)
	for k, v := range r.headers {
		headers[strings.ToLower(k)] = v
	}
	rc := ev["requestContext"].(map[string]any)
	rc["routeKey"] = route
	httpCtx := rc["http"].(map[string]any)
	httpCtx["method"], httpCtx["path"] = r.method, path
	if r.body != "" {
		headers["content-length"] = strconv.Itoa(len(r.body))
		ev["body"] = r.body
		if r.base64 {
			ev["body"], ev["isBase64Encoded"] = base64.StdEncoding.EncodeToString([]byte(r.body)), true
		}
	}
	out, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// response is the function's answer to an event.
type response struct {
	StatusCode      int               `json:"statusCode"`
	Headers         map[string]string `json:"headers"`
	Body            string            `json:"body"`
	IsBase64Encoded bool              `json:"isBase64Encoded"`
}

// json decodes the response body.
func (r response) json(t testing.TB) map[string]any {
	t.Helper()
	body := []byte(r.Body)
	if r.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(r.Body); err != nil {
			t.Fatal(err)
		}
	}
	var out map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("status %d, body not JSON: %.300s", r.StatusCode, body)
	}
	return out
}
