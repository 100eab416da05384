package fakeupstream

import "net/http"

// mountKBS serves the kbs paths under "/kbs/" (to be filled by the source's author).
func (s *Server) mountKBS(mux *http.ServeMux) {}
