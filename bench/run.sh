#!/usr/bin/env bash
# lastseen end-to-end benchmark on a real broker and registry. One command, one report:
#
#   bench/run.sh                       1M tokens, 2M preloaded logins (about 5 minutes on 2 cores, plus the build)
#   bench/run.sh --tokens 10000000     the 10-million-token variant (much longer: 10M registry records)
#   bench/run.sh --compare             side by side with the hand-written DSL aggregation at 100k and 1M tokens,
#                                      with and without the registry bootstrap (bench/compare.sh; --compare --help)
#
# Options: --tokens N (1000000)  --accounts N (1000)  --events N (2000000, preloaded logins)
#          --app-jar PATH (the production jar to measure; default the one built here: compare versions with the same
#          load generator and script)
#          --freshness-seconds S (120, at least 20)  --jfr (record a JFR profile of the drain)  --no-write (don't touch BENCHMARKS.md)
# Environment: LASTSEEN_BENCH_APP_OPTS (JVM options of the app, default "-Xms512m -Xmx512m"),
#              LASTSEEN_BENCH_APP_PROPS (extra app properties, space-separated key=value, for experiments),
#              LASTSEEN_HEAVY_LOCK (/tmp/lastseen-heavy.lock), LASTSEEN_TOPIC_PARTITIONS (6).
#
# What it does, in order (all processes on loopback, on free ports, killed at the end):
#  1. starts a separate local stack (ops/stack.sh with its own directory and ports): a Kafka broker
#     JVM (KRaft) and Apicurio Registry;
#  2. preloads the login topic: `lastseen loadgen --max` publishes the registry records of every
#     token, then --events logins (Zipf 1.1, 5% failures, 5 s jitter);
#  3. raw consumer limit: Kafka's ConsumerPerformance reads the login topic (same JVM, default JIT);
#  4. drain: `lastseen run` (exactly_once_v2) drains the same topic from the start; throughput from
#     lastseen_events_total polled on /metrics (first processed event to last);
#  5. memory and state: VmRSS/VmHWM of the app and the size of its state directory;
#  6. freshness: loadgen at half the measured drain rate, no jitter, for --freshness-seconds;
#     p50/p99 of lastseen_freshness_seconds over that window; patches per event over it;
#  7. rebuild: stop the app, wipe its state directory, restart, time until /readyz is 200.
# The figures go to bench/target/run/results.md and into BENCHMARKS.md (between the e2e markers).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../ops/java-home.sh
. "$ROOT/ops/java-home.sh"
# shellcheck source=../ops/lib.sh
. "$ROOT/ops/lib.sh" # log, die, print_usage, mvn_quiet, ...
RUN="$ROOT/bench/target/run"
TOKENS=1000000
ACCOUNTS=1000
EVENTS=2000000
FRESH_S=120
JFR=0
WRITE=1
APP_JAR=""
[[ "${1:-}" == --compare ]] && { shift; exec "$(dirname "${BASH_SOURCE[0]}")/compare.sh" "$@"; }
while (($#)); do
  case "$1" in
    --tokens) TOKENS="$2"; shift ;;
    --accounts) ACCOUNTS="$2"; shift ;;
    --events) EVENTS="$2"; shift ;;
    --freshness-seconds) FRESH_S="$2"; shift ;;
    --jfr) JFR=1 ;;
    --no-write) WRITE=0 ;;
    --app-jar) APP_JAR="$2"; shift ;;
    -h | --help) print_usage "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "bench/run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
for v in TOKENS ACCOUNTS EVENTS FRESH_S; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || { echo "bench/run.sh: ${v,,} must be a positive integer, was '${!v}'" >&2; exit 2; }
done
((FRESH_S >= 20 && FRESH_S <= 600)) || { echo "bench/run.sh: --freshness-seconds must be between 20 and 600" >&2; exit 2; }

BENCH_NAME=bench
# shellcheck source=lib.sh
. "$ROOT/bench/lib.sh"
bench_prepare
PROM() { python3 "$ROOT/bench/promstat.py" "$@"; }

cat >"$RUN/app.properties" <<EOF
bootstrap.servers=$BOOT
application.id=lastseen-bench
state.dir=$RUN/state
replication.factor=1
lastseen.schema.registry.url=$REG
lastseen.http.host=127.0.0.1
lastseen.http.port=$HTTP_PORT
lastseen.http.management.port=$MGMT_PORT
EOF
# extra app properties for experiments, e.g. LASTSEEN_BENCH_APP_PROPS="commit.interval.ms=1000 max.task.idle.ms=-1"
for kv in ${LASTSEEN_BENCH_APP_PROPS:-}; do echo "$kv" >>"$RUN/app.properties"; done

