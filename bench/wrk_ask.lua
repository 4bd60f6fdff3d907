-- wrk -s bench/wrk_ask.lua: POST /api/ask with the bodies in $WRK_BODIES (one JSON per line),
-- each thread cycling through them; prints a JSON summary line at the end (wrk itself
-- prints "Non-2xx or 3xx responses" when there are any).
local bodies = {}
for line in io.lines(os.getenv("WRK_BODIES")) do bodies[#bodies + 1] = line end
local n = 0

request = function()
  n = n + 1
  local body = bodies[(n % #bodies) + 1]
  return wrk.format("POST", "/api/ask", {["Content-Type"] = "application/json"}, body)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_s": %.2f, "rps": %.1f, "p50_ms": %.1f, "p95_ms": %.1f, ' ..
    '"p99_ms": %.1f, "max_ms": %.1f, "socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.connect + e.read + e.write + e.timeout))
end
