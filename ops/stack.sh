#!/usr/bin/env bash
# Local stack for lastseen: a real Kafka broker (KRaft, combined broker+controller, its own JVM,
# Kafka's own kafka.Kafka main), Apicurio Registry (in-memory storage, Java 21+) and PostgreSQL
# for `lastseen apply` (the project's fixture: server binaries from Maven Central), no Docker.
#
#   ops/stack.sh up        fetch runtimes if needed, start what is not running, wait until ready,
#                          create the contract topics (idempotent; safe to call again)
#   ops/stack.sh down      stop them (SIGTERM, PostgreSQL SIGINT; SIGKILL after LASTSEEN_STOP_TIMEOUT seconds)
#   ops/stack.sh status    what runs where (exit 0 when all run, 3 otherwise)
#   ops/stack.sh logs [kafka|registry|postgres] [-f] [-n LINES]
#   ops/stack.sh env       print the endpoints as shell exports (same as: . ops/stack.env)
#   ops/stack.sh tool NAME [ARGS]   a Kafka CLI tool from the fetched jars, e.g.
#                          tool topics --describe | tool console-consumer --topic login-events --from-beginning
#                          (--bootstrap-server is added when not given)
#   ops/stack.sh clean     down, then delete ops/.stack (Kafka data and logs; the fetched runtimes stay)
#
# Everything the stack writes is under ops/.stack/: data/ (Kafka log dirs), logs/, run/ (pid files,
# generated configs). Fetched runtimes are under ops/.cache/. Settings (environment):
#   LASTSEEN_KAFKA_PORT (9092), LASTSEEN_KAFKA_CONTROLLER_PORT (9093), LASTSEEN_REGISTRY_PORT (8081),
#   LASTSEEN_REGISTRY_MGMT_PORT (9081, Quarkus health/metrics), LASTSEEN_TOPIC_PARTITIONS (6),
#   LASTSEEN_DLQ_PARTITIONS (3), LASTSEEN_TOPIC_{LOGIN_EVENTS,SERVICE_TOKENS,TOKEN_LAST_SEEN,
#   AUTH_FAILURE_ALERTS,DLQ} (topic names), LASTSEEN_STACK_TIMEOUT (readiness deadline, 120 s),
#   LASTSEEN_STOP_TIMEOUT (30 s), LASTSEEN_KAFKA_JAVA / LASTSEEN_REGISTRY_JAVA (java binaries; default: the
#   JDK 21+ that ops/java-home.sh finds, as for the build),
#   LASTSEEN_KAFKA_HEAP_OPTS, LASTSEEN_REGISTRY_HEAP_OPTS, MVN (maven command),
#   LASTSEEN_POSTGRES_PORT (5433), LASTSEEN_POSTGRES_TOKENS (10000: loadgen's fleet in the tokens table),
#   LASTSEEN_APPLY_JDBC_PASSWORD (the applier role's local password), LASTSEEN_STACK_POSTGRES=0 (no PostgreSQL),
#   LASTSEEN_STACK_DIR (where the stack writes, default ops/.stack: a second, separate stack, e.g. bench/run.sh).
set -euo pipefail

OPS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(dirname "$OPS_DIR")"
# shellcheck source=ops/stack.env
. "$OPS_DIR/stack.env"
# shellcheck source=ops/java-home.sh
. "$OPS_DIR/java-home.sh"

STACK_DIR="${LASTSEEN_STACK_DIR:-$OPS_DIR/.stack}"
CACHE_DIR="$OPS_DIR/.cache"
DATA_DIR="$STACK_DIR/data"
LOG_DIR="$STACK_DIR/logs"
RUN_DIR="$STACK_DIR/run"
KAFKA_LIBS="$CACHE_DIR/kafka-libs"
APICURIO_DIR="$CACHE_DIR/apicurio"

TIMEOUT="${LASTSEEN_STACK_TIMEOUT:-120}"
STOP_TIMEOUT="${LASTSEEN_STOP_TIMEOUT:-30}"
PARTITIONS="${LASTSEEN_TOPIC_PARTITIONS:-6}"
DLQ_PARTITIONS="${LASTSEEN_DLQ_PARTITIONS:-3}"
KAFKA_HEAP_OPTS="${LASTSEEN_KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
REGISTRY_HEAP_OPTS="${LASTSEEN_REGISTRY_HEAP_OPTS:--Xms64m -Xmx384m}"
MVN="${MVN:-mvn}"

