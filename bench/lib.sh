# Shared by the load scripts (sourced, not run): tool checks, the pinned server on a fresh
# embedded store, and reading wrk's output.
# Sourced from the repository's root after the script's own knobs (WARMUP, DURATION, ROUNDS…);
# these shared ones keep a value the caller or the environment gave them.

: "${CONNECTIONS:=32}" "${PORT:=18181}" "${SERVER_CPU:=0}" "${LOAD_CPU:=1}"
# The JDK the build uses (the machine's default java may be too old to run the server).
# shellcheck source=.mvn/find-jdk.sh
. .mvn/find-jdk.sh && tollgate_use_jdk
JAVA=${JAVA:-$JAVA_HOME/bin/java}

# The launcher's JVM options (packaging/jvm.options), so a benchmark measures what users run.
launcher_jvm_options() { sed -e 's/#.*//' packaging/jvm.options | xargs; }
# Set but empty (JVM_OPTS=) means none: the JVM's own defaults.
JVM_OPTS=${JVM_OPTS-$(launcher_jvm_options)}

require_load_tools() {
  command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
  command -v taskset >/dev/null || { echo "taskset is missing (util-linux)" >&2; exit 2; }
  command -v curl >/dev/null || { echo "curl is missing" >&2; exit 2; }
}

# A scratch directory removed on exit, with the server (if started) stopped first.
work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Starts tollgate serve ($JAR, by default this checkout's) on CPU $SERVER_CPU over a fresh store in $work/data and sets
# server_pid, client_id and client_secret (the bootstrapped Default Client Credential).
start_server() {
  # shellcheck disable=SC2086
  rm -rf "$work/data"
  taskset -c "$SERVER_CPU" "$JAVA" $JVM_OPTS -jar "${JAR:-server/target/tollgate.jar}" serve \
    --port "$PORT" --management-port 0 --data-dir "$work/data" >"$work/out.txt" 2>"$work/err.txt" &
  server_pid=$!
  for _ in $(seq 1 120); do
    grep -q "listening on" "$work/out.txt" 2>/dev/null && break
    sleep 0.5
  done
  grep -q "listening on" "$work/out.txt" || { cat "$work/err.txt" >&2; echo "server did not start" >&2; exit 1; }
  local line
  line=$(grep "Default Client Credential" "$work/out.txt")
  client_id=$(sed -E 's/.*client_id=([^ ]+).*/\1/' <<<"$line")
  client_secret=$(sed -E 's/.*client_secret=([^ ]+).*/\1/' <<<"$line")
}

# start_server, then the wrk script for client-credentials token requests as that client in
# $work/token.lua, and token_url set to the token endpoint of tenant 10001.
start_token_server() {
  start_server
  write_token_script
  token_url="http://127.0.0.1:$PORT/t/10001/oauth2/token"
}

# The wrk script in $work/token.lua: a client_credentials request as $client_id with client_secret_basic.
write_token_script() {
  local basic
  basic=$(printf '%s:%s' "$client_id" "$client_secret" | base64 -w0)
  cat >"$work/token.lua" <<LUA
wrk.method = "POST"
wrk.body = "grant_type=client_credentials"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic $basic"
LUA
}

# wrk on CPU $LOAD_CPU with $CONNECTIONS connections, latency percentiles on.
pinned_wrk() { # seconds url [script]
  local args=(-t1 -c"$CONNECTIONS" -d"$1"s --latency)
  [ -n "${3:-}" ] && args+=(-s "$3")
  taskset -c "$LOAD_CPU" wrk "${args[@]}" "$2"
}

# wrk prints latencies like 812.00us / 1.23ms / 2.00s; report milliseconds.
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; printf "%.2f", v}'; }

parse_wrk() { # file -> "rps p50 p99 errors"
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$1")
  p50=$(awk '$1=="50%" {print $2}' "$1" | to_ms)
  p99=$(awk '$1=="99%" {print $2}' "$1" | to_ms)
  errors=$(awk '/Non-2xx/ {print $5} /Socket errors/ {print}' "$1" | head -1)
  echo "$rps $p50 $p99 ${errors:-0}"
}

stop_server() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

server_rss_mb() {
  echo $(( $(ps -o rss= -p "$server_pid" | tr -d ' ') / 1024 ))
}
