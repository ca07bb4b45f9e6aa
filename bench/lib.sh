# Shared by the end-to-end benchmark scripts (bench/run.sh, bench/compare.sh, bench/query-capacity.sh);
# source it after setting ROOT (the repository), RUN (the run's directory) and BENCH_NAME (the log prefix).
# The general helpers (log, die, free_port, stop_processes, mvn_quiet) are ops/lib.sh's, shared with ops/stack.sh.
# It builds the application jar, prepares a separate stack on free ports (LASTSEEN_STACK_DIR under
# $RUN, so a developer's own ops/stack.sh stack is untouched) and manages one app process, stopped
# with the stack on exit.

LOG_NAME="$BENCH_NAME"
LOG_TIME=1
# shellcheck source=../ops/lib.sh
. "$ROOT/ops/lib.sh"
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.${2:-0}f\", ($1) }"; } # calc EXPR [DECIMALS]: float arithmetic without bc
# cpu_seconds PID: user + system CPU time the process has used so far (from /proc/PID/stat).
cpu_seconds() { awk -v tck="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / tck }' "/proc/$1/stat"; }

JAR="$ROOT/stream-app/target/lastseen.jar"        # the production jar: `lastseen run`, the deployment commands
DEV_JAR="$ROOT/dev-tools/target/lastseen-dev.jar" # the developer jar: `lastseen loadgen`
APP_OPTS="${LASTSEEN_BENCH_APP_OPTS:--Xms512m -Xmx512m}"
LOCK="${LASTSEEN_HEAVY_LOCK:-/tmp/lastseen-heavy.lock}"
PARTS="${LASTSEEN_TOPIC_PARTITIONS:-6}"

# Builds the jar (no lock: a compile), empties $RUN, picks free ports; sets BOOT, REG, HTTP_PORT, MGMT_PORT, METRICS, READYZ.
bench_prepare() {
  log "building the application jars (mvn package, tests skipped)"
  (cd "$ROOT" && mvn_quiet -DskipTests -pl stream-app,dev-tools -am package)
  rm -rf "$RUN"
  mkdir -p "$RUN"
  export LASTSEEN_STACK_DIR="$RUN/stack"
  export LASTSEEN_STACK_POSTGRES=0 # these benchmarks measure the stream application: no PostgreSQL
  export LASTSEEN_KAFKA_PORT LASTSEEN_KAFKA_CONTROLLER_PORT LASTSEEN_REGISTRY_PORT LASTSEEN_REGISTRY_MGMT_PORT
  LASTSEEN_KAFKA_PORT=$(free_port); LASTSEEN_KAFKA_CONTROLLER_PORT=$(free_port)
  LASTSEEN_REGISTRY_PORT=$(free_port); LASTSEEN_REGISTRY_MGMT_PORT=$(free_port)
  HTTP_PORT=$(free_port)
  MGMT_PORT=$(free_port) # health, readiness and metrics: the management port
  # shellcheck source=../ops/stack.env
  . "$ROOT/ops/stack.env"
  BOOT="$LASTSEEN_BOOTSTRAP_SERVERS"
  REG="$LASTSEEN_SCHEMA_REGISTRY_URL"
  METRICS="http://127.0.0.1:$MGMT_PORT/metrics"
  READYZ="http://127.0.0.1:$MGMT_PORT/readyz"
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

APP_PID=""
# start_app JAR LOG [JVM options...]: `lastseen run` with $RUN/app.properties, in the background.
start_app() {
  local jar="$1" out="$2"
  shift 2
  # shellcheck disable=SC2086 # APP_OPTS is a word list
  java $APP_OPTS "$@" -jar "$jar" run --config "$RUN/app.properties" >"$out" 2>&1 9>&- &
  APP_PID=$!
}
stop_app() {
  [[ -n "$APP_PID" ]] || return 0
  kill -0 "$APP_PID" 2>/dev/null && stop_processes 30 "app=$APP_PID"
  wait "$APP_PID" 2>/dev/null || true
  APP_PID=""
}
bench_cleanup() {
  stop_app
  "$ROOT/ops/stack.sh" down >/dev/null 2>&1 || true
  rm -rf "$LASTSEEN_STACK_DIR/data" "$RUN/state"
}
# Takes the shared heavy lock on fd 9 (released by `flock -u 9` or on exit); records the load average at the start.
bench_lock() {
  exec 9>"$LOCK"
  log "waiting for $LOCK (other heavy runs on this machine)"
  flock 9
  LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
}
# The separate stack: a Kafka broker JVM and Apicurio Registry.
bench_stack_up() {
  log "starting a separate stack: kafka $BOOT, registry $REG"
  "$ROOT/ops/stack.sh" up >"$RUN/stack-up.log" 2>&1 || { cat "$RUN/stack-up.log" >&2; die "stack did not start"; }
}
