-- positions.lua - wrk script: durable position writes from 32 delegations.
-- Each request is a footnote with a new text, so every one is a real
-- change of position (recorded as an event, committed with fsync); the
-- delegations take turns.  TOKENS (space-separated) and PROPOSAL come from
-- the environment, and WRK_ID (optional) tells the texts of several wrk
-- runs at once apart (bench/pg.sh).
local tokens = {}
for t in string.gmatch(os.getenv("TOKENS") or "", "%S+") do
  tokens[#tokens + 1] = t
end
local proposal = os.getenv("PROPOSAL") or "1"
local run = os.getenv("WRK_ID") or ""
local counter = 0
local thread_id = 0
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("thread_id", next_id)
end

function request()
  counter = counter + 1
  local tok = tokens[((counter + thread_id * 7) % #tokens) + 1]
  local body = string.format('{"position":"footnote","text":"bench %s%d/%d"}', run, thread_id, counter)
  return wrk.format("POST", "/api/v1/proposals/" .. proposal .. "/positions",
    { ["Authorization"] = "Bearer " .. tok, ["Content-Type"] = "application/json" }, body)
end
