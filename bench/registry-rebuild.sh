#!/usr/bin/env bash
# How long lastseen takes to rebuild its registry store from the service-tokens topic: the step of
# the upgrade to the secret-free registry (ops/RUNBOOK.md) that costs time, or any rebuild-registry.
#
#   bench/registry-rebuild.sh                         1M tokens, the current version before and after
#   bench/registry-rebuild.sh --before-jar OLD.jar    the real upgrade: OLD.jar (a lastseen with the secret-bearing
#                                                     registry layout v1) builds its state first
#
# Options: --tokens N (1000000)  --accounts N (1000)  --before-jar PATH (default: the current jar)
# Environment: LASTSEEN_BENCH_APP_OPTS (JVM options of the app, default "-Xms512m -Xmx512m"),
#              LASTSEEN_HEAVY_LOCK (/tmp/lastseen-heavy.lock), LASTSEEN_TOPIC_PARTITIONS (6).
#
# Steps (all processes on loopback, on free ports, stopped at the end):
#  1. a separate local stack (ops/stack.sh with its own directory and ports);
#  2. `lastseen loadgen --count 0 --max`: the registry records of every token, nothing else;
#  3. the "before" version runs until its group has consumed service-tokens and its registry repartition topic;
#  4. it stops; `lastseen rebuild-registry --execute` (the current version) resets the service-tokens offsets;
#  5. the current version starts; timed until its group's lag on service-tokens and on the registry
#     repartition topic is 0 (read every second with kafka-consumer-groups), and until /readyz is 200.
# Figures go to stdout and bench/target/registry-rebuild/results.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../ops/java-home.sh
. "$ROOT/ops/java-home.sh"
RUN="$ROOT/bench/target/registry-rebuild"
TOKENS=1000000
ACCOUNTS=1000
BEFORE_JAR=""
while (($#)); do
  case "$1" in
    --tokens) TOKENS="$2"; shift ;;
    --accounts) ACCOUNTS="$2"; shift ;;
    --before-jar) BEFORE_JAR="$2"; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/registry-rebuild.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
for v in TOKENS ACCOUNTS; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || { echo "bench/registry-rebuild.sh: ${v,,} must be a positive integer, was '${!v}'" >&2; exit 2; }
done
[[ -z "$BEFORE_JAR" || -f "$BEFORE_JAR" ]] || { echo "bench/registry-rebuild.sh: --before-jar $BEFORE_JAR is not a file" >&2; exit 2; }

BENCH_NAME=rebuild
# shellcheck source=lib.sh
. "$ROOT/bench/lib.sh"
BEFORE_JAR="${BEFORE_JAR:-$JAR}"
GROUP=lastseen-rebuild
bench_prepare

cat >"$RUN/app.properties" <<EOF
bootstrap.servers=$BOOT
application.id=$GROUP
state.dir=$RUN/state
replication.factor=1
lastseen.schema.registry.url=$REG
lastseen.http.host=127.0.0.1
lastseen.http.port=$HTTP_PORT
lastseen.http.management.port=$MGMT_PORT
# Kafka Streams does not leave the group on close: a short session keeps the wait between the two runs short.
session.timeout.ms=10000
EOF

# "<lag> <partitions listed>" of the group on service-tokens and on the registry repartition topic matching $1.
registry_lag() {
  "$ROOT/ops/stack.sh" tool consumer-groups --describe --group "$GROUP" 2>/dev/null 9>&- \
    | awk -v g="$GROUP" -v rp="$1" '$1 == g && ($2 == "service-tokens" || $2 ~ rp) && $6 ~ /^[0-9]+$/ { s += $6; n++ }
                                   END { print (n ? s : "-"), n + 0 }'
}
# Waits until the registry is caught up (lag 0 over both topics, every partition of both listed); prints seconds since $1.
# $2: the registry repartition topic's pattern (the layout v1 and v2 topics have different names).
wait_caught_up() {
  local t0="$1" deadline=$(( $(date +%s) + 1800 )) lag parts
  while :; do
    kill -0 "$APP_PID" 2>/dev/null || die "the app exited (see its log in $RUN)"
    read -r lag parts < <(registry_lag "$2")
    [[ "$lag" == "-" ]] && lag=""
    if [[ -n "$lag" ]] && ((lag == 0 && parts >= 2 * PARTS)); then calc "$(now) - $t0" 1; return; fi
    (( $(date +%s) < deadline )) || die "registry not caught up after 30 minutes (lag ${lag:-?})"
    sleep 1
  done
}
wait_group_empty() {
  for _ in $(seq 1 90); do
    "$ROOT/ops/stack.sh" tool consumer-groups --describe --group "$GROUP" --state 2>/dev/null 9>&- | grep -Eq '\s(Empty|Dead)\s' && return
    sleep 1
  done
  die "group $GROUP still has members 90 s after the stop"
}

