#!/usr/bin/env bash
# The token endpoint under a brute-force attack. One invocation, one server (embedded store,
# pinned to CPU 0): the correct client's latency and tokens/s with wrk alone ("quiet"), then again
# while WrongSecretFlood hammers wrong secrets from source address 127.0.0.2 ("attack"), both
# load generators pinned to CPU 1. Each round is a quiet/attack pair, so the ratio
# attack p99 ÷ quiet p99 compares measurements taken a few seconds apart on the same machine.
#
# The attacker's target is the very client wrk authenticates as (ATTACK_CLIENT=same, default), so
# the figure includes the per-client-id limit and the exemption of wrk's address, which
# authenticated during the warm-up; ATTACK_CLIENT=made-up sprays unknown client ids instead,
# which the per-address limit stops. The attacker ignores Retry-After.
#
#   bench/token-attack.sh                          # 20 s warm-up, 2 rounds of 20 s + 20 s
#   WARMUP=10 DURATION=15 bench/token-attack.sh
#   ROUNDS=3 CONNECTIONS=32 ATTACKERS=16 ATTACK_CLIENT=made-up NO_BUILD=1 bench/token-attack.sh
set -euo pipefail
cd "$(dirname "$0")/.."

WARMUP=${WARMUP:-20}
ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-20}
ATTACKERS=${ATTACKERS:-16}
ATTACK_SOURCE=${ATTACK_SOURCE:-127.0.0.2}
ATTACK_CLIENT=${ATTACK_CLIENT:-same}
ATTACK_JVM_OPTS=${ATTACK_JVM_OPTS:--Xmx128m -XX:+UseSerialGC}

# shellcheck source=bench/lib.sh
. bench/lib.sh
require_load_tools
if [ "${NO_BUILD:-}" != 1 ]; then
  ./mvnw -q -pl server,bench -am package -DskipTests
fi
[ -f bench/target/benchmarks.jar ] || { echo "bench/target/benchmarks.jar is missing: build without NO_BUILD=1" >&2; exit 2; }

start_token_server

# Sanity: one real token, and a wrong secret from the attacker's address is refused as it should be.
curl -sf -u "$client_id:$client_secret" -d grant_type=client_credentials "$token_url" | grep -q access_token
status=$(curl -s -o /dev/null -w '%{http_code}' --interface "$ATTACK_SOURCE" -u "made-up-sanity:x" \
  -d grant_type=client_credentials "$token_url")
[ "$status" = 401 ] || { echo "a request from $ATTACK_SOURCE got $status, expected 401" >&2; exit 1; }

attack_id() { # round -> the client id the attacker guesses secrets for; * = a new made-up id per request
  if [ "$ATTACK_CLIENT" = same ]; then echo "$client_id"; else echo "made-up-$1-$RANDOM-*"; fi
}

# The attacker starts 2 s before the measured window (its JVM needs about 1 s on a busy CPU) and
# stops about 1 s after it, so wrk never measures a quiet second.
flood() { # seconds client-id
  # shellcheck disable=SC2086
  taskset -c "$LOAD_CPU" "$JAVA" $ATTACK_JVM_OPTS -cp bench/target/benchmarks.jar dev.tollgate.bench.WrongSecretFlood \
    --url "$token_url" --client-id "$2" --source "$ATTACK_SOURCE" --threads "$ATTACKERS" --seconds "$1"
}

echo "# warm-up ${WARMUP}s (tokens, quiet)" >&2
pinned_wrk "$WARMUP" "$token_url" "$work/token.lua" >/dev/null

echo "| round | phase | tokens/s | p50 ms | p99 ms | non-2xx | attacker req/s | attacker 401 | attacker 429 | attacker 5xx | attacker other / I/O errors | attack p99 ÷ quiet p99 |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for r in $(seq 1 "$ROUNDS"); do
  pinned_wrk "$DURATION" "$token_url" "$work/token.lua" >"$work/quiet$r.txt"
  read -r qrps qp50 qp99 qerr < <(parse_wrk "$work/quiet$r.txt")
  echo "| $r | quiet | $qrps | $qp50 | $qp99 | $qerr | | | | | | |"

  flood "$((DURATION + 3))" "$(attack_id "$r")" >"$work/flood$r.txt" 2>"$work/flood$r.err" &
  flood_pid=$!
  sleep 2
  pinned_wrk "$DURATION" "$token_url" "$work/token.lua" >"$work/attack$r.txt"
  wait "$flood_pid" || { cat "$work/flood$r.err" >&2; echo "attacker failed" >&2; exit 1; }
  read -r arps ap50 ap99 aerr < <(parse_wrk "$work/attack$r.txt")
  line=$(cat "$work/flood$r.txt")
  field() { sed -E "s#.*(^| )$1=([^ ]+).*#\\2#" <<<"$line"; }
  ratio=$(awk -v a="$ap99" -v q="$qp99" 'BEGIN {printf "%.2f", a/q}')
  echo "| $r | attack | $arps | $ap50 | $ap99 | $aerr | $(field 'req/s') | $(field 401) | $(field 429) | $(field 5xx) | $(field other) / $(field io_errors) | **$ratio** |"
done
echo
echo "attacker: $ATTACKERS virtual threads from $ATTACK_SOURCE, target client: $ATTACK_CLIENT;" \
  "wrk: $CONNECTIONS connections from 127.0.0.1; server RSS after load: $(server_rss_mb) MB;" \
  "JVM: $JVM_OPTS; crypto: $(grep -o 'crypto provider: [A-Za-z]*[^"]*' "$work/err.txt" | head -1)"
