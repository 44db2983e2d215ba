#!/usr/bin/env bash
# Token endpoint throughput of this checkout against an earlier commit, in one invocation: both
# jars are built, then the two servers take turns (baseline, current, baseline, current, …), each
# on a fresh embedded store pinned to CPU $SERVER_CPU with wrk on CPU $LOAD_CPU, so a noisy
# neighbour slows both alike and only the per-round ratio current ÷ baseline is read.
#
#   bench/token-compare.sh 6a8fe1a                               # defaults: token audit off
#   TOLLGATE_AUDIT_TOKEN_EVENTS=committed bench/token-compare.sh HEAD~5
#   ROUNDS=5 DURATION=20 bench/token-compare.sh REV
set -euo pipefail
cd "$(dirname "$0")/.."

BASE=${1:?usage: bench/token-compare.sh BASE_REVISION}
WARMUP=${WARMUP:-15}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-20}
export TOLLGATE_AUDIT_TOKEN_EVENTS=${TOLLGATE_AUDIT_TOKEN_EVENTS:-off}

# shellcheck source=bench/lib.sh
. bench/lib.sh
require_load_tools

base_tree="$work/base"
git worktree add -q --detach "$base_tree" "$BASE"
trap 'cleanup; git worktree remove --force "$base_tree" 2>/dev/null || true' EXIT
echo "# building $BASE and this checkout" >&2
(cd "$base_tree" && ./mvnw -q -pl server -am package -DskipTests)
./mvnw -q -pl server -am package -DskipTests
cp "$base_tree/server/target/tollgate.jar" "$work/base.jar"
cp server/target/tollgate.jar "$work/current.jar"

measure() { # jar -> "tokens/s p99"
  JAR=$1 start_token_server
  curl -sf -u "$client_id:$client_secret" -d grant_type=client_credentials "$token_url" | grep -q access_token
  pinned_wrk "$WARMUP" "$token_url" "$work/token.lua" >/dev/null
  pinned_wrk "$DURATION" "$token_url" "$work/token.lua" >"$work/round.txt"
  stop_server
  read -r rps _ p99 _ < <(parse_wrk "$work/round.txt")
  echo "$rps $p99"
}

echo "token audit: $TOLLGATE_AUDIT_TOKEN_EVENTS; JVM: $JVM_OPTS; $CONNECTIONS connections; ${DURATION}s per run"
echo
echo "| round | $BASE tokens/s | p99 ms | $(git rev-parse --short HEAD) tokens/s | p99 ms | current ÷ base |"
echo "|---|---|---|---|---|---|"
for r in $(seq 1 "$ROUNDS"); do
  read -r base_rps base_p99 < <(measure "$work/base.jar")
  read -r cur_rps cur_p99 < <(measure "$work/current.jar")
  ratio=$(awk -v a="$cur_rps" -v b="$base_rps" 'BEGIN {printf "%.2f", a/b}')
  echo "| $r | $base_rps | $base_p99 | $cur_rps | $cur_p99 | $ratio |"
done
