#!/usr/bin/env bash
# Token endpoint load benchmark: the server on the embedded store pinned to CPU 0, wrk pinned to
# CPU 1, three rounds of client-credentials token requests at 32 connections, and a baseline of
# JWKS GETs (same server, same HTTP stack, no signing) in the same invocation, so the figures can
# be read as ratios on a shared, noisy machine.
#
#   bench/token-load.sh                 # standard 20 s warm-up
#   WARMUP=120 bench/token-load.sh      # long warm-up
#   ROUNDS=3 DURATION=20 CONNECTIONS=32 JVM_OPTS="-Xmx128m" bench/token-load.sh
set -euo pipefail
cd "$(dirname "$0")/.."

WARMUP=${WARMUP:-20}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-20}

# shellcheck source=bench/lib.sh
. bench/lib.sh
require_load_tools
if [ "${NO_BUILD:-}" != 1 ]; then
  ./mvnw -q -pl server -am package -DskipTests
fi

start_token_server
jwks_url="http://127.0.0.1:$PORT/t/10001/oauth2/jwks"

# Sanity: one real token before measuring anything.
curl -sf -u "$client_id:$client_secret" -d grant_type=client_credentials "$token_url" | grep -q access_token

echo "# warm-up ${WARMUP}s (tokens)" >&2
pinned_wrk "$WARMUP" "$token_url" "$work/token.lua" >/dev/null

echo "| round | tokens/s | p50 ms | p99 ms | non-2xx | JWKS GET/s (baseline) | tokens/s ÷ JWKS/s |"
echo "|---|---|---|---|---|---|---|"
total=0
for r in $(seq 1 "$ROUNDS"); do
  pinned_wrk "$DURATION" "$token_url" "$work/token.lua" >"$work/round$r.txt"
  read -r rps p50 p99 errors < <(parse_wrk "$work/round$r.txt")
  pinned_wrk "$((DURATION / 2))" "$jwks_url" >"$work/jwks$r.txt"
  read -r jrps _ _ _ < <(parse_wrk "$work/jwks$r.txt")
  ratio=$(awk -v a="$rps" -v b="$jrps" 'BEGIN {printf "%.2f", a/b}')
  echo "| $r | $rps | $p50 | $p99 | $errors | $jrps | $ratio |"
  total=$((total + rps))
done
echo
echo "mean tokens/s: $((total / ROUNDS)); server RSS after load: $(server_rss_mb) MB;" \
  "JVM: $JVM_OPTS; crypto: $(grep -o 'crypto provider: .*' "$work/err.txt" | head -1)"
