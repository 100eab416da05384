package fakeupstream

import "net/http"

// mountFMarket serves the fmarket paths under "/fmarket/" (to be filled by the source's author).
func (s *Server) mountFMarket(mux *http.ServeMux) {}
