--[[
  A circuit breaker and retry budget shared by the whole fleet. Every decision, counter update and
  transition happens inside this one script, so it is atomic across all workers. The rules are those
  of breaker-machine.ts (the specification); a test runs random histories through both.

  KEYS[1]  breaker state hash   kind, since, gen, until, reopen, probes, succ, cf, by, reason,
                                last (newest bucket), c:<bucket> / f:<bucket> (calls / failures)
  KEYS[2]  transitions stream   one entry per transition: from, to, reason, at
  KEYS[3]  retry budget hash    tokens, at
  All three share one hash tag, so the script runs on Redis Cluster.

  ARGV[1]  operation: "admit" | "record" | "force" | "read"
  ARGV[2]  now in ms, or "" to use the Redis server's clock (one clock for the whole fleet)
  ARGV[3]  JSON options: { breaker: {windowMs, bucketMs, minimumCalls, failureRateThreshold,
           consecutiveFailureThreshold, slowCallMs, openMs, openBackoffFactor, maxOpenMs, halfOpenProbes,
           probeTimeoutMs, halfOpenRetryMs} | null, budget: {ratio, maxTokens, minPerSecond} | null }
  ARGV[4]  JSON input:  admit  { retry }
                        record { failed, durationMs, probe, generation }
                        force  { action: "open" | "closed" | "reset", by, reason }
                        read   {}

  Returns a JSON object { now, result, transition, state, budget }. `result` per operation:
    admit   { decision: "allow" | "probe", generation }
            { decision: "reject", reason: "open" | "forced_open" | "half_open_busy", retryAfterMs }
            { decision: "defer", retryAfterMs }          (retry budget spent)
    record, force, read   null
  `transition` is null or { from, to, reason }; `state` and `budget` are the hashes after the call.
  Errors: "unknown operation" for anything else in ARGV[1].
]]
local stateKey, eventsKey, budgetKey = KEYS[1], KEYS[2], KEYS[3]
local op = ARGV[1]
local options = cjson.decode(ARGV[3])
local input = cjson.decode(ARGV[4])
local B = options.breaker ~= cjson.null and options.breaker or nil
local budgetOptions = options.budget ~= cjson.null and options.budget or nil

local now
if ARGV[2] == "" then
  local t = redis.call("TIME")
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
else
  now = tonumber(ARGV[2])
end

local function int(x) return string.format("%d", x) end

local s = {}
do
  local flat = redis.call("HGETALL", stateKey)
  for i = 1, #flat, 2 do s[flat[i]] = flat[i + 1] end
end
local function num(field, default) return tonumber(s[field]) or default end
local kind = s.kind or "closed"
local gen = num("gen", 0)
local transition = cjson.null
local changed = {}

local function set(field, value) s[field] = value; changed[field] = true end

local function enter(to, reason)
  transition = { from = kind, to = to, reason = reason }
  redis.call("XADD", eventsKey, "MAXLEN", "~", "1000", "*", "from", kind, "to", to, "reason", reason, "at", int(now))
  kind = to
  set("kind", to)
  set("since", int(now))
end

local function clearWindow()
  for field in pairs(s) do
    if string.sub(field, 1, 2) == "c:" or string.sub(field, 1, 2) == "f:" then
      redis.call("HDEL", stateKey, field)
      s[field] = nil
    end
  end
  redis.call("HDEL", stateKey, "last", "cf")
  s.last, s.cf = nil, nil
end

local function openPeriod(reopen)
  return math.floor(math.min(B.maxOpenMs, B.openMs * B.openBackoffFactor ^ reopen))
end

local function open(reopen, reason)
  clearWindow()
  enter("open", reason)
  set("until", int(now + openPeriod(reopen)))
  set("reopen", int(reopen))
end

local function bucketsPerWindow() return math.ceil(B.windowMs / B.bucketMs) end

-- Time-driven moves: cool-down over, or the granted probes never reported back.
local function advance()
  if kind == "open" and now >= num("until", 0) then
    gen = gen + 1
    set("gen", int(gen))
    enter("half_open", "cool_down_elapsed")
    set("probes", "0")
    set("succ", "0")
  elseif kind == "half_open" and num("probes", 0) > 0 and now - num("since", 0) >= B.probeTimeoutMs then
    open(num("reopen", 0) + 1, "probe_timeout")
  end
end

-- Tokens are kept to a millionth, as in retry-budget.ts, so both read back the same number.
local function roundTokens(tokens) return math.floor(tokens * 1e6 + 0.5) / 1e6 end

local function refilledTokens()
  local tokens = tonumber(redis.call("HGET", budgetKey, "tokens"))
  if tokens == nil then return budgetOptions.maxTokens end
  local at = tonumber(redis.call("HGET", budgetKey, "at")) or now
  local accrued = math.max(0, now - at) / 1000 * budgetOptions.minPerSecond
  return roundTokens(math.min(budgetOptions.maxTokens, tokens + accrued))
