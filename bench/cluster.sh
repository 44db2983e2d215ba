#!/usr/bin/env bash
# Three Tollgate nodes on one PostgreSQL behind Debian's nginx, and the fault scenarios of issue 13
# run against them, in one invocation; prints a table and exits non-zero when a guarantee broke.
#
#   bench/cluster.sh                 # DURATION=10 OUTAGE=60 TRIALS=50 CLI_TRIALS=5 CONNECTIONS=16
#   NO_BUILD=1 bench/cluster.sh      # reuse server/target/tollgate.jar
#   QUICK=1 NO_BUILD=1 bench/cluster.sh   # the reduced form CI runs (.ci/run): 2 s phases, a 4 s
#                                         # outage, 10 + 1 trials; 1-2.5 minutes, most of it JVM starts
#   SCENARIOS=be bench/cluster.sh    # only some of the scenarios below
#
# The cluster: a fresh database on $PG_ADMIN_URL's server (dropped at exit), one shared KEK file,
# three `serve` processes with the JVM options of packaging/jvm.options, and nginx (started here as
# a non-daemon with its own configuration in a scratch directory) balancing them with least_conn.
# The nodes reach PostgreSQL through bench/cluster/TcpGate.java, a TCP forwarder the script can cut,
# so scenario (b) takes the database away from this cluster only.
#
# Open-source nginx has no active health checks (that is nginx Plus's health_check): it can't probe
# /health/ready. It marks a node failed after max_fails=1 connection error or timeout and leaves it
# alone for fail_timeout (2 s), then tries it again (passive checks). A load balancer with active
# checks (Kubernetes, HAProxy, an ALB) should probe GET /health/ready on the management port.
# The token endpoint gets `proxy_next_upstream ... non_idempotent`: a request cut by a dying node is
# retried on another (a second client-credentials token is harmless); the admin API is not retried.
#
# Scenarios (a-e), each with the guarantee that fails the run:
#   a  kill -9 of one node under token load: tokens/s before, during and after (node restarted);
#      every answer a 200 (nginx retries what the dead node dropped), no socket error.
#   b  PostgreSQL cut for $OUTAGE s: a cached client's tokens/s before and during; every answer a
#      200; an unknown client gets 503 with Retry-After in under 2 s (one store read of at most
#      store.read-timeout, 500 ms, plus a loaded machine's slack); readiness 200 + degraded and
#      /health/admin 503 on every node; unknown clients answered 401 within 10 s of the return.
#   c  50 concurrent admin list callers (waiting the Retry-After of a 429) against the token load:
#      tokens/s alone and with them; tokens all 200, admin answers only 200 or 429.
#   d  two quick key rotations (the first made possible by backdating NEXT's creation past the
#      310 s publication rule, which the second must hit): every node's token has a kid that every
#      node's JWKS holds, and every node's users API accepts every node's token.
#   e  propagation: a client disabled through node 1 (admin API) and through the CLI, time until
#      nodes 2 and 3 both refuse it; p99 must stay under the documented 1 s (PROPAGATION_BOUND_MS).
#      Each poll is a curl process, so the times are upper bounds.
#
# Figures are functional, not performance figures, unless the machine is otherwise idle: the nodes,
# nginx, wrk and PostgreSQL share its CPUs.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${QUICK:-0}" = 1 ]; then
  DURATION=${DURATION:-2}; OUTAGE=${OUTAGE:-4}; TRIALS=${TRIALS:-10}; CLI_TRIALS=${CLI_TRIALS:-1}
fi
DURATION=${DURATION:-10}
OUTAGE=${OUTAGE:-60}
TRIALS=${TRIALS:-50}
CLI_TRIALS=${CLI_TRIALS:-5}
CONNECTIONS=${CONNECTIONS:-16}
SCENARIOS=${SCENARIOS:-abcde}
ADMIN_CALLERS=${ADMIN_CALLERS:-50}
PROPAGATION_BOUND_MS=${PROPAGATION_BOUND_MS:-1000}
UNKNOWN_CLIENT_BOUND_MS=${UNKNOWN_CLIENT_BOUND_MS:-2000}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgresql://postgres@127.0.0.1:5432/test}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_USER=${PG_USER:-postgres}
NGINX=${NGINX:-/usr/sbin/nginx}
TENANT=10001
# shellcheck source=.mvn/find-jdk.sh
. .mvn/find-jdk.sh && tollgate_use_jdk
JAVA=${JAVA:-$JAVA_HOME/bin/java}
JVM_OPTS=${JVM_OPTS-$(sed -e 's/#.*//' packaging/jvm.options | xargs)}
JAR=${JAR:-server/target/tollgate.jar}

