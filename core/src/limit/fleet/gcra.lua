-- chatlane's fleet-wide pacing: GCRA with reservations, on Redis's clock (one atomic call).
-- The same rule as the in-process limiter (core/src/limit/mod.rs), with its state in Redis:
-- the budget of an account and operation runs at the fastest quota any client paces it with;
-- a client slower than that takes a slot of its own quota's schedule first; a departure is
-- also checked against a sliding window of one second (plus a margin) of departures.
--
-- KEYS[1]  the budget (hash: iv = emission interval in µs, burst, tat = theoretical arrival
--          time in µs on Redis's clock, epoch = when it was made)
-- KEYS[2]  the caller's own schedule (hash: tat), used when its quota is slower than the budget
-- KEYS[3]  the departures of the last window (sorted set, scored by time in µs)
-- ARGV[1]  "reserve" (take a slot) or "depart" (record the departure of a slot reserved in
--          the budget's epoch ARGV[6]; a slot of another epoch — Redis restarted empty since,
--          and forgot it — is reserved again)
-- ARGV[2]  the caller's emission interval in µs    ARGV[3]  its burst
-- ARGV[4]  the longest acceptable wait in µs (-1: any)
-- ARGV[5]  a token unique to this call (the departure's member)
-- ARGV[6]  with "depart": the epoch the slot was reserved in
-- ARGV[7]  the window of departures in µs (a little over one second)
-- Returns {1, 0, 0}: go now (departure recorded); {2, wait, epoch}: a slot is reserved, call
-- "depart" with the epoch after `wait` µs; {0, wait, 0}: refused, the earliest slot is `wait`
-- µs away (nothing stored).
local WINDOW = tonumber(ARGV[7])
local KEEP = 60000
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval, burst = tonumber(ARGV[2]), tonumber(ARGV[3])
local max_wait = tonumber(ARGV[4])

local function int(x) return string.format('%.0f', x) end

-- The GCRA slot for an arrival at `at`: when it may go, and the TAT to store.
local function admit(iv, b, tat, at)
  tat = math.max(tat or at, at)
  return math.max(tat - iv * (b - 1), at), tat + iv
end

-- Stores a TAT, kept a minute past it.
local function store(key, tat)
  redis.call('HSET', key, 'tat', int(tat))
  redis.call('PEXPIRE', key, math.ceil((tat - now) / 1000) + KEEP)
end

local budget = redis.call('HMGET', KEYS[1], 'iv', 'burst', 'tat', 'epoch')
local b_iv, b_burst, b_tat, epoch = tonumber(budget[1]), tonumber(budget[2]), tonumber(budget[3]), budget[4]

-- Departs now if the last window holds fewer departures than the budget allows; else the wait.
local function depart()
  local capacity = math.max(math.floor(1000000 / b_iv) + b_burst - 1, 1)
  if capacity > 65536 then return 0 end
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', int(now - WINDOW))
  if redis.call('ZCARD', KEYS[3]) >= capacity then
    local oldest = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
    return tonumber(oldest[2]) + WINDOW - now
  end
  redis.call('ZADD', KEYS[3], int(now), ARGV[5])
  redis.call('PEXPIRE', KEYS[3], 2 * WINDOW / 1000)
  return 0
end

local function go()
  local wait = depart()
  if wait == 0 then return {1, 0, 0} end
  return {2, wait, epoch}
end

if ARGV[1] == 'depart' and b_iv and epoch == ARGV[6] then return go() end

-- A faster quota raises the budget: the slots reserved are re-spaced at the new rate, and the
-- clients of the old quota keep its schedule as their own.
if not b_iv or interval < b_iv or (interval == b_iv and burst > b_burst) then
  if b_iv and b_tat then
    store(KEYS[1] .. ':cap:' .. int(b_iv) .. ':' .. int(b_burst), b_tat)
    if b_tat > now then b_tat = now + (b_tat - now) * interval / b_iv end
  end
  b_iv, b_burst = interval, burst
  redis.call('HSET', KEYS[1], 'iv', int(b_iv), 'burst', int(b_burst))
  if not epoch then
    epoch = int(now)
    redis.call('HSET', KEYS[1], 'epoch', epoch)
  end
end

local at, own_tat = now, nil
if interval ~= b_iv or burst ~= b_burst then
  at, own_tat = admit(interval, burst, tonumber(redis.call('HGET', KEYS[2], 'tat')), now)
end
local departs, tat = admit(b_iv, b_burst, b_tat, at)
local wait = departs - now
if max_wait >= 0 and wait > max_wait then return {0, wait, 0} end
if own_tat then store(KEYS[2], own_tat) end
store(KEYS[1], tat)
if wait > 0 then return {2, wait, epoch} end
return go()