end

local function saveTokens(tokens)
  redis.call("HSET", budgetKey, "tokens", tostring(tokens), "at", int(now))
end

local result = cjson.null

if op == "admit" then
  local probe = false
  local rejected = nil
  if B then
    advance()
    if kind == "forced_open" then
      rejected = { decision = "reject", reason = "forced_open", retryAfterMs = B.openMs }
    elseif kind == "open" then
      rejected = { decision = "reject", reason = "open", retryAfterMs = num("until", now) - now }
    elseif kind == "half_open" then
      if num("probes", 0) >= B.halfOpenProbes then
        rejected = { decision = "reject", reason = "half_open_busy", retryAfterMs = B.halfOpenRetryMs }
      else
        probe = true
      end
    end
  end
  if rejected then
    result = rejected
  else
    if budgetOptions then
      local tokens = refilledTokens()
      if input.retry then
        if tokens >= 1 then
          saveTokens(roundTokens(tokens - 1))
        else
          saveTokens(tokens)
          local wait = math.ceil((1 - tokens) / math.max(budgetOptions.minPerSecond, 0.001) * 1000)
          result = { decision = "defer", retryAfterMs = wait }
        end
      else
        saveTokens(roundTokens(math.min(budgetOptions.maxTokens, tokens + budgetOptions.ratio)))
      end
    end
    if result == cjson.null then
      if probe then set("probes", int(num("probes", 0) + 1)) end
      result = { decision = probe and "probe" or "allow", generation = gen }
    end
  end
elseif op == "record" then
  if B then
    local failed = input.failed or input.durationMs > B.slowCallMs
    if kind == "half_open" then
      if input.probe and input.generation == gen then
        if failed then
          open(num("reopen", 0) + 1, "probe_failed")
        else
          local succ = num("succ", 0) + 1
          if succ >= B.halfOpenProbes then
            clearWindow()
            enter("closed", "probes_succeeded")
            redis.call("HDEL", stateKey, "until", "reopen", "probes", "succ")
            s["until"], s.reopen, s.probes, s.succ = nil, nil, nil, nil
          else
            set("succ", int(succ))
          end
        end
      end
    elseif kind == "closed" then
      local current = math.floor(now / B.bucketMs)
      local n = bucketsPerWindow()
      local last = num("last", current)
      -- Buckets that slid out of the window since the last write: at most one window's worth.
      for i = math.max(last - n + 1, current - 2 * n), math.min(last, current - n) do
        redis.call("HDEL", stateKey, "c:" .. int(i), "f:" .. int(i))
        s["c:" .. int(i)], s["f:" .. int(i)] = nil, nil
      end
      set("last", int(math.max(last, current)))
      set("c:" .. int(current), int(num("c:" .. int(current), 0) + 1))
      if failed then set("f:" .. int(current), int(num("f:" .. int(current), 0) + 1)) end
      local cf = failed and num("cf", 0) + 1 or 0
      set("cf", int(cf))
      local calls, failures = 0, 0
      for i = current - n + 1, current do
        calls = calls + num("c:" .. int(i), 0)
        failures = failures + num("f:" .. int(i), 0)
      end
      local reason = nil
      if cf >= B.consecutiveFailureThreshold then
        reason = "consecutive_failures"
      elseif calls >= B.minimumCalls and failures / calls >= B.failureRateThreshold then
        reason = "failure_rate"
      end
      if reason then open(0, reason) end
    end
  end
elseif op == "force" then
  clearWindow()
  redis.call("HDEL", stateKey, "until", "reopen", "probes", "succ", "by", "reason")
  s["until"], s.reopen, s.probes, s.succ, s.by, s.reason = nil, nil, nil, nil, nil, nil
  if input.action == "reset" then
    enter("closed", "reset")
  else
    enter(input.action == "open" and "forced_open" or "forced_closed", "forced")
    set("by", input.by)
    set("reason", input.reason)
  end
elseif op ~= "read" then
  return redis.error_reply("unknown operation " .. tostring(op))
end

local writes = {}
for field in pairs(changed) do
  if s[field] ~= nil then
    writes[#writes + 1] = field
    writes[#writes + 1] = s[field]
  end
end
if #writes > 0 then redis.call("HSET", stateKey, unpack(writes)) end

local budget = cjson.null
if budgetOptions then
  local flat = redis.call("HGETALL", budgetKey)
  if #flat > 0 then
    budget = {}
    for i = 1, #flat, 2 do budget[flat[i]] = flat[i + 1] end
  end
end
s.kind = kind
return cjson.encode({ now = now, result = result, transition = transition, state = s, budget = budget })
