// Command vnstock-api serves live and historical Vietnamese market data.
//
//	vnstock-api serve            run the server (the default)
//	vnstock-api stream --topics  print live events as JSON lines (SSE client)
//	vnstock-api bench            load-test a server's WebSocket or SSE fan-out
//	vnstock-api keys             create, list, rotate and revoke API keys; show usage
//	vnstock-api migrate          apply the store's migrations
//	vnstock-api fetch            print one capability as JSON or CSV
//	vnstock-api doctor           call every upstream once and report what parses
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "vnstock-api:", err)
		os.Exit(1)
	}
}

// run dispatches a subcommand. It is main without the process: tests call it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, getenv, stdout, stderr)
	case "stream":
		return stream(ctx, args, getenv, stdout, stderr)
	case "bench":
		return bench(ctx, args, stdout, stderr)
	case "keys":
		return keysCmd(ctx, args, getenv, stdout, stderr)
	case "migrate":
		return migrateCmd(ctx, getenv, stdout, stderr)
	case "fetch":
		return fetchCmd(ctx, args, getenv, stdout, stderr)
	case "doctor":
		return doctorCmd(ctx, args, getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}

const usage = `usage: vnstock-api [serve|stream|bench|keys|migrate|fetch|doctor] [flags]
  serve   run the server (default); flags: vnstock-api serve -h
  stream  print live events as JSON lines: vnstock-api stream --topics quote:VNM,trade:VNM
  bench   load-test a server: vnstock-api bench --url ws://127.0.0.1:8080/v1/ws --clients 1000
  keys    manage API keys: vnstock-api keys create --name me --scopes read,stream
  migrate apply the store's migrations (DATABASE_URL or the embedded store)
  fetch   print a capability: vnstock-api fetch ohlcv symbol=VNM start=2024-01-01 interval=1D
  doctor  call every upstream endpoint once and report which parse (exit 1 if any fails)`
