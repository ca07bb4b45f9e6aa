#!/usr/bin/env bash
# lastseen side by side with the job a user would write by hand (bench/src/.../DslAggregationJob:
# logins → groupBy(token_id) → aggregate(max occurred_at) into a RocksDB table, like a ksqlDB
# `MAX(...) GROUP BY token_id` table), on the same preloaded topics, in the same run, alternating.
# Run it as `bench/run.sh --compare [OPTIONS]` (or directly).
#
# Options: --tokens "N ..." ("100000 1000000")  --events N (2000000 logins per token count)
#          --rounds N (4, at least 4)  --accounts N (1000)  --no-write (don't touch BENCHMARKS.md)
#          --baseline-jar PATH (another lastseen jar, e.g. main's: its drains join every round, with and without
#          the registry bootstrap, so a change is measured against its baseline and the DSL job in the same run)
# Environment: LASTSEEN_BENCH_APP_OPTS (both jobs' JVM options, default "-Xms512m -Xmx512m"),
#              LASTSEEN_BENCH_APP_PROPS (extra lastseen properties), LASTSEEN_HEAVY_LOCK.
#
# For each token count: loadgen preloads login-events-N (and service-tokens-N with every token's
# registry record); Kafka's ConsumerPerformance reads login-events-N (the raw fetch rate); then
# --rounds rounds of three drains, in this order, each a fresh JVM, application id and state
# directory:  lastseen with the registry bootstrap (service-tokens-N), the DSL job, lastseen
# without it (the empty contract topic service-tokens); then ConsumerPerformance again.
# Every drain is watched from outside by GroupProgress (committed offsets, polled every 100 ms):
#   rate         logins committed between the first commit and the one that covers the topic, per s
#   first commit seconds from the JVM's launch to the group's first committed offset
#   caught up    seconds from launch until every partition the group reads (registry, repartition
#                topics) is committed to its end, i.e. the registry bootstrap done too
#   CPU split    at the end of the drain: `jcmd Thread.print` per-thread CPU (stream thread, GC, JIT,
#                producer/consumer network threads, native = RocksDB's threads) and the process total
#   RSS          VmHWM (peak resident memory) at the end of the drain
# Results: bench/target/compare/results.md (and between the compare markers in BENCHMARKS.md).
set -euo pipefail
{ # the whole script is read before it runs: editing it during a long run cannot change the run

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../ops/java-home.sh
. "$ROOT/ops/java-home.sh"
# shellcheck source=../ops/lib.sh
. "$ROOT/ops/lib.sh" # log, die, print_usage, mvn_quiet, ...
RUN="$ROOT/bench/target/compare"
TOKEN_COUNTS="100000 1000000"
EVENTS=2000000
ROUNDS=4
ACCOUNTS=1000
WRITE=1
BASELINE_JAR=""
while (($#)); do
  case "$1" in
    --tokens) TOKEN_COUNTS="$2"; shift ;;
    --events) EVENTS="$2"; shift ;;
    --rounds) ROUNDS="$2"; shift ;;
    --accounts) ACCOUNTS="$2"; shift ;;
    --no-write) WRITE=0 ;;
    --baseline-jar) BASELINE_JAR="$2"; shift ;;
    -h | --help) print_usage "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "bench/compare.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
for v in EVENTS ROUNDS ACCOUNTS; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || { echo "bench/compare.sh: ${v,,} must be a positive integer, was '${!v}'" >&2; exit 2; }
done
[[ -z "$BASELINE_JAR" || -f "$BASELINE_JAR" ]] || { echo "bench/compare.sh: --baseline-jar $BASELINE_JAR is not a file" >&2; exit 2; }
((ROUNDS >= 4)) || { echo "bench/compare.sh: --rounds must be at least 4 (figures are reported with their spread)" >&2; exit 2; }