# name|partitions|configs (comma-separated key=value, or empty)
TOPICS=(
  "${LASTSEEN_TOPIC_LOGIN_EVENTS:-login-events}|$PARTITIONS|"
  "${LASTSEEN_TOPIC_SERVICE_TOKENS:-service-tokens}|$PARTITIONS|cleanup.policy=compact"
  "${LASTSEEN_TOPIC_TOKEN_LAST_SEEN:-token-last-seen}|$PARTITIONS|cleanup.policy=compact"
  "${LASTSEEN_TOPIC_AUTH_FAILURE_ALERTS:-auth-failure-alerts}|$PARTITIONS|"
  "${LASTSEEN_TOPIC_DLQ:-lastseen-dlq}|$DLQ_PARTITIONS|"
  "${LASTSEEN_TOPIC_APPLY_DLQ:-lastseen-apply-dlq}|$DLQ_PARTITIONS|"
)

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] ERROR: %s\n' "$*" >&2; exit 1; }

# ------------------------------------------------------------------ helpers

java_major() {
  "$1" -version 2>&1 | awk -F'"' '/version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit }'
}

# find_java MIN CANDIDATE... : first executable java whose major version is >= MIN
find_java() {
  local min="$1" c m
  shift
  for c in "$@"; do
    [[ -n "$c" && -x "$c" ]] || continue
    m="$(java_major "$c" 2>/dev/null || true)"
    if [[ "$m" =~ ^[0-9]+$ ]] && (( m >= min )); then
      printf '%s\n' "$c"
      return 0
    fi
  done
  return 1
}

kafka_java() {
  find_java 17 "${LASTSEEN_KAFKA_JAVA:-}" "$JAVA_HOME/bin/java" \
    || die "no Java 17+ found for Kafka (set LASTSEEN_KAFKA_JAVA)"
}

