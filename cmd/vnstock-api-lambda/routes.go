package main

import (
	"encoding/json"
	"net/http"

	"github.com/redis/go-redis/v9"

	"github.com/vnstock-api/vnstock-api/api"
	"github.com/vnstock-api/vnstock-api/api/auth"
	"github.com/vnstock-api/vnstock-api/api/rest"
	"github.com/vnstock-api/vnstock-api/cmd/internal/queryhalf"
)

// routes builds the query half over st and mounts it on the server's
// router, with the stream endpoints answering that they live elsewhere.
func (a *app) routes(st queryhalf.Store) (http.Handler, *queryhalf.Protection, error) {
	var limiter auth.Limiter // in-process unless Redis shares it
	var cache redis.Cmdable  // memory unless Redis shares it
	if a.rdb != nil {
		limiter, cache = queryhalf.SharedLimiter(a.rdb), a.rdb
	}
	prot, err := queryhalf.NewProtection(a.cfg.Auth, st, limiter, a.log)
	if err != nil {
		return nil, nil, err
	}
	half, err := queryhalf.New(queryhalf.Config{Sources: queryhalf.SourcesConfig{URLs: a.cfg.URLs, BTMCKey: a.cfg.BTMCKey}},
		st, a.hub, prot, cache, a.log)
	if err != nil {
		return nil, nil, err
	}
	elsewhere := http.HandlerFunc(streamsElsewhere)
	router := api.NewRouter(api.Deps{
		WS: elsewhere, SSE: elsewhere, Snapshot: a.hub, Ready: st.Ping, Logger: a.log,
		REST: half.REST, OpenAPI: rest.OpenAPIHandler(), Graph: queriesOnly(half.Graph),
		Admin: prot.Admin, Guard: prot.Guard, CORSOrigins: a.cfg.CORSOrigins,
	})
	// The router answers /v1/market/snapshot from the hub, which is empty
	// here: that route is refused in front of it, behind the same guard.
	snapshot := prot.Guard.Protect(auth.Route{Class: auth.ClassREST, Scope: auth.ScopeRead}, elsewhere)
	mux := http.NewServeMux()
	mux.Handle("GET /v1/market/snapshot", api.SecurityHeaders(api.CORS(a.cfg.CORSOrigins, snapshot)))
	mux.Handle("/", router)
	return mux, prot, nil
}

// streamsMsg says where the live surfaces are.
const streamsMsg = "live streams (/v1/ws, /v1/sse, GraphQL subscriptions) and live snapshots are served by the streaming servers, " +
	"not by this serverless deployment: connect to those servers for them"

// streamsElsewhere answers the live endpoints with 501 (see the package
// comment for why they are not served here).
func streamsElsewhere(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNotImplemented)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": "not_implemented", "message": streamsMsg}})
}
