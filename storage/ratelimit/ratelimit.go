// Package ratelimit is the rate limiter shared by every instance of a
// deployment: GCRA (the generic cell rate algorithm, a token bucket kept as
// one timestamp) plus a daily quota counter, each decided in one atomic Lua
// script on Redis, so the limit holds across instances.
package ratelimit

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vnstock-api/vnstock-api/market"
)

// script decides one request. KEYS[1] the GCRA key (theoretical arrival
// time, ms), KEYS[2] the day's quota counter. ARGV: emission interval ms,
// burst, daily quota (0 = none), quota TTL s. Redis's own clock is the
// clock, so instances with skewed clocks agree.
// Returns {allowed, remaining, reset_ms, retry_ms, quota_refused}.
var script = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local daily = tonumber(ARGV[3])
if daily > 0 then
  local used = tonumber(redis.call('GET', KEYS[2]) or '0')
  if used >= daily then
    return {0, 0, 0, tonumber(ARGV[4]) * 1000, 1}
  end
end
local tolerance = interval * burst
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - tolerance
if allow_at > now then
  local remaining = math.floor((tolerance - (tat - now)) / interval)
  return {0, math.max(remaining, 0), tat - now, allow_at - now, 0}
end
redis.call('SET', KEYS[1], new_tat, 'PX', math.ceil(tolerance + interval))
if daily > 0 then
  redis.call('INCR', KEYS[2])
  redis.call('EXPIRE', KEYS[2], tonumber(ARGV[4]))
end
local remaining = math.floor((tolerance - (new_tat - now)) / interval)
return {1, math.max(remaining, 0), new_tat - now, 0, 0}
`)

// Decision is the answer for one request.
type Decision struct {
	Allowed    bool
	Remaining  int           // requests left in the burst
	Reset      time.Duration // until the bucket is full again
	RetryAfter time.Duration // when refused: until one request is allowed
	Quota      bool          // refused by the daily quota
}

// Redis is a limiter on Redis. Safe for concurrent use.
type Redis struct {
	rdb    redis.UniversalClient
	prefix string
	now    func() time.Time
}

// New returns a limiter keeping its state under prefix (default "vnstock:rl:").
func New(rdb redis.UniversalClient, prefix string) *Redis {
	if prefix == "" {
		prefix = "vnstock:rl:"
	}
	return &Redis{rdb: rdb, prefix: prefix, now: time.Now}
}

// Allow decides one request of subject under a bucket of rps refilling to
// burst and a quota of daily requests per ICT day (0 = none).
func (l *Redis) Allow(ctx context.Context, subject string, rps float64, burst int, daily int64) (Decision, error) {
	if rps <= 0 || burst <= 0 {
		return Decision{Allowed: true}, nil
	}
	interval := max(1, int64(math.Round(1000/rps)))
	day := market.Date(l.now())
	ttl := int64(day.AddDate(0, 0, 1).Sub(l.now()).Seconds()) + 1
	keys := []string{l.prefix + subject, l.prefix + subject + ":q:" + day.Format("20060102")}
	res, err := script.Run(ctx, l.rdb, keys, interval, burst, daily, ttl).Int64Slice()
	if err != nil {
		return Decision{}, fmt.Errorf("rate limit: %w", err)
	}
	if len(res) != 5 {
		return Decision{}, fmt.Errorf("rate limit: script returned %d values", len(res))
	}
	return Decision{
		Allowed:    res[0] == 1,
		Remaining:  int(res[1]),
		Reset:      time.Duration(res[2]) * time.Millisecond,
		RetryAfter: time.Duration(res[3]) * time.Millisecond,
		Quota:      res[4] == 1,
	}, nil
}