registry_java() {
  find_java 21 "${LASTSEEN_REGISTRY_JAVA:-}" "$JAVA_HOME/bin/java" \
    || die "Apicurio Registry needs Java 21+; none found (set LASTSEEN_REGISTRY_JAVA)"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pid of a stack component we started (pid file + live process + our marker on its command line)
pid_of() {
  local f="$RUN_DIR/$1.pid" p args
  [[ -f "$f" ]] || return 1
  p="$(<"$f")"
  [[ "$p" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$p" 2>/dev/null || return 1
  if [[ -r "/proc/$p/cmdline" ]]; then
    args="$(tr '\0' ' ' <"/proc/$p/cmdline")"
  else
    args="$(ps -o args= -p "$p" 2>/dev/null || true)"
  fi
  [[ "$args" == *"-Dlastseen.stack.id=$1@$STACK_DIR "* ]] || return 1
  printf '%s\n' "$p"
}

# launch NAME LOGFILE CMD... : start detached (own session), record its pid, no lock fd inherited
launch() {
  local name="$1" out="$2"
  shift 2
  rm -f "$RUN_DIR/$name.pid"
  # shellcheck disable=SC2016 # expanded by the inner shell
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$RUN_DIR/$name.pid" "$@" </dev/null >>"$out" 2>&1 9>&- &
  local i
  for i in $(seq 1 50); do
    [[ -s "$RUN_DIR/$name.pid" ]] && return 0
    sleep 0.1
  done
  die "$name did not start (see $out)"
}

tools_opts() {
  printf '%s\n' -Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    "-Dlogback.configurationFile=$OPS_DIR/kafka/logback-tools.xml"
}

# kafka_run CLASS ARGS... : a Kafka tool class from the fetched jars (KAFKA_RUN_TIMEOUT=secs bounds it)
kafka_run() {
  local java opts pre=()
  java="$(kafka_java)"
  mapfile -t opts < <(tools_opts)
  [[ -n "${KAFKA_RUN_TIMEOUT:-}" ]] && pre=(timeout "$KAFKA_RUN_TIMEOUT")
  "${pre[@]}" "$java" "${opts[@]}" -cp "$KAFKA_LIBS/*" "$@"
}

show_log_tail() {
  local f="$1"
  [[ -f "$f" ]] || return 0
  printf '[stack] ---- last lines of %s\n' "$f" >&2
  tail -n 40 "$f" >&2 || true
  printf '[stack] ----\n' >&2
}

lock() {
  mkdir -p "$RUN_DIR"
  exec 9>"$RUN_DIR/.lock"
  flock -w "$TIMEOUT" 9 || die "another ops/stack.sh is busy (lock $RUN_DIR/.lock)"
}

# ------------------------------------------------------------------ fetch

fetch() {
  local want
  want="$(cat "$ROOT_DIR/pom.xml" "$OPS_DIR/pom.xml" | sha256sum | cut -c1-16)"
  if [[ -f "$CACHE_DIR/.fetched" && "$(<"$CACHE_DIR/.fetched")" == "$want" \
        && -f "$APICURIO_DIR/quarkus-run.jar" ]] && compgen -G "$KAFKA_LIBS/kafka_2.13-*.jar" >/dev/null; then
    return 0
  fi
  log "fetching Kafka and Apicurio Registry runtimes (mvn -f ops/pom.xml -Pstack generate-resources)"
  rm -rf "$KAFKA_LIBS" "$APICURIO_DIR" "$CACHE_DIR/.fetched"
  # (maven 3.8 -q still prints bare colour resets; strip them)
  (cd "$ROOT_DIR" && "$MVN" -q -B -Dstyle.color=never -f ops/pom.xml -Pstack generate-resources 2>&1 \
    | sed -e 's/\x1b\[[0-9;]*m//g' -e '/^[[:space:]]*$/d' >&2) \
    || die "fetching the runtimes through Maven failed"
  [[ -f "$APICURIO_DIR/quarkus-run.jar" ]] || die "no quarkus-run.jar under $APICURIO_DIR after fetching"
  printf '%s\n' "$want" >"$CACHE_DIR/.fetched"
}

# ------------------------------------------------------------------ kafka

kafka_conf() {
  local conf="$RUN_DIR/server.properties"
  cat >"$conf" <<EOF
# generated by ops/stack.sh on every start; edit ops/stack.sh instead
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${LASTSEEN_KAFKA_CONTROLLER_PORT}
listeners=PLAINTEXT://127.0.0.1:${LASTSEEN_KAFKA_PORT},CONTROLLER://127.0.0.1:${LASTSEEN_KAFKA_CONTROLLER_PORT}
advertised.listeners=PLAINTEXT://127.0.0.1:${LASTSEEN_KAFKA_PORT}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=${DATA_DIR}/kafka

# single node
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
# after a kill -9 the old registration must expire before the broker can re-register
broker.session.timeout.ms=4000
broker.heartbeat.interval.ms=1000
# topics are created explicitly (contract topics by ops/stack.sh up, internal ones by Kafka Streams)
auto.create.topics.enable=false

num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
log.cleaner.dedupe.buffer.size=16777216
log.segment.bytes=134217728
log.retention.hours=168
EOF
  printf '%s\n' "$conf"
}

# already_running NAME: true (and says so) when NAME's process is up.
already_running() {
  local p
  p="$(pid_of "$1")" || return 1
  log "$1 already running (pid $p)"
}

# require_free_ports HINT PORT...: dies naming the variables to change when a port is taken.
require_free_ports() {
  local hint=$1 p
  shift
  for p in "$@"; do
    port_open "$p" && die "port $p is in use by another process (set $hint)"
  done
  return 0
}

start_kafka() {
  local conf java
  already_running kafka && return 0
  require_free_ports "LASTSEEN_KAFKA_PORT / LASTSEEN_KAFKA_CONTROLLER_PORT" "$LASTSEEN_KAFKA_PORT" "$LASTSEEN_KAFKA_CONTROLLER_PORT"
  mkdir -p "$DATA_DIR/kafka" "$LOG_DIR" "$RUN_DIR"
  conf="$(kafka_conf)"
  java="$(kafka_java)"
  if [[ ! -f "$DATA_DIR/kafka/meta.properties" ]]; then
    local cid
    # a random Kafka Uuid: 16 bytes, URL-safe base64 without padding
    cid="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
    log "formatting Kafka storage in $DATA_DIR/kafka (cluster id $cid)"
    kafka_run kafka.tools.StorageTool format --cluster-id "$cid" --config "$conf" --ignore-formatted \
      >>"$LOG_DIR/kafka-format.log" 2>&1 || { show_log_tail "$LOG_DIR/kafka-format.log"; die "formatting failed"; }
  fi
  log "starting kafka on 127.0.0.1:$LASTSEEN_KAFKA_PORT (controller $LASTSEEN_KAFKA_CONTROLLER_PORT, $java)"
  # shellcheck disable=SC2086 # heap opts are a word list
  launch kafka "$LOG_DIR/kafka.out" "$java" $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -Djava.awt.headless=true "-XX:ErrorFile=$LOG_DIR/kafka-hs_err_%p.log" \
    "-Dlastseen.stack.id=kafka@$STACK_DIR" "-Dlastseen.logs.dir=$LOG_DIR" \
    "-Dlogback.configurationFile=$OPS_DIR/kafka/logback-broker.xml" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$conf"
}

# describe all (non-internal) topics; retried until the broker answers or the deadline passes
describe_topics() {
  local deadline="$1" out
  while :; do
    if out="$(KAFKA_RUN_TIMEOUT=45 kafka_run org.apache.kafka.tools.TopicCommand \
        --bootstrap-server "$LASTSEEN_BOOTSTRAP_SERVERS" --command-config "$RUN_DIR/tools.properties" \
        --describe --exclude-internal 2>>"$LOG_DIR/tools.log")"; then
      printf '%s\n' "$out"
      return 0
    fi
    pid_of kafka >/dev/null || { show_log_tail "$LOG_DIR/kafka.log"; show_log_tail "$LOG_DIR/kafka.out"; die "kafka exited during startup"; }
    (( SECONDS < deadline )) || { show_log_tail "$LOG_DIR/tools.log"; die "kafka not ready after ${TIMEOUT}s"; }
    sleep 1
  done
}

wait_kafka_and_create_topics() {
  local deadline=$((SECONDS + TIMEOUT)) spec name parts configs described have
  until port_open "$LASTSEEN_KAFKA_PORT"; do
    pid_of kafka >/dev/null || { show_log_tail "$LOG_DIR/kafka.log"; show_log_tail "$LOG_DIR/kafka.out"; die "kafka exited during startup"; }
    (( SECONDS < deadline )) || { show_log_tail "$LOG_DIR/kafka.log"; die "kafka not listening after ${TIMEOUT}s"; }
    sleep 0.3
  done
  printf '%s\n' request.timeout.ms=10000 default.api.timeout.ms=30000 >"$RUN_DIR/tools.properties"
  described="$(describe_topics "$deadline")"
  log "kafka ready on $LASTSEEN_BOOTSTRAP_SERVERS"
  for spec in "${TOPICS[@]}"; do
    IFS='|' read -r name parts configs <<<"$spec"
    have="$(awk -v t="$name" '$1 == "Topic:" && $2 == t { for (i = 1; i <= NF; i++) if ($i == "PartitionCount:") print $(i + 1) }' <<<"$described")"
    if [[ -n "$have" ]]; then
      [[ "$have" == "$parts" ]] || log "WARN topic $name exists with $have partitions (wanted $parts); left as is"
      continue
    fi
    local args=(--create --if-not-exists --topic "$name" --partitions "$parts" --replication-factor 1)
    if [[ -n "$configs" ]]; then
      local kv kvs
      IFS=',' read -ra kvs <<<"$configs"
      for kv in "${kvs[@]}"; do args+=(--config "$kv"); done
    fi
    log "creating topic $name ($parts partitions${configs:+, $configs})"
    KAFKA_RUN_TIMEOUT=60 kafka_run org.apache.kafka.tools.TopicCommand --bootstrap-server "$LASTSEEN_BOOTSTRAP_SERVERS" \
      --command-config "$RUN_DIR/tools.properties" "${args[@]}" >>"$LOG_DIR/tools.log" 2>&1 \
      || { show_log_tail "$LOG_DIR/tools.log"; die "creating topic $name failed"; }
  done
}

# ------------------------------------------------------------------ registry

start_registry() {
  local java
  already_running registry && return 0
  require_free_ports "LASTSEEN_REGISTRY_PORT / LASTSEEN_REGISTRY_MGMT_PORT" "$LASTSEEN_REGISTRY_PORT" "$LASTSEEN_REGISTRY_MGMT_PORT"
  mkdir -p "$DATA_DIR/registry/tmp" "$LOG_DIR" "$RUN_DIR"
  java="$(registry_java)"
  log "starting Apicurio Registry on 127.0.0.1:$LASTSEEN_REGISTRY_PORT (in-memory storage, $java)"
  # shellcheck disable=SC2086 # heap opts are a word list
  launch registry "$LOG_DIR/registry.log" "$java" $REGISTRY_HEAP_OPTS -XX:+UseSerialGC \
    -Djava.awt.headless=true "-XX:ErrorFile=$LOG_DIR/registry-hs_err_%p.log" \
    "-Djava.io.tmpdir=$DATA_DIR/registry/tmp" \
    "-Dlastseen.stack.id=registry@$STACK_DIR" \
    -Dquarkus.http.host=127.0.0.1 "-Dquarkus.http.port=$LASTSEEN_REGISTRY_PORT" \
    -Dquarkus.management.host=127.0.0.1 "-Dquarkus.management.port=$LASTSEEN_REGISTRY_MGMT_PORT" \
    -Dapicurio.storage.kind=sql -Dapicurio.storage.sql.kind=h2 \
    "-Dapicurio.datasource.url=jdbc:h2:mem:lastseen;DB_CLOSE_DELAY=-1" \
    "-Dapicurio.storage.snapshot.location=$DATA_DIR/registry/tmp" \
    "-Dapicurio.import.work-dir=$DATA_DIR/registry/tmp" \
    -Dapicurio.rest.deletion.group.enabled=true \
    -Dapicurio.rest.deletion.artifact.enabled=true \
    -Dapicurio.rest.deletion.artifact-version.enabled=true \
    '-Dquarkus.log.console.format=%d{yyyy-MM-dd'"'"'T'"'"'HH:mm:ss.SSSXXX} %-5p [%c{3.}] (%t) %s%e%n' \
    -jar "$APICURIO_DIR/quarkus-run.jar"
}

registry_code() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$LASTSEEN_SCHEMA_REGISTRY_URL/subjects" 2>/dev/null || true
}

wait_registry() {
  local deadline=$((SECONDS + TIMEOUT))
  until [[ "$(registry_code)" == 200 ]]; do
    pid_of registry >/dev/null || { show_log_tail "$LOG_DIR/registry.log"; die "registry exited during startup"; }
    (( SECONDS < deadline )) || { show_log_tail "$LOG_DIR/registry.log"; die "registry not ready after ${TIMEOUT}s"; }
    sleep 0.5
  done
  log "registry ready on $LASTSEEN_SCHEMA_REGISTRY_URL"
}

# ------------------------------------------------------------------ postgres

# The project's PostgreSQL fixture (server binaries from Maven Central, as the tests and the demo use),
# started by `lastseen postgres` so that it outlives the command; database tokens with loadgen's fleet.
PG_DIR="$DATA_DIR/postgres"

# pid of the postmaster (first line of postmaster.pid), when it runs
pg_pid() {
  local f="$PG_DIR/postmaster.pid" p
  [[ -f "$f" ]] || return 1
  p="$(head -n 1 "$f")"
  [[ "$p" =~ ^[0-9]+$ ]] && kill -0 "$p" 2>/dev/null || return 1
  printf '%s\n' "$p"
}

start_postgres() {
  local p
  if p="$(pg_pid)"; then
    log "postgres already running (pid $p)"
    return 0
  fi
  require_free_ports "LASTSEEN_POSTGRES_PORT" "$LASTSEEN_POSTGRES_PORT"
  mkdir -p "$DATA_DIR" "$LOG_DIR"
  log "starting PostgreSQL on 127.0.0.1:$LASTSEEN_POSTGRES_PORT (builds lastseen-dev.jar on first use)"
  "$ROOT_DIR/lastseen" postgres --dir "$PG_DIR" --port "$LASTSEEN_POSTGRES_PORT" \
    --tokens "${LASTSEEN_POSTGRES_TOKENS:-10000}" --applier-password "$LASTSEEN_APPLY_JDBC_PASSWORD" \
    </dev/null >>"$LOG_DIR/postgres-setup.log" 2>&1 9>&- \
    || { show_log_tail "$LOG_DIR/postgres-setup.log"; show_log_tail "$DATA_DIR/postgres.log"; die "postgres did not start"; }
  log "postgres ready: $LASTSEEN_APPLY_JDBC_URL (migrated; role $LASTSEEN_APPLY_JDBC_USER)"
}

# ------------------------------------------------------------------ commands

cmd_up() {
  local t0=$SECONDS
  lock
  fetch
  start_kafka
  start_registry
  wait_kafka_and_create_topics
  wait_registry
  [[ "${LASTSEEN_STACK_POSTGRES:-1}" == 0 ]] || start_postgres
  log "up in $((SECONDS - t0))s"
  cmd_status
}

stop_all() {
  local name p pids=() names=()
  for name in registry kafka; do
    if p="$(pid_of "$name")"; then
      log "stopping $name (pid $p)"
      kill -TERM "$p" 2>/dev/null || true
      pids+=("$p")
      names+=("$name")
    else
      rm -f "$RUN_DIR/$name.pid"
    fi
  done
  if p="$(pg_pid)"; then
    log "stopping postgres (pid $p, fast shutdown)"
    kill -INT "$p" 2>/dev/null || true
    pids+=("$p")
    names+=(postgres)
  fi
  ((${#pids[@]})) || { log "nothing running"; return 0; }
  local deadline=$((SECONDS + STOP_TIMEOUT)) i alive
  while :; do
    alive=0
    for i in "${!pids[@]}"; do
      kill -0 "${pids[$i]}" 2>/dev/null && alive=1
    done
    ((alive)) || break
    if (( SECONDS >= deadline )); then
      for i in "${!pids[@]}"; do
        if kill -0 "${pids[$i]}" 2>/dev/null; then
          log "WARN ${names[$i]} did not stop in ${STOP_TIMEOUT}s; SIGKILL"
          kill -KILL "${pids[$i]}" 2>/dev/null || true
        fi
      done
      sleep 0.5
      break
    fi
    sleep 0.2
  done
  for name in "${names[@]}"; do rm -f "$RUN_DIR/$name.pid"; done
  log "stopped: ${names[*]}"
}

cmd_down() {
  lock
  stop_all
}

cmd_clean() {
  lock
  stop_all
  rm -rf "$DATA_DIR" "$LOG_DIR" "$RUN_DIR"/*.pid "$RUN_DIR"/*.properties
  log "removed $DATA_DIR and $LOG_DIR"
}

cmd_status() {
  local p rc=0 ready
  if p="$(pid_of kafka)"; then
    ready="not listening"
    port_open "$LASTSEEN_KAFKA_PORT" && ready="listening"
    printf 'kafka     running  pid %-7s bootstrap %s (%s; controller 127.0.0.1:%s)\n' "$p" \
      "$LASTSEEN_BOOTSTRAP_SERVERS" "$ready" "$LASTSEEN_KAFKA_CONTROLLER_PORT"
  else
    printf 'kafka     stopped\n'
    rc=3
  fi
  if p="$(pid_of registry)"; then
    ready="not ready"
    [[ "$(registry_code)" == 200 ]] && ready="ready"
    printf 'registry  running  pid %-7s %s (%s; health http://127.0.0.1:%s/health)\n' "$p" \
      "$LASTSEEN_SCHEMA_REGISTRY_URL" "$ready" "$LASTSEEN_REGISTRY_MGMT_PORT"
  else
    printf 'registry  stopped\n'
    rc=3
  fi
  if p="$(pg_pid)"; then
    ready="not listening"
    port_open "$LASTSEEN_POSTGRES_PORT" && ready="listening"
    printf 'postgres  running  pid %-7s %s (%s; user %s)\n' "$p" "$LASTSEEN_APPLY_JDBC_URL" "$ready" "$LASTSEEN_APPLY_JDBC_USER"
  elif [[ "${LASTSEEN_STACK_POSTGRES:-1}" != 0 ]]; then
    printf 'postgres  stopped\n'
    rc=3
  fi
  printf 'data      %s\nlogs      %s/{kafka.log,kafka.out,registry.log,tools.log,postgres-setup.log}, %s/postgres.log\n' \
    "$DATA_DIR" "$LOG_DIR" "$DATA_DIR"
  return "$rc"
}

cmd_logs() {
  local which=all follow=0 lines=50 files=()
  while (($#)); do
    case "$1" in
      kafka | registry | postgres | all) which="$1" ;;
      -f | --follow) follow=1 ;;
      -n) shift; lines="${1:?-n needs a number}" ;;
      *) die "logs: unknown argument $1" ;;
    esac
    shift
  done
  case "$which" in
    kafka) files=("$LOG_DIR/kafka.log") ;;
    registry) files=("$LOG_DIR/registry.log") ;;
    postgres) files=("$DATA_DIR/postgres.log") ;;
    all) files=("$LOG_DIR/kafka.log" "$LOG_DIR/registry.log" "$DATA_DIR/postgres.log") ;;
  esac
  local existing=() f
  for f in "${files[@]}"; do [[ -f "$f" ]] && existing+=("$f"); done
  ((${#existing[@]})) || die "no logs yet under $LOG_DIR"
  if ((follow)); then
    exec tail -n "$lines" -F "${existing[@]}"
  fi
  tail -n "$lines" "${existing[@]}"
}

cmd_env() {
  local v
  for v in LASTSEEN_BOOTSTRAP_SERVERS LASTSEEN_SCHEMA_REGISTRY_URL LASTSEEN_KAFKA_PORT \
    LASTSEEN_KAFKA_CONTROLLER_PORT LASTSEEN_REGISTRY_PORT LASTSEEN_REGISTRY_MGMT_PORT LASTSEEN_POSTGRES_PORT \
    LASTSEEN_APPLY_JDBC_URL LASTSEEN_APPLY_JDBC_USER LASTSEEN_APPLY_JDBC_PASSWORD; do
    printf 'export %s=%q\n' "$v" "${!v}"
  done
}

cmd_tool() {
  local name="${1:-}" cls
  [[ -n "$name" ]] || die "usage: ops/stack.sh tool topics|console-producer|console-consumer|consumer-groups|api-versions|transactions|get-offsets|storage|CLASS [ARGS]"
  shift
  case "$name" in
    topics) cls=org.apache.kafka.tools.TopicCommand ;;
    console-producer) cls=org.apache.kafka.tools.ConsoleProducer ;;
    console-consumer) cls=org.apache.kafka.tools.consumer.ConsoleConsumer ;;
    consumer-groups) cls=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
    api-versions) cls=org.apache.kafka.tools.BrokerApiVersionsCommand ;;
    transactions) cls=org.apache.kafka.tools.TransactionsCommand ;;
    get-offsets) cls=org.apache.kafka.tools.GetOffsetShell ;;
    storage) cls=kafka.tools.StorageTool ;;
    *.*) cls="$name" ;;
    *) die "unknown tool $name" ;;
  esac
  fetch
  local args=("$@")
  if [[ "$cls" != kafka.tools.StorageTool && " ${args[*]-} " != *" --bootstrap-server "* ]]; then
    args=(--bootstrap-server "$LASTSEEN_BOOTSTRAP_SERVERS" "${args[@]}")
  fi
  kafka_run "$cls" "${args[@]}"
}

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'; }

main() {
  local cmd="${1:-}"
  (($#)) && shift
  case "$cmd" in
    up) cmd_up "$@" ;;
    down | stop) cmd_down "$@" ;;
    status) cmd_status "$@" ;;
    logs) cmd_logs "$@" ;;
    env) cmd_env "$@" ;;
    tool) cmd_tool "$@" ;;
    clean) cmd_clean "$@" ;;
    -h | --help | help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