for tool in wrk curl psql; do
  command -v "$tool" >/dev/null || { echo "$tool is missing (apt-get install wrk curl postgresql-client)" >&2; exit 2; }
done
[ -x "$NGINX" ] || { echo "$NGINX is missing: apt-get install nginx" >&2; exit 2; }
psql "$PG_ADMIN_URL" -qtAc 'select 1' >/dev/null 2>&1 || { echo "PostgreSQL at $PG_ADMIN_URL does not answer" >&2; exit 2; }
if [ "${NO_BUILD:-}" != 1 ]; then
  ./mvnw -q -B -ntp -pl server -am package -DskipTests -Dimage.skip
fi
[ -f "$JAR" ] || { echo "$JAR is missing: build it, or leave NO_BUILD unset" >&2; exit 2; }
JAR=$(realpath "$JAR")

work=$(mktemp -d)
db=tollgate_cluster_$$
declare -a node_pid=(0 0 0 0) node_port=(0 0 0 0) node_mgmt=(0 0 0 0)
nginx_pid=""
gate_pid=""
cleanup() {
  local pid
  for pid in "${node_pid[@]}" "$nginx_pid" "$gate_pid"; do
    [ -n "$pid" ] && [ "$pid" != 0 ] && kill "$pid" 2>/dev/null || true
  done
  { exec 7>&-; } 2>/dev/null || true
  wait 2>/dev/null || true
  psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  if [ "${KEEP:-0}" = 1 ]; then echo "# kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

failures=()
fail() { failures+=("$1"); echo "FAILED: $1" >&2; }
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

# Eight consecutive free ports on 127.0.0.1 (nodes' API and management ports, nginx, the gate):
# none of them answers a connection, and none is in the range outgoing connections take theirs from,
# so the killed node's port is still free when it restarts.
free_ports() {
  local base p clash
  for _ in $(seq 1 50); do
    base=$((20000 + RANDOM % 12000)); clash=0   # below Linux's ephemeral range (32768-)
    for p in $(seq "$base" $((base + 7))); do
      (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && { clash=1; break; }
    done
    [ "$clash" = 0 ] && { echo "$base"; return; }
  done
  echo "no free ports" >&2; exit 1
}
base_port=$(free_ports)
for i in 1 2 3; do node_port[i]=$((base_port + 2 * i - 2)); node_mgmt[i]=$((base_port + 2 * i - 1)); done
lb_port=$((base_port + 6))
gate_port=$((base_port + 7))
lb=http://127.0.0.1:$lb_port
token_path=/t/$TENANT/oauth2/token

# --- PostgreSQL behind the gate ------------------------------------------------------------------
psql "$PG_ADMIN_URL" -qc "CREATE DATABASE $db" >/dev/null
mkfifo "$work/gate.in"
"$JAVA" bench/cluster/TcpGate.java "$gate_port" "$PG_HOST" "$PG_PORT" <"$work/gate.in" >"$work/gate.out" 2>&1 &
gate_pid=$!
exec 7>"$work/gate.in"   # held open: the gate reads commands until the script ends
for _ in $(seq 1 100); do grep -q forwarding "$work/gate.out" 2>/dev/null && break; sleep 0.1; done
grep -q forwarding "$work/gate.out" || { cat "$work/gate.out" >&2; echo "the TCP gate did not start" >&2; exit 1; }
gate() { # cut|forward
  local n
  n=$(grep -c "^$1\$" "$work/gate.out" || true)
  echo "$1" >&7
  for _ in $(seq 1 100); do [ "$(grep -c "^$1\$" "$work/gate.out" || true)" -gt "$n" ] && return; sleep 0.05; done
  echo "the TCP gate did not $1" >&2; exit 1
}

head -c 32 /dev/urandom | base64 -w0 >"$work/tollgate.kek"
chmod 600 "$work/tollgate.kek"

# The environment every node and every CLI call shares. loginTimeout: on a machine shared with
# builds, three nodes filling their pools at once can take longer than the 2 s default to log in.
cluster_env=(
  TOLLGATE_JDBC_URL="jdbc:postgresql://127.0.0.1:$gate_port/$db?loginTimeout=10"
  TOLLGATE_JDBC_USER="$PG_USER"
  TOLLGATE_KEK_FILE="$work/tollgate.kek"
  TOLLGATE_PUBLIC_URL="$lb"
  TOLLGATE_HTTP_TRUSTED_PROXIES=127.0.0.1
  TOLLGATE_LOG_FORMAT=text
)
tollgate_cli() { # args... (the CLI on the cluster's store, as an operator runs it; not through the gate)
  # shellcheck disable=SC2086
  env "${cluster_env[@]}" TOLLGATE_JDBC_URL="jdbc:postgresql://$PG_HOST:$PG_PORT/$db?loginTimeout=10" TOLLGATE_DATA_DIR="$work/cli/data" \
    "$JAVA" $JVM_OPTS -jar "$JAR" "$@"
}

start_node() { # i
  local i=$1 dir=$work/node$1
  mkdir -p "$dir"
  # shellcheck disable=SC2086
  (cd "$dir" && exec env "${cluster_env[@]}" TOLLGATE_DATA_DIR="$dir/data" \
    "$JAVA" $JVM_OPTS -jar "$JAR" serve --port "${node_port[i]}" --management-port "${node_mgmt[i]}" \
    >>"$dir/out.txt" 2>>"$dir/err.txt") &
  node_pid[i]=$!
}
await_ready() { # i
  local i=$1
  for _ in $(seq 1 240); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${node_mgmt[i]}/health/ready")" = 200 ] && return
    kill -0 "${node_pid[i]}" 2>/dev/null || break
    sleep 0.25
  done
  tail -20 "$work/node$i/err.txt" >&2; echo "node $i did not become ready" >&2; exit 1
}

echo "# starting PostgreSQL database $db (through the gate on $gate_port), 3 nodes, nginx on $lb_port" >&2
start_node 1
await_ready 1
# The secrets are printed once, with the "listening on" line after them.
for _ in $(seq 1 100); do grep -q "listening on" "$work/node1/out.txt" && break; sleep 0.1; done
line=$(grep "Default Client Credential" "$work/node1/out.txt")
client_id=$(sed -E 's/.*client_id=([^ ]+).*/\1/' <<<"$line")
client_secret=$(sed -E 's/.*client_secret=([^ ]+).*/\1/' <<<"$line")
# An operator client for the admin API and the users API, made with the CLI as an operator would
# (before the other nodes start, which fill their pools at once).
tollgate_cli client create --tenant "$TENANT" --name cluster-operator \
  --scopes admin:manage_client_credentials,users:read >"$work/operator.txt" 2>"$work/operator.err" \
  || { cat "$work/operator.err" >&2; exit 1; }
operator_id=$(sed -nE 's/^client_id: *([^ ]+).*/\1/p' "$work/operator.txt")
operator_secret=$(sed -nE 's/^client_secret: *([^ ]+).*/\1/p' "$work/operator.txt")
[ -n "$operator_id" ] && [ -n "$operator_secret" ] || { cat "$work/operator.txt" >&2; echo "no operator client" >&2; exit 1; }
start_node 2
start_node 3
await_ready 2
await_ready 3

# --- nginx ---------------------------------------------------------------------------------------
mkdir -p "$work/nginx/logs"
upstreams=""
for i in 1 2 3; do upstreams+="        server 127.0.0.1:${node_port[i]} max_fails=1 fail_timeout=2s;"$'\n'; done
cat >"$work/nginx/nginx.conf" <<NGINX
worker_processes 1;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    upstream tollgate {
        least_conn;
$upstreams        keepalive 32;
    }
    server {
        listen 127.0.0.1:$lb_port;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        proxy_connect_timeout 1s;
        # Issuing a second token is harmless, so a token request a dying node dropped is retried.
        location ~ ^/t/[^/]+/oauth2/token\$ {
            proxy_next_upstream error timeout non_idempotent;
            proxy_pass http://tollgate;
        }
        location / {
            proxy_next_upstream error timeout;
            proxy_pass http://tollgate;
        }
    }
}
NGINX
"$NGINX" -e stderr -p "$work/nginx" -c "$work/nginx/nginx.conf" \
  -g "daemon off; pid $work/nginx/nginx.pid; error_log $work/nginx/error.log warn;" >"$work/nginx/out.txt" 2>&1 &
