#!/usr/bin/env bash
# What the token audit costs: bench/token-load.sh with audit.token-events=committed (the default:
# each token response waits for its event's group commit) and then =off, in one invocation, and
# the ratio of the two means. Same knobs as token-load.sh (WARMUP, ROUNDS, DURATION, CONNECTIONS).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${NO_BUILD:-}" != 1 ]; then
  ./mvnw -q -pl server -am package -DskipTests
fi
declare -A mean
for mode in committed off; do
  echo "## audit.token-events=$mode"
  out=$(TOLLGATE_AUDIT_TOKEN_EVENTS=$mode NO_BUILD=1 bash bench/token-load.sh 2>&1 | grep -v '^{')
  echo "$out" | grep '^|'
  mean[$mode]=$(echo "$out" | sed -n 's/^mean tokens\/s: \([0-9]*\).*/\1/p')
  echo "mean tokens/s: ${mean[$mode]}"
  echo
done
awk -v c="${mean[committed]}" -v o="${mean[off]}" \
  'BEGIN { printf "committed ÷ off: %.2f (the audited token path keeps %.0f%% of the unaudited throughput)\n", c/o, 100*c/o }'
