-- wrk script: sends every request of a list exactly once, in order, over wrk's connections, and stops
-- when the last answer is in. wrk alone can only run for a fixed time, which repeats a list that is too
-- short (answered from a cache, that is no longer a distinct-query figure) and counts the idle rest
-- of the time against a list that is done early; so this script keeps its own clock and ends the run.
--
--   wrk -t1 -c8 -d60s -s distinct.lua http://host:port -- LIST
--
-- LIST holds one request a line: the path with its query string, a tab, the Accept header. Run with one
-- thread (-t1): the list and the count live in that thread's Lua state. -d is the cap: a list not done
-- by then is reported as far as it got. Prints one line: RESULT answered failed first_failure seconds
-- p50_ms p99_ms timeouts socket_errors.

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *now);
int kill(int pid, int signal);
int getpid(void);
]])

local MONOTONIC, SIGINT = 1, 2
local requests = {}
local idle
local primed = false
local sent = 0
local threads = {}
-- Globals, not locals: done() reads them from the thread's state with thread:get.
answered, failed, first_failure = 0, 0, 0
started, finished = 0, 0

local function now()
  local t = ffi.new("bench_timespec")
  ffi.C.clock_gettime(MONOTONIC, t)
  return tonumber(t.tv_sec) + tonumber(t.tv_nsec) / 1e9
end

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  idle = wrk.format("GET", "/benchmark-idle-not-found")
  for line in io.lines(args[1]) do
    local path, accept = line:match("^(.-)\t(.*)$")
    requests[#requests + 1] = wrk.format("GET", path, { ["Accept"] = accept })
  end
end

function request()
  if not primed then
    -- wrk builds one request per thread that it never sends (seen with wrk 4.1: the first answer is to
    -- the second request built); that one must not use up an entry of the list.
    primed = true
    return idle
  end
  sent = sent + 1
  if sent == 1 then
    started = now()
  end
  if sent > #requests then
    -- The list is out; the connections whose answers are in ask for more while the last ones are on
    -- their way. They get a path no server has (404 at once, no query), so that the run waits for every
    -- answer of the list instead of hanging up on queries in flight.
    return idle
  end
  return requests[sent]
end

function response(status, headers, body)
  if sent > #requests and status == 404 then
    return -- an idle request's answer (a 404 of the list itself is told apart only before the list is out)
  end
  answered = answered + 1
  finished = now()
  if status < 200 or status > 299 then
    failed = failed + 1
    if first_failure == 0 then
      first_failure = status
    end
  end
  if answered == #requests then
    -- wrk's main thread sleeps for -d; SIGINT is its own way to end the run early.
    ffi.C.kill(ffi.C.getpid(), SIGINT)
    wrk.thread:stop()
  end
end

function done(summary, latency, _requests)
  local thread = threads[1]
  local elapsed = thread:get("finished") - thread:get("started")
  io.write(
    string.format(
      "RESULT %d %d %d %.6f %.3f %.3f %d %d\n",
      thread:get("answered"),
      thread:get("failed"),
      thread:get("first_failure"),
      elapsed,
      latency:percentile(50) / 1000,
      latency:percentile(99) / 1000,
      summary.errors.timeout,
      summary.errors.connect + summary.errors.read + summary.errors.write
    )
  )
end
