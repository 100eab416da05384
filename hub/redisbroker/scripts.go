package redisbroker

import "github.com/redis/go-redis/v9"

// The broker's Redis state, under Config.Prefix:
//
//	seq    the deployment's sequence counter (INCR)
//	epoch  names the history; created with SET NX when missing, replaced
//	       when an instance published on its own while Redis was away
//	hist   the history stream; entry ID <seq>-0, fields t (topic), m (message)
//	last   hash topic → message of the topic's latest event
//	t:<topic>      the topic's pub/sub channel; payload = message
//	ctl:<instance> one instance's marker channel
//	lease:<name>, fence:<name>  a Lease and its token counter
//
// A message is "<seq>:<ts>:<data>".

// publishScript appends a batch of events atomically: per event it takes the
// next seq, appends to the trimmed stream, records the last value and
// publishes. A fenced event (lease not held) gets seq 0 and is not
// published. A missing epoch means Redis lost its state: the script refuses
// (NOEPOCH) so that the broker re-establishes the epoch and a seq above
// every seq already delivered before it publishes again.
//
// KEYS: seq, epoch, hist, last.
// ARGV: channel prefix, trim min ID, fence count, fences as (key, value,
// ttl ms)…, then events as (fence index or 0, topic, ts, data)….
var publishScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[2]) == 0 then
  return redis.error_reply('NOEPOCH history epoch missing')
end
local nf = tonumber(ARGV[3])
local held = {}
local i = 4
for f = 1, nf do
  local cur = redis.call('GET', ARGV[i])
  if not cur then
    redis.call('SET', ARGV[i], ARGV[i+1], 'PX', ARGV[i+2])
    cur = ARGV[i+1]
  end
  held[f] = (cur == ARGV[i+1])
  i = i + 3
end
local out, last, n, minid = {}, {}, #ARGV, ARGV[2]
while i <= n do
  local f, topic = ARGV[i], ARGV[i+1]
  if f == '0' or held[tonumber(f)] then
    local seq = redis.call('INCR', KEYS[1])
    local id = string.format('%d', seq)
    local msg = id .. ':' .. ARGV[i+2] .. ':' .. ARGV[i+3]
    redis.call('XADD', KEYS[3], 'MINID', minid, id .. '-0', 't', topic, 'm', msg)
    redis.call('PUBLISH', ARGV[1] .. topic, msg)
    last[topic] = msg
    out[#out+1] = seq
  else
    out[#out+1] = 0
  end
  i = i + 4
end
local kv = {}
for topic, msg in pairs(last) do
  kv[#kv+1] = topic
  kv[#kv+1] = msg
end
if #kv > 0 then
  redis.call('HSET', KEYS[4], unpack(kv))
end
return out
`)

// syncScript establishes the epoch (creating it when Redis lost it, or
// replacing it when rotate is 1) and raises the seq counter to at least
// head, so that no seq an instance already delivered is handed out again.
//
// KEYS: seq, epoch. ARGV: new epoch, rotate (0|1), head.
// Returns {epoch, seq, created (0|1)}.
var syncScript = redis.NewScript(`
local e = redis.call('GET', KEYS[2])
local created = 0
if (not e) or ARGV[2] == '1' then
  redis.call('SET', KEYS[2], ARGV[1])
  e = ARGV[1]
  created = 1
end
local s = tonumber(redis.call('GET', KEYS[1]) or '0')
if s < tonumber(ARGV[3]) then
  redis.call('SET', KEYS[1], ARGV[3])
  s = tonumber(ARGV[3])
end
return {e, string.format('%d', s), created}
`)

// markerScript publishes "<token>:<seq>" on an instance's marker channel,
// atomically with reading the seq: every event with a lower or equal seq
// was published before the marker. It returns {seq, epoch or ""}.
//
// KEYS: seq, epoch. ARGV: channel, token.
var markerScript = redis.NewScript(`
local s = redis.call('GET', KEYS[1]) or '0'
local e = redis.call('GET', KEYS[2]) or ''
redis.call('PUBLISH', ARGV[1], ARGV[2] .. ':' .. s)
return {s, e}
`)

// acquireScript takes a free lease: the next fence token, and the value
// "<token>:<owner>" with a TTL. It returns the value, or nil when held.
//
// KEYS: lease, fence counter. ARGV: owner, ttl ms.
var acquireScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local v = string.format('%d', redis.call('INCR', KEYS[2])) .. ':' .. ARGV[1]
redis.call('SET', KEYS[1], v, 'PX', ARGV[2])
return v
`)

// renewScript extends a held lease, or takes it back when Redis lost it
// (restart); it returns 0 when another owner holds it.
//
// KEYS: lease. ARGV: value, ttl ms.
var renewScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not cur then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`)

// releaseScript deletes the lease if this owner still holds it.
//
// KEYS: lease. ARGV: value.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`)
