// Package admin serves the key and usage administration of api.md:
// POST/GET/DELETE /v1/admin/keys, POST /v1/admin/keys/{id}/rotate and
// GET /v1/admin/usage. The router protects it with the admin scope.
package admin

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/vnstock-api/vnstock-api/api/auth"
	"github.com/vnstock-api/vnstock-api/api/reply"
	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
)

// UsageReader reads stored usage (storage.UsageStore).
type UsageReader interface {
	Usage(ctx context.Context, keyID string, from, to time.Time) ([]storage.Usage, error)
}

// Handler serves the admin endpoints.
type Handler struct {
	Keys   *auth.Keys
	Usage  UsageReader
	Flush  func(ctx context.Context) error // flushes buffered usage before a read; may be nil
	Forget func()                          // drops cached keys after a change; may be nil
	Logger *slog.Logger
}

// Register mounts the endpoints on r (a router or subrouter at the root).
func (h *Handler) Register(r *mux.Router) {
	r.HandleFunc("/v1/admin/keys", h.handle(h.create)).Methods(http.MethodPost)
	r.HandleFunc("/v1/admin/keys", h.handle(h.list)).Methods(http.MethodGet)
	r.HandleFunc("/v1/admin/keys/{id}", h.handle(h.revoke)).Methods(http.MethodDelete)
	r.HandleFunc("/v1/admin/keys/{id}/rotate", h.handle(h.rotate)).Methods(http.MethodPost)
	r.HandleFunc("/v1/admin/usage", h.handle(h.usage)).Methods(http.MethodGet)
}

// keyView is a key as the API shows it: never the hash.
type keyView struct {
	ID        string       `json:"id"`
	Key       string       `json:"key,omitempty"` // only in the answer that created it
	Prefix    string       `json:"prefix"`
	Name      string       `json:"name"`
	Scopes    []string     `json:"scopes"`
	Plan      storage.Plan `json:"plan"`
	CreatedAt time.Time    `json:"created_at"`
	LastUsed  *time.Time   `json:"last_used,omitempty"`
	ExpiresAt *time.Time   `json:"expires_at,omitempty"`
	Revoked   bool         `json:"revoked"`
}

func view(k storage.Key, plain string) keyView {
	v := keyView{ID: k.ID, Key: plain, Prefix: k.Prefix, Name: k.Name, Scopes: k.Scopes, Plan: k.Plan,
		CreatedAt: k.CreatedAt.In(market.ICT), Revoked: k.Revoked}
	if !k.LastUsed.IsZero() {
		t := k.LastUsed.In(market.ICT)
		v.LastUsed = &t
	}
	if !k.ExpiresAt.IsZero() {
		t := k.ExpiresAt.In(market.ICT)
		v.ExpiresAt = &t
	}
	return v
}

type createReq struct {
	Name   string       `json:"name"`
	Scopes []string     `json:"scopes"`
	Plan   storage.Plan `json:"plan"`
	TTL    string       `json:"ttl"` // Go duration, e.g. "720h"; empty = never expires
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request) error {
	var req createReq
	if err := decode(w, r, &req); err != nil {
		return err
	}
	ttl, err := optDuration("ttl", req.TTL)
	if err != nil {
		return err
	}
	plain, k, err := h.Keys.Create(r.Context(), auth.NewKey{Name: req.Name, Scopes: req.Scopes, Plan: req.Plan, TTL: ttl})
	if err != nil {
		return err
	}
	h.Logger.InfoContext(r.Context(), "api key created", "key_id", k.ID, "prefix", k.Prefix, "scopes", k.Scopes)
	return writeJSON(w, http.StatusCreated, map[string]any{"data": view(k, plain)})
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request) error {
	keys, err := h.Keys.Store.ListKeys(r.Context())
	if err != nil {
		return err
	}
	out := make([]keyView, len(keys))
	for i, k := range keys {
		out[i] = view(k, "")
	}
	return writeJSON(w, http.StatusOK, map[string]any{"data": out, "meta": map[string]int{"count": len(out)}})
}

