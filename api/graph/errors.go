package graph

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/vnstock-api/vnstock-api/hub"
	"github.com/vnstock-api/vnstock-api/market"
)

// The extensions.code values this API sets (gqlgen's own validation and
// parse errors keep theirs: GRAPHQL_VALIDATION_FAILED, GRAPHQL_PARSE_FAILED,
// COMPLEXITY_LIMIT_EXCEEDED, PERSISTED_QUERY_NOT_FOUND).
const (
	CodeBadUserInput        = "BAD_USER_INPUT"
	CodeUnauthenticated     = "UNAUTHENTICATED"
	CodeRateLimited         = "RATE_LIMITED"
	CodeUpstreamUnavailable = "UPSTREAM_UNAVAILABLE"
	CodeNotFound            = "NOT_FOUND"
	CodeSlowConsumer        = "SLOW_CONSUMER"
	CodeDepthLimit          = "DEPTH_LIMIT_EXCEEDED"
	CodeInternal            = "INTERNAL_SERVER_ERROR"
)

// classify maps an error to its code; "" for errors this package does not
// own (gqlgen's), which keep their own.
func classify(err error) string {
	var fe *market.FieldError
	switch {
	case errors.As(err, &fe), errors.Is(err, market.ErrInvalid), errors.Is(err, market.ErrUnsupported):
		return CodeBadUserInput
	case errors.Is(err, market.ErrNotFound):
		return CodeNotFound
	case errors.Is(err, market.ErrUpstream), errors.Is(err, market.ErrUpstreamSchema),
		errors.Is(err, context.DeadlineExceeded):
		return CodeUpstreamUnavailable
	case errors.Is(err, ErrRateLimited):
		return CodeRateLimited
	case errors.Is(err, errUnauthenticated):
		return CodeUnauthenticated
	case errors.Is(err, hub.ErrSlowConsumer):
		return CodeSlowConsumer
	}
	return ""
}

var errUnauthenticated = errors.New("unauthenticated")

// presentError gives every error an extensions.code (and extensions.field
// for bad input). Errors of unknown kind from resolvers are logged and shown
// as "internal error" so no internal detail leaks.
func (h *Handler) presentError(ctx context.Context, err error) *gqlerror.Error {
	gerr := graphql.DefaultErrorPresenter(ctx, err)
	cause := gerr.Unwrap()
	if cause == nil {
		return gerr // gqlgen's own error: it carries its code
	}
	code := classify(cause)
	switch {
	case code == "" && errors.Is(cause, context.Canceled):
		code = CodeUpstreamUnavailable
	case code == "":
		h.cfg.Logger.ErrorContext(ctx, "graphql internal error", "path", gerr.Path.String(), "err", cause)
		gerr.Message = "internal error"
		code = CodeInternal
	case code == CodeUpstreamUnavailable:
		// The upstream's error text names hosts and addresses: log it only.
		h.cfg.Logger.WarnContext(ctx, "graphql upstream failure", "path", gerr.Path.String(), "err", cause)
		gerr.Message = "the upstream sources are unavailable and nothing is stored for this request; retry later"
	}
	if gerr.Extensions == nil {
		gerr.Extensions = map[string]any{}
	}
	gerr.Extensions["code"] = code
	var fe *market.FieldError
	if errors.As(cause, &fe) {
		gerr.Extensions["field"] = argumentName(gerr, fe.Field)
	}
	return gerr
}

// argumentName names the argument a scalar refused: the scalar only knows
// its type ("date"), gqlgen's path ends with the argument ([ohlcv start]).
func argumentName(gerr *gqlerror.Error, field string) string {
	switch field {
	case "date", "time", "json":
		if n := len(gerr.Path); n >= 2 {
			if name, ok := gerr.Path[n-1].(ast.PathName); ok {
				return string(name)
			}
		}
	}
	return field
}

// toGQL wraps err for the subscription error message.
func (h *Handler) toGQL(ctx context.Context, err error) *gqlerror.Error {
	return h.presentError(ctx, err)
}

// writeGraphQLError answers a request refused before execution with a
// GraphQL-shaped error body.
func writeGraphQLError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []map[string]any{{"message": msg, "extensions": map[string]any{"code": code}}},
	})
}
