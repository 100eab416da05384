package rest

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/vnstock-api/vnstock-api/market"
)

// errorStatus maps an error to its HTTP status and api.md error code.
func errorStatus(err error) (status int, code string) {
	switch {
	case errors.Is(err, market.ErrInvalid):
		return http.StatusBadRequest, "invalid_argument"
	case errors.Is(err, market.ErrNotFound):
		return http.StatusNotFound, "not_found"
	case errors.Is(err, market.ErrUnsupported):
		return http.StatusNotFound, "unsupported"
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout, "upstream_timeout"
	case errors.Is(err, market.ErrUpstreamSchema):
		return http.StatusBadGateway, "upstream_bad_response"
	case errors.Is(err, market.ErrUpstream):
		return http.StatusServiceUnavailable, "upstream_unavailable"
	case errors.Is(err, context.Canceled):
		return http.StatusServiceUnavailable, "canceled"
	}
	return http.StatusInternalServerError, "internal"
}

// writeError writes the api.md error body. Only 5xx other than an upstream
// failure (which the storage layer already logged) are logged; internal
// errors keep their text out of the response.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, code := errorStatus(err)
	msg, field := err.Error(), ""
	var fe *market.FieldError
	if errors.As(err, &fe) {
		msg, field = fe.Error(), fe.Field
	}
	switch {
	case status == http.StatusInternalServerError:
		s.log.ErrorContext(r.Context(), "request failed", "path", r.URL.Path, "err", err)
		msg = "internal error"
	case status >= 500:
		// Upstream failures stay in the log: their text names hosts and
		// addresses a client has no use for.
		s.log.WarnContext(r.Context(), "upstream failed", "path", r.URL.Path, "code", code, "err", err)
		msg = upstreamMessage(code)
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
	}
	b := make([]byte, 0, 128+len(msg))
	b = append(b, `{"error":{"code":`...)
	b = market.AppendJSONString(b, code)
	b = append(b, `,"message":`...)
	b = market.AppendJSONString(b, msg)
	if field != "" {
		b = append(b, `,"field":`...)
		b = market.AppendJSONString(b, field)
	}
	b = append(b, "}}\n"...)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// upstreamMessage is the client-facing text of an upstream error code.
func upstreamMessage(code string) string {
	switch code {
	case "upstream_timeout":
		return "the upstream sources did not answer in time and nothing is stored for this request; retry later"
	case "upstream_bad_response":
		return "the upstream sources answered with data that did not parse and nothing is stored for this request"
	case "canceled":
		return "the request was canceled"
	}
	return "the upstream sources are unavailable and nothing is stored for this request; retry later"
}

// retryAfterSeconds is the hint sent with 503: the upstream breakers and
// the stale TTL work on this scale.
const retryAfterSeconds = 5
