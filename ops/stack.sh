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
#   LASTSEEN_KAFKA_CLUSTER_ID (the id a fresh data directory is formatted with; default: a random one),
#   LASTSEEN_KAFKA_LIBS (a directory of Kafka jars to run instead of the fetched ones).
# The parts: ops/stack.d/ (processes, kafka, registry and postgres), helpers shared with bench/ in ops/lib.sh.
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
KAFKA_LIBS="${LASTSEEN_KAFKA_LIBS:-$CACHE_DIR/kafka-libs}" # a directory of jars; the fetched ones by default
APICURIO_DIR="$CACHE_DIR/apicurio"

TIMEOUT="${LASTSEEN_STACK_TIMEOUT:-120}"
STOP_TIMEOUT="${LASTSEEN_STOP_TIMEOUT:-30}"
PARTITIONS="${LASTSEEN_TOPIC_PARTITIONS:-6}"
DLQ_PARTITIONS="${LASTSEEN_DLQ_PARTITIONS:-3}"
KAFKA_HEAP_OPTS="${LASTSEEN_KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
REGISTRY_HEAP_OPTS="${LASTSEEN_REGISTRY_HEAP_OPTS:--Xms64m -Xmx384m}"
MVN="${MVN:-mvn}"
LOG_NAME=stack
# shellcheck source=ops/lib.sh
. "$OPS_DIR/lib.sh"
# shellcheck source=ops/stack.d/processes.sh
. "$OPS_DIR/stack.d/processes.sh"
# shellcheck source=ops/stack.d/kafka.sh
. "$OPS_DIR/stack.d/kafka.sh"
# shellcheck source=ops/stack.d/services.sh
. "$OPS_DIR/stack.d/services.sh"

lock() {
  mkdir -p "$RUN_DIR"
  exec 9>"$RUN_DIR/.lock"
  flock -w "$TIMEOUT" 9 || die "another ops/stack.sh is busy (lock $RUN_DIR/.lock)"
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
  local name p stops=() names=()
  for name in registry kafka; do
    if p="$(pid_of "$name")"; then
      log "stopping $name (pid $p)"
      stops+=("$name=$p")
      names+=("$name")
    else
      rm -f "$RUN_DIR/$name.pid"
    fi
  done
  if p="$(pg_pid)"; then
    log "stopping postgres (pid $p, fast shutdown)"
    stops+=("postgres=$p:INT")
    names+=(postgres)
  fi
  ((${#stops[@]})) || { log "nothing running"; return 0; }
  stop_processes "$STOP_TIMEOUT" "${stops[@]}"
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
  [[ -n "${1:-}" ]] || die "usage: ops/stack.sh tool topics|console-producer|console-consumer|consumer-groups|api-versions|transactions|get-offsets|storage|CLASS [ARGS]"
  kafka_tool "$@"
}

usage() { print_usage "${BASH_SOURCE[0]}"; }

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

# sourced (by a test that calls one step), it only defines
[[ "${BASH_SOURCE[0]}" != "$0" ]] || main "$@"