func (h *Handler) revoke(w http.ResponseWriter, r *http.Request) error {
	k, err := h.Keys.Revoke(r.Context(), mux.Vars(r)["id"])
	if err != nil {
		return err
	}
	h.forget()
	h.Logger.InfoContext(r.Context(), "api key revoked", "key_id", k.ID, "prefix", k.Prefix)
	return writeJSON(w, http.StatusOK, map[string]any{"data": view(k, "")})
}

func (h *Handler) rotate(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Grace string `json:"grace"` // default 24h
	}
	if r.ContentLength != 0 {
		if err := decode(w, r, &req); err != nil {
			return err
		}
	}
	grace, err := optDuration("grace", req.Grace)
	if err != nil {
		return err
	}
	if req.Grace == "" {
		grace = 24 * time.Hour
	}
	plain, k, err := h.Keys.Rotate(r.Context(), mux.Vars(r)["id"], grace)
	if err != nil {
		return err
	}
	h.forget()
	h.Logger.InfoContext(r.Context(), "api key rotated", "old_key_id", mux.Vars(r)["id"], "key_id", k.ID, "grace", grace)
	return writeJSON(w, http.StatusCreated, map[string]any{"data": view(k, plain)})
}

func (h *Handler) usage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	from, err := optDate("from", q.Get("from"), market.Date(time.Now()).AddDate(0, 0, -30))
	if err != nil {
		return err
	}
	to, err := optDate("to", q.Get("to"), market.Date(time.Now()))
	if err != nil {
		return err
	}
	if to.Before(from) {
		return market.Invalid("to", "must not be before from")
	}
	if h.Flush != nil {
		if err := h.Flush(r.Context()); err != nil {
			h.Logger.WarnContext(r.Context(), "usage flush before read", "err", err)
		}
	}
	rows, err := h.Usage.Usage(r.Context(), q.Get("key"), from, to)
	if err != nil {
		return err
	}
	type row struct {
		KeyID         string `json:"key_id"`
		Day           string `json:"day"`
		Class         string `json:"class"`
		Requests      int64  `json:"requests"`
		StreamMinutes int64  `json:"stream_minutes"`
		Events        int64  `json:"events"`
		Bytes         int64  `json:"bytes"`
	}
	out := make([]row, len(rows))
	for i, u := range rows {
		out[i] = row{u.KeyID, u.Day.In(market.ICT).Format(time.DateOnly), u.Class, u.Requests,
			(u.StreamSeconds + 59) / 60, u.Events, u.Bytes}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"data": out, "meta": map[string]any{"count": len(out),
		"from": from.Format(time.DateOnly), "to": to.Format(time.DateOnly)}})
}

func (h *Handler) forget() {
	if h.Forget != nil {
		h.Forget()
	}
}

// handle maps errors to the API's JSON errors; internal details stay in the log.
func (h *Handler) handle(f func(http.ResponseWriter, *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		err := f(w, r)
		if err == nil {
			return
		}
		var fe *market.FieldError
		switch {
		case errors.As(err, &fe):
			writeErr(w, http.StatusBadRequest, "invalid_argument", fe.Error(), fe.Field)
		case errors.Is(err, market.ErrNotFound):
			writeErr(w, http.StatusNotFound, "not_found", "no such key", "id")
		default:
			h.Logger.ErrorContext(r.Context(), "admin request failed", "path", r.URL.Path, "err", err)
			writeErr(w, http.StatusInternalServerError, "internal", "internal error", "")
		}
	}
}

func decode(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return market.Invalid("body", "not a valid JSON object: %v", err)
	}
	return nil
}

func optDuration(field, s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, market.Invalid(field, "%q is not a duration such as 24h", s)
	}
	return d, nil
}

func optDate(field, s string, def time.Time) (time.Time, error) {
	if s == "" {
		return def, nil
	}
	t, err := time.ParseInLocation(time.DateOnly, s, market.ICT)
	if err != nil {
		return time.Time{}, market.Invalid(field, "%q is not a date YYYY-MM-DD", s)
	}
	return t, nil
}

// writeJSON writes an admin answer; none may be cached.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Cache-Control", "no-store")
	return reply.JSON(w, status, v)
}

func writeErr(w http.ResponseWriter, status int, code, msg, field string) {
	w.Header().Set("Cache-Control", "no-store")
	reply.Error(w, status, code, msg, field)
}
