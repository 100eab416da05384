package main

import (
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/vnstock-api/vnstock-api/cmd/internal/queryhalf"
)

// queryConfig is the configuration of the query half (storage, cache,
// upstream sources) and of the protection every surface shares (auth,
// limits, origins).
type queryConfig struct {
	DatabaseURL   string            // DATABASE_URL: Postgres; empty = embedded SQLite
	DataDir       string            // VNSTOCK_DATA_DIR: where the SQLite file lives
	Auth          string            // VNSTOCK_AUTH: keys (default) or off
	CORSOrigins   []string          // VNSTOCK_CORS_ORIGINS: REST/SSE cross-origin allow-list
	WSOrigins     []string          // VNSTOCK_WS_ORIGINS: WebSocket cross-origin host patterns
	MaxConnsPerIP int               // VNSTOCK_MAX_CONNS_PER_IP
	UsageFlush    time.Duration     // VNSTOCK_USAGE_FLUSH
	Watchlist     []string          // VNSTOCK_WATCHLIST: symbols and @GROUPs the live feeds follow
	WatchlistFile string            // VNSTOCK_WATCHLIST_FILE: read at start and on SIGHUP; wins over Watchlist
	Session       string            // VNSTOCK_SESSION: calendar (default) or always
	PollEvery     time.Duration     // VNSTOCK_POLL_INTERVAL: price-board pollers
	URLs          map[string]string // VNSTOCK_<SOURCE>_URL: upstream base URLs ("" = the real one)
	BTMCKey       string            // VNSTOCK_BTMC_KEY: the BTMC API's public key
}

// queryFlags registers the query-half flags on fs; finish converts them
// after Parse.
func queryFlags(fs *flag.FlagSet, env func(key, def string) string) func(p *parser) queryConfig {
	db := fs.String("database-url", env("DATABASE_URL", ""), "Postgres URL; empty uses the embedded SQLite store (DATABASE_URL)")
	dataDir := fs.String("data-dir", env("VNSTOCK_DATA_DIR", "./data"), "directory of the embedded store (VNSTOCK_DATA_DIR)")
	authMode := fs.String("auth", env("VNSTOCK_AUTH", "keys"), "keys: API keys required; off: open, limited per IP (VNSTOCK_AUTH)")
	cors := fs.String("cors-origins", env("VNSTOCK_CORS_ORIGINS", ""), "comma list of origins allowed cross-origin REST/SSE, * for any (VNSTOCK_CORS_ORIGINS)")
	wsOrigins := fs.String("ws-origins", env("VNSTOCK_WS_ORIGINS", ""), "comma list of host patterns allowed to open cross-origin WebSockets (VNSTOCK_WS_ORIGINS)")
	perIP := fs.String("max-conns-per-ip", env("VNSTOCK_MAX_CONNS_PER_IP", "2000"), "open connections one client IP may hold, 0 = no cap (VNSTOCK_MAX_CONNS_PER_IP)")
	usage := fs.String("usage-flush", env("VNSTOCK_USAGE_FLUSH", "10s"), "how often usage counters are written to the store (VNSTOCK_USAGE_FLUSH)")
	watch := fs.String("watchlist", env("VNSTOCK_WATCHLIST", "@VN30"), "symbols and @GROUPs the live upstream feeds follow (VNSTOCK_WATCHLIST)")
	watchFile := fs.String("watchlist-file", env("VNSTOCK_WATCHLIST_FILE", ""), "file of symbols and @GROUPs, read at start and again on SIGHUP; wins over --watchlist (VNSTOCK_WATCHLIST_FILE)")
	session := fs.String("session", env("VNSTOCK_SESSION", "calendar"), "calendar: poll upstreams only in trading sessions; always: around the clock (VNSTOCK_SESSION)")
	poll := fs.String("poll-interval", env("VNSTOCK_POLL_INTERVAL", "2s"), "price-board poll period, 1s to 3s (VNSTOCK_POLL_INTERVAL)")
	btmcKey := fs.String("btmc-key", env("VNSTOCK_BTMC_KEY", ""), "BTMC gold API key (the public key vnstock uses) (VNSTOCK_BTMC_KEY)")
	urls := map[string]*string{}
	for _, v := range queryhalf.URLVars() {
		urls[v.Name] = fs.String(v.Flag, env(v.Env, ""), "base URL of the "+v.Name+" upstream, empty = the real one ("+v.Env+")")
	}
	return func(p *parser) queryConfig {
		q := queryConfig{
			DatabaseURL: *db, DataDir: *dataDir, Auth: *authMode,
			CORSOrigins: splitList(*cors), WSOrigins: splitList(*wsOrigins),
			MaxConnsPerIP: int(p.int64("max-conns-per-ip", *perIP)),
			UsageFlush:    p.duration("usage-flush", *usage),
			Watchlist:     splitList(*watch), WatchlistFile: *watchFile, Session: *session,
			PollEvery: p.duration("poll-interval", *poll),
			URLs:      map[string]string{},
			BTMCKey:   *btmcKey,
		}
		for name, u := range urls {
			q.URLs[name] = strings.TrimRight(*u, "/")
		}
		return q
	}
}

func (q queryConfig) validate() error {
	if err := queryhalf.CheckSettings(q.Auth, q.DatabaseURL, q.URLs); err != nil {
		return err
	}
	switch {
	case q.Session != "calendar" && q.Session != "always":
		return fmt.Errorf("session: %q is not calendar or always", q.Session)
	case q.PollEvery < time.Second || q.PollEvery > 3*time.Second:
		return fmt.Errorf("poll-interval: %s is outside 1s..3s", q.PollEvery)
	case q.MaxConnsPerIP < 0:
		return fmt.Errorf("max-conns-per-ip: must be ≥ 0")
	case q.UsageFlush < 100*time.Millisecond:
		return fmt.Errorf("usage-flush: must be at least 100ms")
	case len(q.Watchlist) == 0:
		return fmt.Errorf("watchlist: give at least one symbol or @GROUP")
	}
	return nil
}