nginx_pid=$!
for _ in $(seq 1 100); do curl -s -o /dev/null "$lb/health" 2>/dev/null && break; sleep 0.1; done

basic() { printf '%s:%s' "$1" "$2" | base64 -w0; }
token_at() { # base-url id secret -> access token or nothing
  curl -s -H "Authorization: Basic $(basic "$2" "$3")" -d grant_type=client_credentials "$1$token_path" \
    | sed -nE 's/.*"access_token" *: *"([^"]+)".*/\1/p'
}
[ -n "$(token_at "$lb" "$client_id" "$client_secret")" ] || { echo "no token through nginx" >&2; exit 1; }
operator_token=$(token_at "$lb" "$operator_id" "$operator_secret")
[ -n "$operator_token" ] || { echo "no operator token" >&2; exit 1; }

# wrk scripts: the token request, and a status count printed by done() (wrk's own "Non-2xx" line
# doesn't say which statuses).
status_lua='
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) counts = {} end
function done(summary, latency, requests)
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("counts")) do io.write(string.format("status %d %d\n", status, n)) end
  end
end'
cat >"$work/token.lua" <<LUA
wrk.method = "POST"
wrk.body = "grant_type=client_credentials"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic $(basic "$client_id" "$client_secret")"
$status_lua
function response(status, headers, body) counts[status] = (counts[status] or 0) + 1 end
LUA
# The admin callers wait the Retry-After they are told (1 s), as a well-behaved client does.
cat >"$work/admin.lua" <<LUA
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer $operator_token"
$status_lua
local wait = 0
function delay() local d = wait; wait = 0; return d end
function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  if status == 429 or status == 503 then wait = 1000 * (tonumber(headers["Retry-After"]) or 1) end
end
LUA