scrape() { curl -s --max-time 5 "$METRICS" >"$1" 2>/dev/null || : >"$1"; }
events_now() { scrape "$RUN/m.txt"; PROM sum "$RUN/m.txt" lastseen_events_total; }

# ---------------------------------------------------------------- measure, under the shared lock
bench_lock
T_ALL=$(now)
bench_stack_up

log "preloading: registry records for $TOKENS tokens, then $EVENTS logins as fast as possible"
java -Xmx1g -jar "$DEV_JAR" loadgen --bootstrap-servers "$BOOT" --registry-url "$REG" --tokens "$TOKENS" --accounts "$ACCOUNTS" \
  --max --count "$EVENTS" >"$RUN/loadgen-preload.out" 2>"$RUN/loadgen-preload.err" 9>&- \
  || { tail "$RUN/loadgen-preload.err" >&2; die "preload failed"; }
PRELOAD=$(cat "$RUN/loadgen-preload.out")
log "$PRELOAD"
LOADGEN_RATE=$(sed -n 's/.*logins_per_s=\([0-9]*\).*/\1/p' <<<"$PRELOAD")

log "raw consumer limit: ConsumerPerformance on login-events ($EVENTS messages)"
KAFKA_JAVA=$(command -v java)
"$KAFKA_JAVA" -Xmx512m "-Dlogback.configurationFile=$ROOT/ops/kafka/logback-tools.xml" -cp "$ROOT/ops/.cache/kafka-libs/*" \
  org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$BOOT" --topic login-events --num-records "$EVENTS" \
  --group "bench-raw-$$" --timeout 120000 >"$RUN/consumer-perf.out" 2>"$RUN/consumer-perf.err" 9>&- \
  || { tail "$RUN/consumer-perf.err" >&2; die "ConsumerPerformance failed"; }
# header: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms,
#         fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
CP_LINE=$(grep -E '^[0-9]{4}-' "$RUN/consumer-perf.out" | tail -1)
RAW_MSGS=$(awk -F', *' '{print $5}' <<<"$CP_LINE")
RAW_RATE=$(awk -F', *' '{printf "%.0f", $10}' <<<"$CP_LINE")
RAW_RATE_TOTAL=$(awk -F', *' '{printf "%.0f", $6}' <<<"$CP_LINE")
RAW_MB=$(awk -F', *' '{printf "%.1f", $3}' <<<"$CP_LINE")
log "raw consumer: $RAW_MSGS messages ($RAW_MB MB), $RAW_RATE msg/s fetching ($RAW_RATE_TOTAL msg/s including the group join)"

log "drain: lastseen run (exactly_once_v2) from the start of the topic"
JFR_OPTS=()
((JFR)) && JFR_OPTS=("-XX:StartFlightRecording=filename=$RUN/drain.jfr,settings=profile,dumponexit=true")
T_APP=$(now)
APP_JAR="${APP_JAR:-$JAR}"
[[ -f "$APP_JAR" ]] || die "--app-jar $APP_JAR is not a file"
start_app "$APP_JAR" "$RUN/app-drain.log" "${JFR_OPTS[@]}"
BROKER_PID=$(cat "$LASTSEEN_STACK_DIR/run/kafka.pid")
T_FIRST=""; C_FIRST=0; T_DONE=""; C=0
DEADLINE=$(( $(date +%s) + 900 ))
while :; do
  kill -0 "$APP_PID" 2>/dev/null || { tail -40 "$RUN/app-drain.log" >&2; die "the app exited during the drain"; }
  C=$(events_now); T=$(now)
  if [[ -z "$T_FIRST" && "$C" -gt 0 ]]; then
    T_FIRST=$T; C_FIRST=$C; CPU_APP0=$(cpu_seconds "$APP_PID"); CPU_BROKER0=$(cpu_seconds "$BROKER_PID")
    log "first events processed after $(calc "$T - $T_APP" 1) s"
  fi
  if ((C >= EVENTS)); then T_DONE=$T; CPU_APP1=$(cpu_seconds "$APP_PID"); CPU_BROKER1=$(cpu_seconds "$BROKER_PID"); break; fi
  (( $(date +%s) < DEADLINE )) || die "drain not finished after 15 minutes ($C of $EVENTS events)"
  sleep 0.25
