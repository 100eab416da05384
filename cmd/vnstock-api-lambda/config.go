package main

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/vnstock-api/vnstock-api/api/auth"
	"github.com/vnstock-api/vnstock-api/cmd/internal/queryhalf"
)

// config is the function's configuration, read from the environment once
// per execution environment.
type config struct {
	DatabaseURL string            // DATABASE_URL: Postgres
	DataDir     string            // VNSTOCK_DATA_DIR: the SQLite fallback's directory (default /tmp/vnstock)
	RedisURL    string            // REDIS_URL: shared cache and rate limits; empty = per-environment
	Auth        string            // VNSTOCK_AUTH: keys (default) or off
	URLs        map[string]string // VNSTOCK_<SOURCE>_URL: upstream base URLs ("" = the real one)
	BTMCKey     string            // VNSTOCK_BTMC_KEY
	CORSOrigins []string          // VNSTOCK_CORS_ORIGINS
	// UsageFlush (VNSTOCK_USAGE_FLUSH, default 10s) is the least time
	// between two usage writes; the write happens at the end of an
	// invocation, so 0 writes after every one. SIGTERM writes the rest.
	UsageFlush time.Duration
	LogLevel   slog.Level // VNSTOCK_LOG_LEVEL: debug, info (default), warn, error
}

// loadConfig reads the environment through getenv and validates it.
func loadConfig(getenv func(string) string) (config, error) {
	env := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	c := config{
		DatabaseURL: env("DATABASE_URL", ""),
		DataDir:     env("VNSTOCK_DATA_DIR", "/tmp/vnstock"),
		RedisURL:    env("REDIS_URL", ""),
		Auth:        env("VNSTOCK_AUTH", auth.ModeKeys),
		URLs:        map[string]string{},
		BTMCKey:     env("VNSTOCK_BTMC_KEY", ""),
	}
	for _, v := range queryhalf.URLVars() {
		c.URLs[v.Name] = strings.TrimRight(env(v.Env, ""), "/")
	}
	for o := range strings.SplitSeq(env("VNSTOCK_CORS_ORIGINS", ""), ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.CORSOrigins = append(c.CORSOrigins, o)
		}
	}
	if err := c.LogLevel.UnmarshalText([]byte(env("VNSTOCK_LOG_LEVEL", "info"))); err != nil {
		return c, fmt.Errorf("VNSTOCK_LOG_LEVEL: %q is not one of debug, info, warn, error", getenv("VNSTOCK_LOG_LEVEL"))
	}
	flush, err := time.ParseDuration(env("VNSTOCK_USAGE_FLUSH", "10s"))
	if err != nil || flush < 0 {
		return c, fmt.Errorf("VNSTOCK_USAGE_FLUSH: %q is not a duration ≥ 0 such as 10s", getenv("VNSTOCK_USAGE_FLUSH"))
	}
	c.UsageFlush = flush
	if c.RedisURL != "" && !strings.HasPrefix(c.RedisURL, "redis://") && !strings.HasPrefix(c.RedisURL, "rediss://") {
		return c, fmt.Errorf("REDIS_URL: must start with redis:// or rediss:// (got a %d-character value)", len(c.RedisURL))
	}
	return c, queryhalf.CheckSettings(c.Auth, c.DatabaseURL, c.URLs)
}