token_load() { # seconds out-file
  wrk -t1 -c"$CONNECTIONS" -d"$1"s --latency -s "$work/token.lua" "$lb$token_path" >"$2" 2>&1
}
rps() { awk '/Requests\/sec/ {printf "%.0f", $2}' "$1"; }
count() { # file status -> how many answers had it
  awk -v s="$2" '$1=="status" && $2==s {n+=$3} END {print n+0}' "$1"
}
not_200() { awk '$1=="status" && $2!=200 {n+=$3} END {print n+0}' "$1"; }
statuses() { awk '$1=="status" {printf "%s%s×%s", sep, $2, $3; sep=" "}' "$1"; }
socket_errors() { # connect+read+write+timeout
  awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10; f=1} END {if (!f) print 0}' "$1"
}
pct() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.0f %%", 100 * a / b; else print "-"}'; }

rows=()
row() { rows+=("| $1 | $2 | $3 |"); }

# Warm every node's JIT and caches through nginx (least_conn spreads the load).
token_load "$DURATION" "$work/warmup.txt"

# --- (a) kill -9 of a node under token load -----------------------------------------------------
if [[ $SCENARIOS == *a* ]]; then
  echo "# (a) kill -9 of node 3 under token load" >&2
  token_load "$DURATION" "$work/a-before.txt"
  token_load "$DURATION" "$work/a-during.txt" &
  load=$!
  sleep "$(awk -v d="$DURATION" 'BEGIN {print d / 3}')"
  kill -9 "${node_pid[3]}"
  wait "${node_pid[3]}" 2>/dev/null || true
  wait "$load"
  restart_started=$(now_ms)
  start_node 3
  await_ready 3
  restart_ms=$(( $(now_ms) - restart_started ))
  token_load "$DURATION" "$work/a-after.txt"
  before=$(rps "$work/a-before.txt"); during=$(rps "$work/a-during.txt"); after=$(rps "$work/a-after.txt")
  row "a. kill -9 of node 3 a third into the middle run" "tokens/s before / during / after restart" "$before / $during / $after"
  row "" "answers during (status×count), socket errors" "$(statuses "$work/a-during.txt"), $(socket_errors "$work/a-during.txt")"
  row "" "killed node restarted and ready in" "$restart_ms ms"
  for f in a-before a-during a-after; do
    [ "$(not_200 "$work/$f.txt")" = 0 ] || fail "(a) $f: non-200 token answers: $(statuses "$work/$f.txt")"
    [ "$(socket_errors "$work/$f.txt")" = 0 ] || fail "(a) $f: socket errors: $(grep 'Socket errors' "$work/$f.txt")"
  done
fi

