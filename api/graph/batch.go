package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// maxBody bounds a POST body (one operation or a batch).
const maxBody = 1 << 20

// errTooLarge refuses a body over maxBody.
var errTooLarge = fmt.Errorf("request body is larger than %d bytes", maxBody)

// readBody reads a POST body (restoring it for whoever reads next) and
// reports whether it is a JSON array: a batch of operations.
func readBody(r *http.Request) (batch bool, err error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	_ = r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return false, fmt.Errorf("read body: %w", err)
	}
	if len(body) > maxBody {
		return false, errTooLarge
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	return len(trimmed) > 0 && trimmed[0] == '[', nil
}

// serveBatch runs a batch (`[{"query":...},{"query":...}]`) operation by
// operation, authenticating once, and answers the array of their results
// in order. A batch longer than MaxBatch is refused whole.
func (h *Handler) serveBatch(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var ops []json.RawMessage
	if err := json.Unmarshal(body, &ops); err != nil {
		writeGraphQLError(w, http.StatusBadRequest, CodeBadUserInput, "batch is not a JSON array of operations: "+err.Error())
		return
	}
	if len(ops) == 0 || len(ops) > h.cfg.MaxBatch {
		writeGraphQLError(w, http.StatusBadRequest, CodeBadUserInput,
			fmt.Sprintf("a batch holds 1 to %d operations, not %d", h.cfg.MaxBatch, len(ops)))
		return
	}
	ctx, ok := h.authenticate(w, r)
	if !ok {
		return
	}
	out := make([]json.RawMessage, len(ops))
	for i, op := range ops {
		req := r.Clone(ctx)
		req.Body = io.NopCloser(bytes.NewReader(op))
		req.ContentLength = int64(len(op))
		rec := &recorder{header: http.Header{}, status: http.StatusOK}
		h.srv.ServeHTTP(rec, req)
		out[i] = bytes.TrimSpace(rec.body.Bytes())
		if !json.Valid(out[i]) {
			out[i], _ = json.Marshal(map[string]any{"errors": []map[string]any{{
				"message": "operation failed with HTTP status " + fmt.Sprint(rec.status), "extensions": map[string]any{"code": CodeBadUserInput},
			}}})
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

// recorder captures one operation's response inside a batch.
type recorder struct {
	header http.Header
	body   bytes.Buffer
	status int
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(status int)      { r.status = status }