done
cp "$RUN/m.txt" "$RUN/metrics-after-drain.txt"
APP_RATE=$(calc "($C - $C_FIRST) / ($T_DONE - $T_FIRST)")
DRAIN_S=$(calc "$T_DONE - $T_FIRST" 1)
# CPU time per million events: much less sensitive than wall-clock rates to other work on a shared machine.
CPU_APP_PER_M=$(calc "($CPU_APP1 - $CPU_APP0) * 1000000 / ($C - $C_FIRST)" 1)
CPU_BROKER_PER_M=$(calc "($CPU_BROKER1 - $CPU_BROKER0) * 1000000 / ($C - $C_FIRST)" 1)
RATIO=$(calc "100 * $APP_RATE / $RAW_RATE" 1)
PATCHES_DRAIN=$(PROM sum "$RUN/m.txt" lastseen_patches_emitted_total)
PPE_DRAIN=$(calc "$PATCHES_DRAIN / $C" 4)
log "app: $C events, $APP_RATE events/s over $DRAIN_S s = $RATIO% of the raw consumer; $PATCHES_DRAIN patches"

# The registry records (and the repartitioned commands) may still be in flight: with many tokens they outlast
# the logins. Wait until the group has no lag left on any input (not counted in the drain rate), so the
# freshness window below measures a caught-up application.
T_SETTLE=$(now)
LAG=""
SETTLE_DEADLINE=$(( $(date +%s) + 480 ))
while (( $(date +%s) < SETTLE_DEADLINE )); do
  LAG=$("$ROOT/ops/stack.sh" tool consumer-groups --describe --group lastseen-bench 2>/dev/null 9>&- \
    | awk '$1 == "lastseen-bench" && $6 ~ /^[0-9]+$/ { s += $6; n++ } END { if (n) print s }')
  [[ -n "$LAG" ]] && ((LAG <= 100)) && break # transaction markers can leave a record or so per partition
  kill -0 "$APP_PID" 2>/dev/null || die "the app exited while catching up"
  sleep 1
done
[[ -n "$LAG" ]] && ((LAG <= 100)) || log "WARN still lagging (${LAG:-unknown}) after 8 minutes; measuring anyway"
SETTLE_S=$(calc "$(now) - $T_SETTLE" 1)
log "caught up on every input (lag ${LAG:-?}) $SETTLE_S s after the last login was processed"
sleep 5 # let the last commit and RocksDB flushes settle before measuring memory
RSS_KB=$(awk '/^VmRSS:/ {print $2}' "/proc/$APP_PID/status")
HWM_KB=$(awk '/^VmHWM:/ {print $2}' "/proc/$APP_PID/status")
STATE_BYTES=$(du -sb "$RUN/state" | cut -f1)
HEAP_USED=$(PROM sum "$RUN/m.txt" jvm_memory_used_bytes 2>/dev/null || echo 0)
log "memory: RSS $((RSS_KB / 1024)) MiB (peak $((HWM_KB / 1024)) MiB), state directory $((STATE_BYTES / 1048576)) MiB"

FRESH_RATE=$((APP_RATE / 2))
log "freshness: $FRESH_RATE logins/s (half the drain rate) for $FRESH_S s, no jitter"
scrape "$RUN/m-fresh-before.txt"
java -Xmx1g -jar "$DEV_JAR" loadgen --bootstrap-servers "$BOOT" --registry-url "$REG" --tokens "$TOKENS" --accounts "$ACCOUNTS" \
  --no-registry-records --rate "$FRESH_RATE" --duration "PT${FRESH_S}S" --jitter PT0S --seed 7 \
  >"$RUN/loadgen-fresh.out" 2>"$RUN/loadgen-fresh.err" 9>&- &