# --- (b) PostgreSQL unavailable -----------------------------------------------------------------
if [[ $SCENARIOS == *b* ]]; then
  echo "# (b) PostgreSQL cut for ${OUTAGE}s" >&2
  token_load "$DURATION" "$work/b-before.txt"
  gate cut
  token_load "$OUTAGE" "$work/b-during.txt" &
  load=$!
  sleep 1
  # An unknown client while the database is away: a 503 with Retry-After from every node, after
  # at most one store read (store.read-timeout, 500 ms: the first, or the one request that probes
  # the store again; the others at once); the bound allows a loaded machine 1.5 s more.
  unknown_first=0; unknown_next=0
  for i in 1 2 3; do
    for attempt in first next; do
      t0=$(now_ms)
      answer=$(curl -s -D - -o /dev/null -u "no-such-client-$i-$attempt:x" -d grant_type=client_credentials \
        "http://127.0.0.1:${node_port[i]}$token_path" | tr -d '\r')
      took=$(( $(now_ms) - t0 ))
      if [ "$attempt" = first ]; then
        [ "$took" -gt "$unknown_first" ] && unknown_first=$took
      else
        [ "$took" -gt "$unknown_next" ] && unknown_next=$took
      fi
      if ! grep -q '^HTTP/1.1 503' <<<"$answer" || ! grep -qi '^retry-after:' <<<"$answer"; then
        fail "(b) unknown client on node $i during the outage: $(head -1 <<<"$answer"), not 503 with Retry-After"
      fi
      [ "$took" -lt "$UNKNOWN_CLIENT_BOUND_MS" ] || fail "(b) unknown client on node $i during the outage ($attempt) answered in $took ms"
    done
    ready=$(curl -s -w ' %{http_code}' "http://127.0.0.1:${node_mgmt[i]}/health/ready")
    admin=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${node_mgmt[i]}/health/admin")
    grep -q '"degraded" *: *true.* 200$' <<<"$ready" || fail "(b) node $i readiness during the outage: $ready"
    [ "$admin" = 503 ] || fail "(b) node $i /health/admin during the outage: $admin, not 503"
  done
  wait "$load"
  gate forward
  restored=$(now_ms)
  recovery_ms=""
  while [ $(( $(now_ms) - restored )) -lt 10000 ]; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -u no-such-client:x -d grant_type=client_credentials "$lb$token_path")
    if [ "$code" = 401 ]; then recovery_ms=$(( $(now_ms) - restored )); break; fi
    sleep 0.05
  done
  [ -n "$recovery_ms" ] || fail "(b) unknown clients still not answered 401 10 s after the database returned"
  before=$(rps "$work/b-before.txt"); during=$(rps "$work/b-during.txt")
  p99_before=$(awk '$1=="99%" {print $2}' "$work/b-before.txt"); p99_during=$(awk '$1=="99%" {print $2}' "$work/b-during.txt")
  row "b. PostgreSQL cut for ${OUTAGE} s (cached client)" "tokens/s before / during" "$before / $during ($(pct "$during" "$before"))"
  row "" "answers during (status×count), socket errors" "$(statuses "$work/b-during.txt"), $(socket_errors "$work/b-during.txt")"
  row "" "unknown client during: 503 + Retry-After, slowest of 3 nodes, first / next" "$unknown_first / $unknown_next ms"
  row "" "unknown client answered 401 again after the database returned" "${recovery_ms:-never} ms"
  [ "$(not_200 "$work/b-during.txt")" = 0 ] || fail "(b) non-200 token answers during the outage: $(statuses "$work/b-during.txt")"
  [ "$(socket_errors "$work/b-during.txt")" = 0 ] || fail "(b) socket errors during the outage"
  # wrk can report a latency percentile without it having a p99 line when nothing was answered.
  [ -n "$p99_during" ] || fail "(b) no latency figures during the outage"
fi

