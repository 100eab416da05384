package graph

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/hub"
)

// nodeClient is the npm graphql-ws client: a subscription (snapshot, then
// an update) and a query over the same connection, each result printed as
// one JSON line.
const nodeClient = `
const { createClient } = require('graphql-ws');
const WebSocket = require('ws');
const client = createClient({ url: process.argv[2], webSocketImpl: WebSocket, connectionParams: { apiKey: 'node-key' }, retryAttempts: 0 });
(async () => {
  let n = 0;
  for await (const r of client.iterate({ query: 'subscription { quotes(symbols: ["VNM"]) { symbol price change seq ts } }' })) {
    console.log(JSON.stringify(r));
    if (++n === 2) break;
  }
  for await (const r of client.iterate({ query: '{ indices { count meta { source } } }' })) {
    console.log(JSON.stringify(r));
  }
  await client.dispose();
})().catch((e) => { console.error('client error', e); process.exit(1); });
`

// installGraphQLWS installs the npm graphql-ws client (and ws) into a
// temporary directory and returns node's path and the directory.
func installGraphQLWS(t *testing.T) (node, dir string) {
	integration := os.Getenv("VNSTOCK_INTEGRATION") == "1"
	node, err1 := exec.LookPath("node")
	npm, err2 := exec.LookPath("npm")
	if err1 != nil || err2 != nil {
		if integration {
			t.Fatal("node and npm are required with VNSTOCK_INTEGRATION=1")
		}
		t.Skip("node/npm not installed")
	}
	dir = t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	install := exec.CommandContext(ctx, npm, "install", "--no-audit", "--no-fund", "--silent", "--prefix", dir,
		"graphql-ws@5.16.2", "ws@8.18.0", "graphql@16.11.0")
	if out, err := install.CombinedOutput(); err != nil {
		if integration {
			t.Fatalf("npm install: %v\n%s", err, out)
		}
		t.Skipf("npm install failed (offline?): %v", err)
	}
	return node, dir
}

// The npm graphql-ws client, run by node, subscribes and queries over
// graphql-transport-ws. Skipped when node or the npm registry is missing,
// unless VNSTOCK_INTEGRATION=1.
func TestNodeGraphQLWSClient(t *testing.T) {
	node, dir := installGraphQLWS(t)
	script := filepath.Join(dir, "client.js")
	if err := os.WriteFile(script, []byte(nodeClient), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	keys := make(chan string, 4)
	e := newEnv(t, func(c *Config, _ *hub.Config) {
		c.Authenticate = func(ctx context.Context, key string) (context.Context, error) { keys <- key; return ctx, nil }
	})
	publish(t, e, "quote:VNM", quoteJSON(e, "VNM", 68200), 1742526900000)
	cmd := exec.CommandContext(ctx, node, script, "ws"+strings.TrimPrefix(e.url, "http"))
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	next := func() string {
		t.Helper()
		if !lines.Scan() {
			t.Fatalf("node client ended: %v", lines.Err())
		}
		return lines.Text()
	}
	want := []string{`{"data":{"quotes":[{"symbol":"VNM","price":68200,"change":-2400,"seq":1,"ts":1742526900000}]}}`}
	if got := next(); got != want[0] {
		t.Fatalf("snapshot %s, want %s", got, want[0])
	}
	publish(t, e, "quote:VNM", quoteJSON(e, "VNM", 68500), 1742526901000)
	if got, w := next(), `{"data":{"quotes":[{"symbol":"VNM","price":68500,"change":-2100,"seq":2,"ts":1742526901000}]}}`; got != w {
		t.Fatalf("update %s, want %s", got, w)
	}
	var q struct{ Data json.RawMessage }
	if err := json.Unmarshal([]byte(next()), &q); err != nil || string(q.Data) != `{"indices":{"count":4,"meta":{"source":"kbs"}}}` {
		t.Fatalf("query over WebSocket: %s %v", q.Data, err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("node client: %v", err)
	}
	if k := <-keys; k != "node-key" {
		t.Errorf("connection_init apiKey %q reached the hook", k)
	}
}
