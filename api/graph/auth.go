package graph

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/vnstock-api/vnstock-api/api/auth"
)

type ctxKey int

const (
	keyAuthed    ctxKey = iota // the request's API key was checked already
	keyWebsocket               // the operation runs on a WebSocket connection
)

// authenticate runs the hook for an HTTP request, or for a WebSocket upgrade
// that carries its key in a header or the query. An upgrade without one is
// let through: its connection_init payload carries the key. A refusal is
// answered here (401 or 429) and ok is false.
func (h *Handler) authenticate(w http.ResponseWriter, r *http.Request) (ctx context.Context, ok bool) {
	key := auth.KeyFromRequest(r)
	if key == "" && isUpgrade(r) {
		return r.Context(), true
	}
	ctx, err := h.cfg.Authenticate(r.Context(), key)
	if err != nil {
		status, code := http.StatusUnauthorized, CodeUnauthenticated
		if errors.Is(err, ErrRateLimited) {
			status, code = http.StatusTooManyRequests, CodeRateLimited
		}
		writeGraphQLError(w, status, code, err.Error())
		return nil, false
	}
	return context.WithValue(ctx, keyAuthed, true), true
}

// initConnection handles connection_init: {"apiKey": "..."} is checked with
// the hook unless the upgrade request was authenticated already and the
// payload names no key. A refusal closes the socket with 4403 (4429 when
// rate limited) after a connection error.
func (h *Handler) initConnection(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
	ctx = context.WithValue(ctx, keyWebsocket, true)
	key := p.GetString("apiKey")
	if key == "" {
		key = p.GetString("api_key")
	}
	if key == "" && ctx.Value(keyAuthed) != nil {
		return ctx, nil, nil
	}
	actx, err := h.cfg.Authenticate(ctx, key)
	if err != nil {
		code, closeCode := CodeUnauthenticated, 4403
		if errors.Is(err, ErrRateLimited) {
			code, closeCode = CodeRateLimited, 4429
		}
		ctx = transport.WithWebsocketCloseCode(ctx, closeCode)
		return ctx, nil, fmt.Errorf("%s: %w", code, err)
	}
	return context.WithValue(actx, keyAuthed, true), nil, nil
}

// onWebsocket reports whether ctx belongs to a GraphQL WebSocket connection.
func onWebsocket(ctx context.Context) bool { return ctx.Value(keyWebsocket) != nil }

func isUpgrade(r *http.Request) bool { return r.Header.Get("Upgrade") != "" }

// originAllowed applies coder/websocket's rule before the upgrade, so that a
// refused origin gets one clean 403: same host, no Origin header, or an
// Origin whose host matches one of the patterns.
func originAllowed(r *http.Request, patterns []string) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	for _, p := range patterns {
		if ok, _ := path.Match(strings.ToLower(p), strings.ToLower(u.Host)); ok {
			return true
		}
	}
	return false
}
