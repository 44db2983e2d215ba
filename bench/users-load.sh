#!/usr/bin/env bash
# Users API load benchmark: GET /t/10001/api/v1/users/{id} with a bearer token, so every request
# runs the tollgate-verifier check (parse, ES256 signature, claims, revocation, scope) before a
# user lookup. The server runs on a fresh embedded store pinned to CPU 0, wrk is pinned to CPU 1
# (-t1 -c32): a warm-up, then three rounds. In the same invocation, before the server starts, the
# raw ES256 signature-verification rate (JMH VerifierBenchmark.rawVerify: Nimbus ECDSAVerifier with
# ACCP) is measured on the server's core, and each round is printed beside it as a ratio, so the
# figures can be read on a shared, noisy machine.
#
#   bench/users-load.sh                 # 15 s warm-up, 3 rounds of 15 s: about 2 minutes
#   NO_BUILD=1 bench/users-load.sh      # reuse server/target/tollgate.jar and bench/target/benchmarks.jar
#   WARMUP=60 ROUNDS=3 DURATION=20 CONNECTIONS=32 USERS=5 JVM_OPTS="-Xmx128m" bench/users-load.sh
#   RAW=0 bench/users-load.sh           # skip the JMH baseline (no ratio)
set -euo pipefail
cd "$(dirname "$0")/.."

WARMUP=${WARMUP:-15}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15}
USERS=${USERS:-5}
PORT=${PORT:-18182}
RAW=${RAW:-1}
TENANT=10001

# shellcheck source=bench/lib.sh
. bench/lib.sh
require_load_tools
command -v python3 >/dev/null || { echo "python3 is missing (reads JSON)" >&2; exit 2; }
if [ "${NO_BUILD:-}" != 1 ]; then
  # maven.test.skip as in bench/jmh.sh: only main classes are needed for the two jars.
  ./mvnw -q -pl server,bench -am package -Dmaven.test.skip=true
fi
[ -f server/target/tollgate.jar ] || { echo "server/target/tollgate.jar missing" >&2; exit 2; }

json() { python3 -c 'import json,sys; print(eval("json.load(sys.stdin)" + sys.argv[1]))' "$1"; }

# 1. Raw ES256 signature verification on the server's core, before the server exists.
raw="" raw_err=""
if [ "$RAW" = 1 ]; then
  [ -f bench/target/benchmarks.jar ] || { echo "bench/target/benchmarks.jar missing" >&2; exit 2; }
  echo "# raw ES256 verify (JMH VerifierBenchmark.rawVerify, CPU $SERVER_CPU), load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  taskset -c "$SERVER_CPU" "$JAVA" -jar bench/target/benchmarks.jar 'VerifierBenchmark.rawVerify$' \
    -f 1 -wi 2 -w 2s -i 3 -r 2s -rf json -rff "$work/raw.json" >"$work/raw.txt" 2>&1 \
    || { tail -20 "$work/raw.txt" >&2; echo "JMH baseline failed" >&2; exit 1; }
  raw=$(json '[0]["primaryMetric"]["score"]' <"$work/raw.json" | awk '{printf "%.0f", $1}')
  raw_err=$(json '[0]["primaryMetric"]["scoreError"]' <"$work/raw.json" | awk '{printf "%.0f", $1}')
fi

# 2. The server, a read token and a few users.
start_server
base="http://127.0.0.1:$PORT/t/$TENANT"

token() { # scope -> access token
  curl -sf -u "$client_id:$client_secret" -d grant_type=client_credentials -d "scope=$1" "$base/oauth2/token" \
    | json '["access_token"]'
}
write_token=$(token users:write)
read_token=$(token users:read)

ids=()
for i in $(seq 1 "$USERS"); do
  body=$(printf '{"username":"bench%d","email":"bench%d@example.com","first_name":"Bench","last_name":"User %d"}' "$i" "$i" "$i")
  id=$(curl -sf -H "Authorization: Bearer $write_token" -H "Content-Type: application/json" \
    -d "$body" "$base/api/v1/users" | json '["id"]')
  ids+=("$id")
done
# Sanity: a real read before measuring anything, and the read token cannot write.
curl -sf -H "Authorization: Bearer $read_token" "$base/api/v1/users/${ids[0]}" | grep -q '"username"'
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $read_token" \
  -H "Content-Type: application/json" -d '{"username":"x","email":"x@example.com"}' "$base/api/v1/users")
[ "$code" = 403 ] || { echo "read token could write (HTTP $code)" >&2; exit 1; }

# Round-robin over the users, one bearer token for every request (as a busy client would send).
{
  echo 'local paths = {'
  for id in "${ids[@]}"; do echo "  \"/t/$TENANT/api/v1/users/$id\","; done
  echo '}'
  cat <<LUA
local n = 0
wrk.headers["Authorization"] = "Bearer $read_token"
request = function()
  n = n % #paths + 1
  return wrk.format("GET", paths[n])
end
LUA
} >"$work/users.lua"

run_wrk() { # seconds
  taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"$1"s --latency -s "$work/users.lua" "http://127.0.0.1:$PORT"
}
echo "# warm-up ${WARMUP}s (users GET), load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
run_wrk "$WARMUP" >/dev/null

echo "| round | users GET/s | p50 ms | p99 ms | non-2xx | raw ES256 verify/s (baseline) | GET/s ÷ raw verify/s |"
echo "|---|---|---|---|---|---|---|"
total=0
for r in $(seq 1 "$ROUNDS"); do
  run_wrk "$DURATION" >"$work/round$r.txt"
  read -r rps p50 p99 errors < <(parse_wrk "$work/round$r.txt")
  ratio=n/a
  [ -n "$raw" ] && ratio=$(awk -v a="$rps" -v b="$raw" 'BEGIN {printf "%.2f", a/b}')
  echo "| $r | $rps | $p50 | $p99 | $errors | ${raw:-n/a} | $ratio |"
  total=$((total + rps))
done
mean=$((total / ROUNDS))
echo
[ -n "$raw" ] && echo "raw ES256 verify (ECDSAVerifier.verify, JMH -f 1 -wi 2 -i 3, CPU $SERVER_CPU, before the server):" \
  "$raw ± $raw_err ops/s; mean users GET/s ÷ raw: $(awk -v a="$mean" -v b="$raw" 'BEGIN {printf "%.2f", a/b}')"
echo "mean users GET/s: $mean over $USERS users; server RSS after load: $(server_rss_mb) MB;" \
  "JVM: $JVM_OPTS; crypto: $(grep -o 'crypto provider: .*' "$work/err.txt" | head -1);" \
  "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
