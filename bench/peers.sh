#!/usr/bin/env bash
# Tollgate beside node oidc-provider (the peer named in issue 12), in one invocation: every row's
# server on a fresh store pinned to CPU $SERVER_CPU, the same wrk client-credentials script on CPU
# $LOAD_CPU, rows interleaved round by round so a noisy neighbour slows all of them alike. Each
# Tollgate row is reported as a ratio to oidc-provider's opaque tokens in the same round.
#
# Rows: oidc-provider 9.13 opaque and RS256 JWT tokens (client_secret_basic, in-memory storage);
# Tollgate with its defaults (embedded store), with the token audit off, and with its defaults on
# PostgreSQL ($PG_ADMIN_URL reachable; PG=0 leaves the row out); with KEYCLOAK=1 also Keycloak
# $KEYCLOAK_VERSION (its Quarkus distribution from Maven Central, start-dev on its embedded store,
# one realm with one service-account client; about a minute to start each run).
#
#   bench/peers.sh                         # WARMUP=15 ROUNDS=2 DURATION=20 CONNECTIONS=32
#   ROUNDS=3 PG=0 bench/peers.sh
#   NO_BUILD=1 bench/peers.sh              # reuse server/target/tollgate.jar
#   KEYCLOAK=1 bench/peers.sh              # add the Keycloak row
#
# Tollgate runs with the JVM options of the ./tollgate launcher (its defaults), not the heap the
# other bench scripts pin, because the issue asks what a user gets without tuning.
set -euo pipefail
cd "$(dirname "$0")/.."

WARMUP=${WARMUP:-15}
ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-20}
PG=${PG:-1}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgresql://postgres@127.0.0.1:5432/test}
KEYCLOAK=${KEYCLOAK:-0}
OIDC_PROVIDER_VERSION=9.13.3
KEYCLOAK_VERSION=26.5.6
PEERS_CACHE=${PEERS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tollgate-bench/oidc-provider-$OIDC_PROVIDER_VERSION}

# shellcheck source=bench/lib.sh
. bench/lib.sh
require_load_tools
command -v node >/dev/null && command -v npm >/dev/null || { echo "node and npm are needed for the peer" >&2; exit 2; }
if [ "$PG" = 1 ] && ! psql "$PG_ADMIN_URL" -qtAc 'select 1' >/dev/null 2>&1; then
  echo "PostgreSQL at $PG_ADMIN_URL does not answer; PG=0 leaves its row out" >&2; exit 2
fi

if [ "${NO_BUILD:-}" != 1 ]; then
  ./mvnw -q -pl server -am package -DskipTests
fi
if [ ! -f "$PEERS_CACHE/node_modules/oidc-provider/package.json" ]; then
  echo "# installing oidc-provider@$OIDC_PROVIDER_VERSION from npm into $PEERS_CACHE" >&2
  mkdir -p "$PEERS_CACHE"
  (cd "$PEERS_CACHE" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent "oidc-provider@$OIDC_PROVIDER_VERSION")