# --- (c) admin flood ----------------------------------------------------------------------------
if [[ $SCENARIOS == *c* ]]; then
  echo "# (c) $ADMIN_CALLERS admin callers against the token load" >&2
  token_load "$DURATION" "$work/c-alone.txt"
  wrk -t1 -c"$ADMIN_CALLERS" -d"$DURATION"s -s "$work/admin.lua" "$lb/t/$TENANT/admin/api/v1/clients" >"$work/c-admin.txt" 2>&1 &
  admin_load=$!
  token_load "$DURATION" "$work/c-flood.txt"
  wait "$admin_load"
  alone=$(rps "$work/c-alone.txt"); flood=$(rps "$work/c-flood.txt")
  row "c. $ADMIN_CALLERS concurrent admin list callers" "tokens/s alone / with them" "$alone / $flood ($(pct "$flood" "$alone"))"
  row "" "admin answers (status×count)" "$(statuses "$work/c-admin.txt")"
  [ "$(not_200 "$work/c-flood.txt")" = 0 ] || fail "(c) non-200 token answers under the admin flood: $(statuses "$work/c-flood.txt")"
  other=$(awk '$1=="status" && $2!=200 && $2!=429 {n+=$3} END {print n+0}' "$work/c-admin.txt")
  [ "$other" = 0 ] || fail "(c) admin answers other than 200 and 429: $(statuses "$work/c-admin.txt")"
  [ "$(count "$work/c-admin.txt" 200)" -gt 0 ] || fail "(c) no admin list was served"
fi

# --- (d) two quick key rotations ----------------------------------------------------------------
if [[ $SCENARIOS == *d* ]]; then
  echo "# (d) two quick key rotations" >&2
  # The first rotation needs NEXT published for 310 s; pretend it was (every node has published it
  # since it started), so the first rotation is accepted and the second, at once, meets the rule.
  psql "postgresql://$PG_USER@$PG_HOST:$PG_PORT/$db" -qc "UPDATE signing_keys SET created_at_ns = created_at_ns - 400000000000
    WHERE tenant_id = '$TENANT' AND state = 'NEXT'" >/dev/null
  first=accepted; second=accepted
  tollgate_cli keys rotate --tenant "$TENANT" >"$work/d-rotate1.txt" 2>&1 || first="refused"
  tollgate_cli keys rotate --tenant "$TENANT" >"$work/d-rotate2.txt" 2>&1 || second="refused"
  [ "$first" = accepted ] || { cat "$work/d-rotate1.txt" >&2; fail "(d) the first rotation was refused"; }
  [ "$second" = refused ] || fail "(d) the second rotation, at once, was accepted: the 310 s rule did not hold"
  checks=0; check_failures=0
  for round in 1 2 3 4 5; do
    for i in 1 2 3; do
      token=$(token_at "http://127.0.0.1:${node_port[i]}" "$operator_id" "$operator_secret")
      kid=$(cut -d. -f1 <<<"$token" | tr '_-' '/+' | base64 -d 2>/dev/null | sed -nE 's/.*"kid" *: *"([^"]+)".*/\1/p' || true)
      for j in 1 2 3; do
        checks=$((checks + 1))
        jwks=$(curl -s "http://127.0.0.1:${node_port[j]}/t/$TENANT/oauth2/jwks")
        users=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
          "http://127.0.0.1:${node_port[j]}/t/$TENANT/api/v1/users")
        if [ -z "$kid" ] || ! grep -q "\"$kid\"" <<<"$jwks" || [ "$users" != 200 ]; then
          check_failures=$((check_failures + 1))
          echo "(d) round $round: token of node $i (kid ${kid:-?}) at node $j: in its JWKS: $(grep -c "\"$kid\"" <<<"$jwks"), users API $users" >&2
        fi
      done
    done
    sleep 0.2
  done
  row "d. two key rotations back to back (CLI)" "first / second rotation" "$first / $second ($(grep -o 'published for less than [0-9]* s' "$work/d-rotate2.txt" | head -1))"
  row "" "token of node i checked at node j (JWKS kid + users API), failures" "$check_failures of $checks"
  [ "$check_failures" = 0 ] || fail "(d) $check_failures of $checks cross-node token checks failed after the rotations"
fi

