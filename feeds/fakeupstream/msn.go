package fakeupstream

import "net/http"

// mountMSN serves the msn paths under "/msn/" (to be filled by the source's author).
func (s *Server) mountMSN(mux *http.ServeMux) {}
