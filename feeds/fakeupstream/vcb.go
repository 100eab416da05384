package fakeupstream

import "net/http"

// mountVCB serves the vcb paths under "/vcb/" (to be filled by the source's author).
func (s *Server) mountVCB(mux *http.ServeMux) {}