# --- (e) propagation ----------------------------------------------------------------------------
if [[ $SCENARIOS == *e* ]]; then
  echo "# (e) propagation of a disable, $TRIALS trials through the admin API, $CLI_TRIALS through the CLI" >&2
  admin_url="http://127.0.0.1:${node_port[1]}/t/$TENANT/admin/api/v1/clients"
  new_client() { # -> "id secret"; the client is then cached by nodes 2 and 3
    local json id secret
    json=$(curl -s -H "Authorization: Bearer $operator_token" -H 'Content-Type: application/json' \
      -d '{"name":"propagation","allowed_scopes":["users:read"],"default_scopes":["users:read"]}' "$admin_url")
    id=$(sed -nE 's/.*"client_id" *: *"([^"]+)".*/\1/p' <<<"$json")
    secret=$(sed -nE 's/.*"client_secret" *: *"([^"]+)".*/\1/p' <<<"$json")
    [ -n "$id" ] && [ -n "$secret" ] || { echo "(e) client creation: $json" >&2; exit 1; }
    for i in 2 3; do
      [ -n "$(token_at "http://127.0.0.1:${node_port[i]}" "$id" "$secret")" ] || {
        echo "(e) node $i refused the new client $id: $(curl -s -u "$id:$secret" -d grant_type=client_credentials \
          "http://127.0.0.1:${node_port[i]}$token_path")" >&2; exit 1; }
    done
    echo "$id $secret"
  }
  refused_by_2_and_3() { # id secret since-ms -> milliseconds until both nodes refuse (or 10000+)
    local pending="2 3" i code
    while [ -n "$pending" ] && [ $(( $(now_ms) - $3 )) -lt 10000 ]; do
      local still=""
      for i in $pending; do
        code=$(curl -s -o /dev/null -w '%{http_code}' -u "$1:$2" -d grant_type=client_credentials \
          "http://127.0.0.1:${node_port[i]}$token_path")
        [ "$code" = 200 ] && still+=" $i"
      done
      pending=${still# }
    done
    echo $(( $(now_ms) - $3 ))
  }
  percentile() { # p file -> nearest-rank percentile of the numbers in file
    sort -n "$2" | awk -v p="$1" '{v[NR]=$1} END {i=int((p*NR+99)/100); if (i<1) i=1; print v[i]}'
  }
  : >"$work/e-api.txt"; : >"$work/e-cli.txt"
  for _ in $(seq 1 "$TRIALS"); do
    read -r id secret < <(new_client) || true
    [ -n "${secret:-}" ] || exit 1
    code=$(curl -s -o /dev/null -w '%{http_code}' -X PATCH -H "Authorization: Bearer $operator_token" \
      -H 'Content-Type: application/merge-patch+json' -d '{"enabled":false}' "$admin_url/$id")
    acknowledged=$(now_ms)
    [ "$code" = 200 ] || { fail "(e) disable through node 1 answered $code"; break; }
    refused_by_2_and_3 "$id" "$secret" "$acknowledged" >>"$work/e-api.txt"
  done
  for _ in $(seq 1 "$CLI_TRIALS"); do
    read -r id secret < <(new_client) || true
    [ -n "${secret:-}" ] || exit 1
    tollgate_cli client disable --tenant "$TENANT" --client-id "$id" >"$work/e-cli-out.txt" 2>&1 \
      || { cat "$work/e-cli-out.txt" >&2; fail "(e) client disable through the CLI failed"; break; }
    refused_by_2_and_3 "$id" "$secret" "$(now_ms)" >>"$work/e-cli.txt"
  done
  for via in api cli; do
    [ -s "$work/e-$via.txt" ] || continue
    p50=$(percentile 50 "$work/e-$via.txt"); p99=$(percentile 99 "$work/e-$via.txt"); n=$(wc -l <"$work/e-$via.txt")
    label=$([ "$via" = api ] && echo "admin API on node 1" || echo "the CLI")
    row "$([ "$via" = api ] && echo "e. client disabled, until nodes 2 and 3 refuse it")" \
      "through $label, $n trial(s): p50 / p99 / max" "$p50 / $p99 / $(sort -n "$work/e-$via.txt" | tail -1) ms"
    [ "$p99" -lt "$PROPAGATION_BOUND_MS" ] || fail "(e) propagation through $label: p99 $p99 ms, bound $PROPAGATION_BOUND_MS ms"
  done
fi

# --- the table ----------------------------------------------------------------------------------
echo "# $(date -u +%Y-%m-%dT%H:%MZ) Tollgate $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# 3 nodes (JVM options: ${JVM_OPTS:-none}) on PostgreSQL $(psql "$PG_ADMIN_URL" -qtAc 'show server_version'), nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///') least_conn"
echo "# wrk: $CONNECTIONS connections through nginx, ${DURATION}s a phase; the machine's CPUs are shared by all of it"
echo
echo "| scenario | figure | value |"
echo "|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
if [ "${#failures[@]}" -gt 0 ]; then
  echo "${#failures[@]} guarantee(s) broken:"
  printf -- '- %s\n' "${failures[@]}"
  exit 1
fi
echo "every guarantee held"
