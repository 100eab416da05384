package fakeupstream

import "net/http"

// mountVCIIQ serves the vciiq paths under "/vciiq/" (to be filled by the source's author).
func (s *Server) mountVCIIQ(mux *http.ServeMux) {}
