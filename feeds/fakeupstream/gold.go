package fakeupstream

import "net/http"

// mountGold serves the gold paths under "/sjc/" and "/btmc/" (to be filled by the source's author).
func (s *Server) mountGold(mux *http.ServeMux) {}
