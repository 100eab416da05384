// Package reply writes the API's JSON bodies: a value, or the error
// envelope every surface shares (api.md):
//
//	{"error":{"code":"invalid_argument","message":"...","field":"interval"}}
//
// api/rest renders its hot-path bodies by hand and only its errors share
// the shape.
package reply

import (
	"encoding/json"
	"net/http"
)

// JSON writes v as the body with status.
func JSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// Error writes the error envelope; field is omitted when empty.
func Error(w http.ResponseWriter, status int, code, msg, field string) {
	body := map[string]string{"code": code, "message": msg}
	if field != "" {
		body["field"] = field
	}
	_ = JSON(w, status, map[string]any{"error": body})
}
