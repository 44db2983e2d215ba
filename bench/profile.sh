#!/usr/bin/env bash
# Where a token's time and memory go with the defaults: the server under the same wrk load as
# bench/peers.sh, with a JDK Flight Recording of the measured window, summarised by the JDK's own
# `jfr view` (hot methods, allocation by class, GC pauses). The recording stays in
# bench/target/profile.jfr for JDK Mission Control.
#
#   bench/profile.sh                    # WARMUP=15 DURATION=20 CONNECTIONS=32
#   NO_BUILD=1 bench/profile.sh
set -euo pipefail
cd "$(dirname "$0")/.."

WARMUP=${WARMUP:-15}
DURATION=${DURATION:-20}
recording=bench/target/profile.jfr
mkdir -p bench/target

# shellcheck source=bench/lib.sh
. bench/lib.sh
require_load_tools
if [ "${NO_BUILD:-}" != 1 ]; then
  ./mvnw -q -pl server -am package -DskipTests
fi

# The launcher's options, plus a recording that starts after the warm-up (delay) and lasts the run.
JVM_OPTS="$(launcher_jvm_options) \
  -XX:StartFlightRecording=delay=$((WARMUP + 5))s,duration=${DURATION}s,settings=profile,filename=$recording"
start_token_server
curl -sf -u "$client_id:$client_secret" -d grant_type=client_credentials "$token_url" | grep -q access_token
pinned_wrk $((WARMUP + 5)) "$token_url" "$work/token.lua" >/dev/null
pinned_wrk "$DURATION" "$token_url" "$work/token.lua" >"$work/round.txt"
sleep 2
stop_server
read -r rps p50 p99 _ < <(parse_wrk "$work/round.txt")
total=$(awk '/requests in/ {print $1}' "$work/round.txt")

echo "# $(date -u +%Y-%m-%d) $(git rev-parse --short HEAD): $rps tokens/s, p50 $p50 ms, p99 $p99 ms while recording"
echo
jfr=$JAVA_HOME/bin/jfr
"$jfr" view --width 160 hot-methods "$recording"
echo
"$jfr" view --width 160 allocation-by-class "$recording"
echo
"$jfr" view --width 160 gc-pauses "$recording"
echo
# Bytes allocated per token: the recording's allocation samples are weighted estimates of all
# allocation, so their sum over the window divided by the tokens served in it.
allocated=$("$jfr" print --events jdk.ObjectAllocationSample "$recording" | awk '/weight = / {
  v=$3; u=$4; gsub(/[^0-9.]/, "", v);
  if (u ~ /^kB/) v*=1e3; else if (u ~ /^MB/) v*=1e6; else if (u ~ /^GB/) v*=1e9;
  sum+=v } END {printf "%.0f", sum}')
echo "allocated in the window: $allocated bytes for $total tokens: $((allocated / total)) bytes per token"