BENCH_NAME=compare
# shellcheck source=lib.sh
. "$ROOT/bench/lib.sh"
bench_prepare
log "building the benchmark jar (DslAggregationJob, GroupProgress)"
(cd "$ROOT" && mvn_quiet -Pbenchmarks -DskipTests -pl bench -am package)
BENCH_JAR="$ROOT/bench/target/benchmarks.jar"
JCMD="$JAVA_HOME/bin/jcmd"
[[ -x "$JCMD" ]] || JCMD=jcmd
KAFKA_CP="$ROOT/ops/.cache/kafka-libs/*"
TOOLS_LOG="-Dlogback.configurationFile=$ROOT/ops/kafka/logback-tools.xml"
RESULTS="$RUN/runs.txt" # one line per drain: key=value figures
: >"$RESULTS"

topic_create() { # name [config...]
  local name="$1" args=()
  shift
  for c in "$@"; do args+=(--config "$c"); done
  "$ROOT/ops/stack.sh" tool topics --create --if-not-exists --topic "$name" --partitions "$PARTS" --replication-factor 1 \
    "${args[@]}" >>"$RUN/tools.log" 2>&1 9>&- || die "creating topic $name failed (see $RUN/tools.log)"
}
raw_consumer() { # topic label
  java -Xmx512m "$TOOLS_LOG" -cp "$KAFKA_CP" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$BOOT" \
    --topic "$1" --num-records "$EVENTS" --group "raw-$2-$$" --timeout 120000 >"$RUN/raw-$2.out" 2>"$RUN/raw-$2.err" 9>&- \
    || { tail "$RUN/raw-$2.err" >&2; die "ConsumerPerformance failed"; }
  # columns: ..., nMsg.sec (6), ..., fetch.nMsg.sec (10)
  grep -E '^[0-9]{4}-' "$RUN/raw-$2.out" | tail -1 | awk -F', *' '{printf "%.0f", $10}'
}

# drain KIND TOKENS ROUND: KIND is lastseen-reg, lastseen-noreg, baseline-reg, baseline-noreg or dsl.
# Appends a line to $RESULTS.
drain() {
  local kind="$1" tokens="$2" round="$3" id="cmp-$1-$2-$3" start progress rc cpu split hwm load0 load1
  local state="$RUN/state-$id" out="$RUN/$id.log"
  load0=$(cut -d' ' -f1 /proc/loadavg)
  start=$(date +%s%3N)
  case "$kind" in
    dsl)
      # shellcheck disable=SC2086 # APP_OPTS is a word list
      java $APP_OPTS -cp "$BENCH_JAR" dev.lastseen.bench.DslAggregationJob "$BOOT" "$REG" "login-events-$tokens" "$id" "$state" \
        >"$out" 2>&1 9>&- &
      ;;
    lastseen-* | baseline-*)
      local registry_topic=service-tokens jar="$JAR"
      [[ "$kind" == *-reg ]] && registry_topic="service-tokens-$tokens"
      [[ "$kind" == baseline-* ]] && jar="$BASELINE_JAR"
      cat >"$RUN/$id.properties" <<PROPS
bootstrap.servers=$BOOT
application.id=$id
state.dir=$state
replication.factor=1
lastseen.schema.registry.url=$REG
lastseen.http.host=127.0.0.1
lastseen.http.port=$HTTP_PORT
lastseen.topic.login-events=login-events-$tokens
lastseen.topic.service-tokens=$registry_topic
PROPS
      for kv in ${LASTSEEN_BENCH_APP_PROPS:-}; do echo "$kv" >>"$RUN/$id.properties"; done
      # shellcheck disable=SC2086 # APP_OPTS is a word list
      java $APP_OPTS -jar "$jar" run --config "$RUN/$id.properties" >"$out" 2>&1 9>&- &
      ;;
  esac
  APP_PID=$!
  java -Xmx128m "$TOOLS_LOG" -cp "$BENCH_JAR" dev.lastseen.bench.GroupProgress "$BOOT" "$id" "login-events-$tokens" \
    "$start" 900 >"$RUN/$id.progress" 2>>"$RUN/progress.err" 9>&- &
  local watcher=$!
  while kill -0 "$watcher" 2>/dev/null; do
    kill -0 "$APP_PID" 2>/dev/null || { kill "$watcher" 2>/dev/null; tail -30 "$out" >&2; die "$id exited during the drain"; }
    sleep 0.1
  done
  wait "$watcher" && rc=0 || rc=$?
  ((rc == 0)) || { tail -30 "$out" >&2; die "$id: no progress to the end of login-events-$tokens in 15 minutes"; }
  progress=$(cat "$RUN/$id.progress")
  cpu=$(cpu_seconds "$APP_PID")
  "$JCMD" "$APP_PID" Thread.print >"$RUN/$id.threads" 2>/dev/null 9>&- || true
  hwm=$(awk '/^VmHWM:/ {printf "%d", $2 / 1024}' "/proc/$APP_PID/status")
  split=$(python3 "$ROOT/bench/threadcpu.py" "$RUN/$id.threads" "$cpu")
  stop_app
  load1=$(cut -d' ' -f1 /proc/loadavg)
  echo "kind=$kind tokens=$tokens round=$round $progress $split rss_peak_mib=$hwm load_before=$load0 load_after=$load1" | tee -a "$RESULTS" >&2
  rm -rf "$state"
  # its internal topics (changelogs, repartitions) are not needed any more: keep the broker's disk small
  "$ROOT/ops/stack.sh" tool topics --delete --topic "$id-.*" >>"$RUN/tools.log" 2>&1 9>&- || true
}