bench_lock
T_ALL=$(now)
bench_stack_up

log "producing the registry records of $TOKENS tokens"
java -Xmx1g -jar "$DEV_JAR" loadgen --bootstrap-servers "$BOOT" --registry-url "$REG" --tokens "$TOKENS" --accounts "$ACCOUNTS" \
  --max --count 0 >"$RUN/loadgen.out" 2>"$RUN/loadgen.err" 9>&- || { tail "$RUN/loadgen.err" >&2; die "loadgen failed"; }
log "$(cat "$RUN/loadgen.out")"

log "before: $(basename "$(dirname "$(dirname "$(dirname "$BEFORE_JAR")")")")/$(basename "$BEFORE_JAR") builds its state"
T0=$(now)
start_app "$BEFORE_JAR" "$RUN/app-before.log"
FIRST_S=$(wait_caught_up "$T0" 'registry-by-account(-v2)?-repartition$')
log "before: registry of $TOKENS tokens built from scratch in $FIRST_S s (index and registry, from start-up)"
stop_app
wait_group_empty
STATE_BEFORE=$(du -sb "$RUN/state" | cut -f1)

log "rebuild-registry: reset the service-tokens offsets"
java -jar "$JAR" rebuild-registry --config "$RUN/app.properties" --execute >"$RUN/rebuild-registry.out" 2>&1 9>&- \
  || { cat "$RUN/rebuild-registry.out" >&2; die "rebuild-registry failed"; }
tail -1 "$RUN/rebuild-registry.out" >&2

T1=$(now)
start_app "$JAR" "$RUN/app-after.log"
READY_S=""
while [[ -z "$READY_S" ]]; do
  kill -0 "$APP_PID" 2>/dev/null || die "the app exited (see $RUN/app-after.log)"
  [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$READYZ" 2>/dev/null || true)" == 200 ]] && READY_S=$(calc "$(now) - $T1" 1)
  sleep 0.2
done
REBUILD_S=$(wait_caught_up "$T1" 'registry-by-account-v2-repartition$')
RATE=$(calc "$TOKENS / $REBUILD_S")
STATE_AFTER=$(du -sb "$RUN/state" | cut -f1)
LEGACY_DIRS=$(sed -n 's/.*Deleted \([0-9]*\) local store directories.*/\1/p' "$RUN/app-after.log" | head -1)
WARNED=$(grep -c 'delete-legacy-topics' "$RUN/app-after.log" || true)
log "after: ready (/readyz 200) after $READY_S s; registry rebuilt from service-tokens after $REBUILD_S s ($RATE tokens/s)"
stop_app
TOTAL_S=$(calc "$(now) - $T_ALL")
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
"$ROOT/ops/stack.sh" down >/dev/null 2>&1 || true
flock -u 9

CPU=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
cat >"$RUN/results.md" <<EOF
Run of $(date -u +%Y-%m-%dT%H:%MZ): \`bench/registry-rebuild.sh --tokens $TOKENS --accounts $ACCOUNTS\` (before: \`$BEFORE_JAR\`), ${TOTAL_S} s under the lock.
Machine: $(nproc) cores ($CPU), $(free -g | awk '/^Mem:/ {print $2}') GiB RAM; app JVM \`$APP_OPTS\`, $PARTS partitions, exactly_once_v2,
one instance, one stream thread; broker, registry and app on the same machine; load average $LOAD_START at the start, $LOAD_END at the end.

| measure | figure |
|---|---|
| before: token index + registry built from scratch, from start-up | $FIRST_S s |
| after \`rebuild-registry\`: start-up to /readyz 200 | $READY_S s |
| after \`rebuild-registry\`: start-up to registry caught up (lag 0 on service-tokens and the registry repartition topic) | **$REBUILD_S s** ($RATE tokens/s) |
| state directory before / after | $((STATE_BEFORE / 1048576)) MiB / $((STATE_AFTER / 1048576)) MiB |
| legacy local store directories deleted at start-up / WARN lines about legacy topics | ${LEGACY_DIRS:-0} / $WARNED |
EOF
cat "$RUN/results.md"