LG_PID=$!
# Patches per event in steady state: the second half of the window. In the first minute every token seen in the
# preload (dated minutes earlier) advances past the granularity once; after that each token patches at most once a
# granularity (60 s).
sleep $((FRESH_S / 2))
scrape "$RUN/m-fresh-mid.txt"
wait "$LG_PID" || { tail "$RUN/loadgen-fresh.err" >&2; die "fixed-rate loadgen failed"; }
FRESH_OUT=$(cat "$RUN/loadgen-fresh.out")
FRESH_SENT=$(sed -n 's/.* logins=\([0-9]*\).*/\1/p' <<<"$FRESH_OUT")
FRESH_ACHIEVED=$(sed -n 's/.*logins_per_s=\([0-9]*\).*/\1/p' <<<"$FRESH_OUT")
# wait until the app has processed what was sent
TARGET=$(( $(PROM sum "$RUN/m-fresh-before.txt" lastseen_events_total) + FRESH_SENT ))
for _ in $(seq 1 240); do (( $(events_now) >= TARGET )) && break; sleep 0.25; done
scrape "$RUN/m-fresh-after.txt"
FRESH_Q=$(PROM quantiles "$RUN/m-fresh-before.txt" "$RUN/m-fresh-after.txt" lastseen_freshness_seconds 0.5 0.99)
FRESH_EV=$(( $(PROM sum "$RUN/m-fresh-after.txt" lastseen_events_total) - $(PROM sum "$RUN/m-fresh-before.txt" lastseen_events_total) ))
FRESH_PATCHES=$(( $(PROM sum "$RUN/m-fresh-after.txt" lastseen_patches_emitted_total) - $(PROM sum "$RUN/m-fresh-before.txt" lastseen_patches_emitted_total) ))
PPE_FRESH_ALL=$(calc "$FRESH_PATCHES / ($FRESH_EV + 0.000001)" 4)
STEADY_EV=$(( $(PROM sum "$RUN/m-fresh-after.txt" lastseen_events_total) - $(PROM sum "$RUN/m-fresh-mid.txt" lastseen_events_total) ))
STEADY_PATCHES=$(( $(PROM sum "$RUN/m-fresh-after.txt" lastseen_patches_emitted_total) - $(PROM sum "$RUN/m-fresh-mid.txt" lastseen_patches_emitted_total) ))
PPE_FRESH=$(calc "$STEADY_PATCHES / ($STEADY_EV + 0.000001)" 4)
P50=$(sed -n 's/.*p50=\([0-9.na]*\).*/\1/p' <<<"$FRESH_Q"); P99=$(sed -n 's/.*p99=\([0-9.na]*\).*/\1/p' <<<"$FRESH_Q")
log "freshness: $FRESH_Q over $FRESH_EV events ($FRESH_ACHIEVED/s achieved); $FRESH_PATCHES patches"
RSS2_KB=$(awk '/^VmRSS:/ {print $2}' "/proc/$APP_PID/status")
HWM2_KB=$(awk '/^VmHWM:/ {print $2}' "/proc/$APP_PID/status")

log "rebuild: stop the app, wipe its state directory, restart"
stop_app
STATE_BEFORE_WIPE=$(du -sb "$RUN/state" | cut -f1)
rm -rf "$RUN/state"
# Kafka Streams does not leave the group on close: the old member's partitions stay assigned until its session
# times out. Wait for that (not counted), so the figure is the rebuild and not the session timeout.
T_GONE=$(now)
for _ in $(seq 1 60); do
  "$ROOT/ops/stack.sh" tool consumer-groups --describe --group lastseen-bench --state 2>/dev/null 9>&- \
    | grep -Eq '\s(Empty|Dead)\s' && break
  sleep 1
done
SESSION_WAIT_S=$(calc "$(now) - $T_GONE" 1)
T_RESTART=$(now)
start_app "$APP_JAR" "$RUN/app-rebuild.log"
STREAK=0; T_READY=""
DEADLINE=$(( $(date +%s) + 900 ))
while :; do
  kill -0 "$APP_PID" 2>/dev/null || { tail -40 "$RUN/app-rebuild.log" >&2; die "the app exited during the rebuild"; }
  CODE=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$READYZ" 2>/dev/null || true)
  if [[ "$CODE" == 200 ]]; then
    [[ -n "$T_READY" ]] || T_READY=$(now)
    STREAK=$((STREAK + 1))
    ((STREAK >= 5)) && break # ready and staying ready (not a moment between RUNNING and the first restore)
  else
    STREAK=0; T_READY=""
  fi
  (( $(date +%s) < DEADLINE )) || die "not ready 15 minutes after the restart"
  sleep 0.2
done
REBUILD_S=$(calc "$T_READY - $T_RESTART" 1)
stop_app
STATE_REBUILT=$(du -sb "$RUN/state" | cut -f1)
log "rebuild: ready after $REBUILD_S s (after $SESSION_WAIT_S s for the old member's session to end; state $((STATE_BEFORE_WIPE / 1048576)) MiB before the wipe, $((STATE_REBUILT / 1048576)) MiB rebuilt)"
TOTAL_S=$(calc "$(now) - $T_ALL")
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
"$ROOT/ops/stack.sh" down >/dev/null 2>&1 || true
flock -u 9

# ---------------------------------------------------------------- report
# shellcheck source=run-report.sh
. "$ROOT/bench/run-report.sh"