bench_lock
T_ALL=$(now)
bench_stack_up
RAW_LINES=()
for tokens in $TOKEN_COUNTS; do
  topic_create "login-events-$tokens"
  topic_create "service-tokens-$tokens" cleanup.policy=compact
  log "preloading: registry records for $tokens tokens on service-tokens-$tokens, then $EVENTS logins on login-events-$tokens"
  java -Xmx1g -jar "$DEV_JAR" loadgen --bootstrap-servers "$BOOT" --registry-url "$REG" --tokens "$tokens" --accounts "$ACCOUNTS" \
    --login-topic "login-events-$tokens" --registry-topic "service-tokens-$tokens" --max --count "$EVENTS" \
    >"$RUN/preload-$tokens.out" 2>"$RUN/preload-$tokens.err" 9>&- || { tail "$RUN/preload-$tokens.err" >&2; die "preload failed"; }
  log "$(cat "$RUN/preload-$tokens.out")"
  RAW_BEFORE=$(raw_consumer "login-events-$tokens" "$tokens-before")
  log "raw consumer before: $RAW_BEFORE msg/s"
  for round in $(seq 1 "$ROUNDS"); do
    KINDS=(lastseen-reg dsl lastseen-noreg)
    [[ -n "$BASELINE_JAR" ]] && KINDS=(lastseen-reg baseline-reg dsl lastseen-noreg baseline-noreg)
    for kind in "${KINDS[@]}"; do drain "$kind" "$tokens" "$round"; done
  done
  RAW_AFTER=$(raw_consumer "login-events-$tokens" "$tokens-after")
  log "raw consumer after: $RAW_AFTER msg/s"
  RAW_LINES+=("$tokens $RAW_BEFORE $RAW_AFTER")
done
TOTAL_S=$(calc "$(now) - $T_ALL")
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
"$ROOT/ops/stack.sh" down >/dev/null 2>&1 || true
flock -u 9

JAVA_V=$(java -version 2>&1 | head -1)
{
  echo "Run of $(date -u +%Y-%m-%dT%H:%MZ): \`bench/run.sh --compare --tokens \"$TOKEN_COUNTS\" --events $EVENTS --rounds $ROUNDS\`"
  echo "($TOTAL_S s under the lock). $(nproc) cores, $JAVA_V; both jobs \`$APP_OPTS\`, $PARTS login partitions, exactly_once_v2,"
  echo "commit 1 s, 64 MiB record cache; extra lastseen properties: ${LASTSEEN_BENCH_APP_PROPS:-none}; baseline jar: $(basename "${BASELINE_JAR:-none}")."
  echo "Broker, registry and the job"
  echo "share the machine; load average $LOAD_START at the start, $LOAD_END at the end."
  echo
  printf '%s\n' "${RAW_LINES[@]}" | python3 "$ROOT/bench/compare_report.py" "$RESULTS"
} >"$RUN/results.md"
cat "$RUN/results.md"
if ((WRITE)); then
  python3 "$ROOT/bench/benchmarks_section.py" "$ROOT/BENCHMARKS.md" compare "$RUN/results.md"
  log "wrote the figures into BENCHMARKS.md"
fi
exit
}