fi
cp bench/peers/oidc-provider.mjs "$PEERS_CACHE/"
keycloak_home=${PEERS_CACHE%/*}/keycloak-$KEYCLOAK_VERSION
if [ "$KEYCLOAK" = 1 ] && [ ! -x "$keycloak_home/bin/kc.sh" ]; then
  echo "# fetching Keycloak $KEYCLOAK_VERSION from Maven Central" >&2
  ./mvnw -q -B -ntp dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:tar.gz" \
    -DoutputDirectory="${PEERS_CACHE%/*}"
  tar xzf "${PEERS_CACHE%/*}/keycloak-quarkus-dist-$KEYCLOAK_VERSION.tar.gz" -C "${PEERS_CACHE%/*}"
fi

pg_db=tollgate_bench_$$
drop_pg() { [ "$PG" = 1 ] && psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true; }
trap 'cleanup; drop_pg' EXIT

# Starts a row's server; sets server_pid, token_url and $work/token.lua.
start_row() {
  case $1 in
    oidc-opaque|oidc-jwt)
      client_id=bench-client
      client_secret=$(head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d =)
      taskset -c "$SERVER_CPU" node "$PEERS_CACHE/oidc-provider.mjs" "$PORT" "${1#oidc-}" "$client_id" "$client_secret" \
        >"$work/out.txt" 2>"$work/err.txt" &
      server_pid=$!
      for _ in $(seq 1 60); do grep -q "listening on" "$work/out.txt" 2>/dev/null && break; sleep 0.25; done
      grep -q "listening on" "$work/out.txt" || { cat "$work/err.txt" >&2; echo "oidc-provider did not start" >&2; exit 1; }
      token_url="http://127.0.0.1:$PORT/token"
      write_token_script ;;
    keycloak)
      client_id=bench-client
      client_secret=$(head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d =)
      rm -rf "$keycloak_home/data"
      mkdir -p "$keycloak_home/data/import"
      cat >"$keycloak_home/data/import/bench-realm.json" <<JSON
{"realm": "bench", "enabled": true, "clients": [{"clientId": "$client_id", "secret": "$client_secret",
 "enabled": true, "publicClient": false, "serviceAccountsEnabled": true, "standardFlowEnabled": false,
 "directAccessGrantsEnabled": false, "clientAuthenticatorType": "client-secret"}]}
JSON
      KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=$client_secret \
        taskset -c "$SERVER_CPU" "$keycloak_home/bin/kc.sh" start-dev --http-host=127.0.0.1 --http-port="$PORT" \
        --import-realm >"$work/out.txt" 2>"$work/err.txt" &
      server_pid=$!
      for _ in $(seq 1 360); do grep -q "Listening on" "$work/out.txt" 2>/dev/null && break; sleep 0.5; done
      grep -q "Listening on" "$work/out.txt" || { tail -5 "$work/out.txt" "$work/err.txt" >&2; echo "Keycloak did not start" >&2; exit 1; }
      token_url="http://127.0.0.1:$PORT/realms/bench/protocol/openid-connect/token"
      write_token_script ;;
    tollgate-default) start_token_server ;;
    tollgate-audit-off) TOLLGATE_AUDIT_TOKEN_EVENTS=off start_token_server ;;
    tollgate-postgresql)
      drop_pg
      psql "$PG_ADMIN_URL" -qc "CREATE DATABASE $pg_db" >/dev/null
      TOLLGATE_JDBC_URL="jdbc:postgresql://127.0.0.1:5432/$pg_db" TOLLGATE_JDBC_USER=postgres \
        TOLLGATE_KEK_FILE="$work/tollgate.kek" start_token_server ;;
  esac
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }

measure() { # row -> "tokens/s p50 p99 cpu-ms-per-1000 rss-mb"
  start_row "$1"
  curl -sf -u "$client_id:$client_secret" -d grant_type=client_credentials "$token_url" | grep -q access_token \
    || { echo "$1: no token from $token_url" >&2; exit 1; }
  pinned_wrk "$WARMUP" "$token_url" "$work/token.lua" >/dev/null
  local before after
  before=$(cpu_ticks)
  pinned_wrk "$DURATION" "$token_url" "$work/token.lua" >"$work/round.txt"
  after=$(cpu_ticks)
  local rss
  rss=$(server_rss_mb)
  stop_server
  [ "$1" = tollgate-postgresql ] && drop_pg
  if grep -q "Non-2xx" "$work/round.txt"; then
    echo "$1: wrk saw non-2xx answers:" >&2; grep "Non-2xx" "$work/round.txt" >&2; exit 1
  fi
  local rps p50 p99 total
  read -r rps p50 p99 _ < <(parse_wrk "$work/round.txt")
  total=$(awk '/requests in/ {print $1}' "$work/round.txt")
  awk -v r="$rps" -v a="$p50" -v b="$p99" -v t="$((after - before))" -v hz="$(getconf CLK_TCK)" -v n="$total" -v m="$rss" \
    'BEGIN {printf "%s %s %s %.0f %s\n", r, a, b, 1000 * (t * 1000 / hz) / n, m}'
}

rows=(oidc-opaque oidc-jwt tollgate-default tollgate-audit-off)
[ "$PG" = 1 ] && rows+=(tollgate-postgresql)
[ "$KEYCLOAK" = 1 ] && rows+=(keycloak)

echo "# $(date -u +%Y-%m-%d) $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# oidc-provider $OIDC_PROVIDER_VERSION on node $(node --version)$([ "$KEYCLOAK" = 1 ] && echo ", Keycloak $KEYCLOAK_VERSION"); Tollgate $(git rev-parse --short HEAD), JVM options: ${JVM_OPTS:-(none)}"
echo "# $CONNECTIONS connections, ${WARMUP}s warm-up, ${DURATION}s measured, server on CPU $SERVER_CPU, wrk on CPU $LOAD_CPU"
echo
echo "| round | row | tokens/s | p50 ms | p99 ms | CPU ms / 1000 tokens | RSS MB | ÷ oidc-provider opaque |"
echo "|---|---|---|---|---|---|---|---|"
for r in $(seq 1 "$ROUNDS"); do
  base=""
  for row in "${rows[@]}"; do
    read -r rps p50 p99 cpu rss < <(measure "$row")
    [ -z "$base" ] && base=$rps
    ratio=$(awk -v a="$rps" -v b="$base" 'BEGIN {printf "%.2f", a/b}')
    echo "| $r | $row | $rps | $p50 | $p99 | $cpu | $rss | $ratio |"
  done
done
