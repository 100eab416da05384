package fakeupstream

import "net/http"

// mountVCI serves the vci paths under "/vci/" (to be filled by the source's author).
func (s *Server) mountVCI(mux *http.ServeMux) {}
