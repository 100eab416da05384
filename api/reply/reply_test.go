package reply

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, field, want string
	}{
		{"with field", "interval", `{"error":{"code":"invalid_argument","field":"interval","message":"bad"}}` + "\n"},
		{"without field", "", `{"error":{"code":"invalid_argument","message":"bad"}}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			Error(w, http.StatusBadRequest, "invalid_argument", "bad", tt.field)
			if w.Code != http.StatusBadRequest || w.Header().Get("Content-Type") != "application/json" || w.Body.String() != tt.want {
				t.Fatalf("%d %q %s", w.Code, w.Header().Get("Content-Type"), w.Body)
			}
		})
	}
}
