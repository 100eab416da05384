// Command vnstock-api-lambda serves the query half of vnstock-api — the
// REST resources under /v1 and GraphQL queries at /v1/graphql — as an AWS
// Lambda function behind API Gateway (HTTP API, payload format 2.0). It
// builds the very parts the long-running server builds (package
// cmd/internal/queryhalf): the same store, upstream sources, read-through
// cache, handlers and auth guard, so both answer a query alike.
//
// Streams stay on the long-running servers (cmd/vnstock-api serve):
// /v1/ws, /v1/sse, GraphQL subscriptions and /v1/market/snapshot answer
// here with an error that says so, because
//
//   - a stream is one long-lived connection: API Gateway's HTTP API does not
//     hold WebSockets or server-sent events open to a function, and a
//     function invocation ends at its timeout (at most 15 minutes);
//   - Lambda bills per invocation for its whole duration: an invocation
//     that holds a subscriber for a trading day costs that day, per client;
//   - fan-out needs a resident hub: one process that keeps every topic's
//     last value and each subscriber's queue and writes each event to
//     thousands of open sockets; a Lambda execution environment is frozen
//     between invocations and serves one request at a time.
//
// Configuration comes from the environment only: DATABASE_URL (Postgres;
// required in a deployment), REDIS_URL (optional: shared cache and rate
// limits), VNSTOCK_AUTH, VNSTOCK_<SOURCE>_URL, VNSTOCK_BTMC_KEY,
// VNSTOCK_CORS_ORIGINS, VNSTOCK_USAGE_FLUSH, VNSTOCK_LOG_LEVEL. Without
// DATABASE_URL it falls back to an embedded SQLite file under /tmp (tests
// and trials only: it lives and dies with one execution environment).
//
// Cold start: main reads the configuration and builds what needs no
// network once per execution environment; the first invocation connects
// to the store (and checks its migrations) and builds the handlers, which
// every later invocation reuses. A store that cannot be reached answers
// 503 and the next invocation tries again, instead of failing the init
// phase.
package main

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	cfg, err := loadConfig(os.Getenv)
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	if err != nil {
		log.Error("configuration", "err", err)
		os.Exit(1)
	}
	a, err := newApp(cfg, log)
	if err != nil {
		log.Error("start", "err", err)
		os.Exit(1)
	}
	// Lambda sends SIGTERM (with the extension this option registers)
	// before it ends the environment, and SIGKILLs 500 ms later.
	lambda.StartWithOptions(a.invoke, lambda.WithEnableSIGTERM(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
		defer cancel()
		a.close(ctx)
	}))
}
