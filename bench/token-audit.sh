#!/usr/bin/env bash
# What the token audit costs: bench/token-load.sh with audit.token-events=stream (the default: each
# event queued for the audit stream's writer thread), =committed (each token response waits for its
# event's group commit) and =off, in one invocation, and the ratios of the means to off's. Same knobs as token-load.sh (WARMUP, ROUNDS, DURATION, CONNECTIONS).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${NO_BUILD:-}" != 1 ]; then
  ./mvnw -q -pl server -am package -DskipTests
fi
declare -A mean
for mode in stream committed off; do
  echo "## audit.token-events=$mode"
  out=$(TOLLGATE_AUDIT_TOKEN_EVENTS=$mode NO_BUILD=1 bash bench/token-load.sh 2>&1 | grep -v '^{')
  echo "$out" | grep '^|'
  mean[$mode]=$(echo "$out" | sed -n 's/^mean tokens\/s: \([0-9]*\).*/\1/p')
  echo "mean tokens/s: ${mean[$mode]}"
  echo
done
for mode in stream committed; do
  awk -v m="$mode" -v c="${mean[$mode]}" -v o="${mean[off]}" \
    'BEGIN { printf "%s ÷ off: %.2f (the audited token path keeps %.0f%% of the unaudited throughput)\n", m, c/o, 100*c/o }'
done
