package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	sselib "github.com/r3labs/sse/v2"
	"gopkg.in/cenkalti/backoff.v1"
)

// stream prints live events from a server's SSE endpoint as JSON lines, one
// envelope per line: the quickest way to feed a script.
func stream(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("stream", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := "http://" + firstNonEmpty(getenv("VNSTOCK_ADDR"), "127.0.0.1:8080")
	server := fs.String("url", base, "server base URL")
	topics := fs.String("topics", "quote:@VN30", "comma list of topics")
	since := fs.String("since", "", "resume after this seq")
	apiKey := fs.String("api-key", getenv("VNSTOCK_API_KEY"), "API key with the stream scope (VNSTOCK_API_KEY)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	q := url.Values{"topics": {*topics}}
	if *since != "" {
		q.Set("since", *since)
	}
	client := sselib.NewClient(strings.TrimRight(*server, "/") + "/v1/sse?" + q.Encode())
	if *apiKey != "" {
		client.Headers["X-API-Key"] = *apiKey
	}
	// Reconnect on network errors, stop at once on ctx's end or an HTTP
	// refusal (a wrong key does not get better by retrying).
	client.ReconnectStrategy = backoff.WithContext(backoff.NewExponentialBackOff(), ctx)
	client.ResponseValidator = func(_ *sselib.Client, resp *http.Response) error {
		if resp.StatusCode != http.StatusOK {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
			return backoff.Permanent(fmt.Errorf("server answered %s: %s", resp.Status, strings.TrimSpace(string(body))))
		}
		return nil
	}
	enc := json.NewEncoder(stdout)
	var werr error
	err := client.SubscribeRawWithContext(ctx, func(msg *sselib.Event) {
		if werr != nil || len(msg.Data) == 0 {
			return
		}
		if !json.Valid(msg.Data) {
			werr = fmt.Errorf("server sent invalid JSON: %.80s", msg.Data)
			return
		}
		werr = enc.Encode(json.RawMessage(msg.Data))
	})
	if ctx.Err() != nil {
		return nil
	}
	if err == nil {
		err = werr
	}
	return err
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
