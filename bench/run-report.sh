# shellcheck shell=bash
# Part of bench/run.sh (sourced by it once the figures are measured, with its variables): writes
# $RUN/results.md (the figures against their targets) and, unless --no-write, puts it into BENCHMARKS.md.

mib() { echo $(( $1 / 1048576 )); }
pass() { [[ "$1" == 1 ]] && echo "met" || echo "**not met**"; }
RATIO_OK=$(calc "$APP_RATE * 2 >= $RAW_RATE")
P99_OK=0; [[ "$P99" =~ ^[0-9.]+$ ]] && P99_OK=$(calc "$P99 <= 1.0")
PPE_OK=$(calc "$PPE_FRESH <= 0.01")
RSS_OK=$(( (HWM2_KB > HWM_KB ? HWM2_KB : HWM_KB) <= 1048576 ? 1 : 0 ))
CPU=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
JAVA_V=$(java -version 2>&1 | head -1)
cat >"$RUN/results.md" <<EOF
Run of $(date -u +%Y-%m-%dT%H:%MZ): \`bench/run.sh --tokens $TOKENS --accounts $ACCOUNTS --events $EVENTS --freshness-seconds $FRESH_S\`
(${TOTAL_S} s under the lock).
Machine: $(nproc) cores ($CPU), $(free -g | awk '/^Mem:/ {print $2}') GiB RAM, $(uname -sr), $JAVA_V; app JVM \`$APP_OPTS\`,
$PARTS login partitions, exactly_once_v2, RocksDB bounded to 256 MiB, extra properties: ${LASTSEEN_BENCH_APP_PROPS:-none}.
Broker, registry, load generator and app share the machine; load average $LOAD_START at the start, $LOAD_END at the end
(other engineers' builds run on it too).

| measure | figure | target | |
|---|---|---|---|
| raw consumer (ConsumerPerformance, fetch rate) | $RAW_RATE msg/s ($RAW_RATE_TOTAL msg/s with the group join; $RAW_MSGS msgs, $RAW_MB MB) | | |
| application drain, exactly-once | $APP_RATE events/s ($EVENTS events in $DRAIN_S s; the registry records and repartitioned commands were all processed $SETTLE_S s later) | | |
| CPU per million events during the drain | app $CPU_APP_PER_M s, broker $CPU_BROKER_PER_M s | | |
| application / raw consumer | $RATIO % | ≥ 50 % | $(pass "$RATIO_OK") |
| load generator preload rate (\`--max\`) | $LOADGEN_RATE logins/s | | |
| freshness p50 / p99 at $FRESH_RATE/s (half the drain rate; $FRESH_ACHIEVED/s achieved) | $P50 s / $P99 s ($FRESH_EV events) | p99 ≤ 1 s | $(pass "$P99_OK") |
| patches per event, steady state (second half of the freshness window) | $PPE_FRESH ($STEADY_PATCHES patches / $STEADY_EV events) | ≤ 0.01 | $(pass "$PPE_OK") |
| patches per event, whole freshness window | $PPE_FRESH_ALL ($FRESH_PATCHES / $FRESH_EV) | | |
| patches per event, first drain (every token's first sighting patches) | $PPE_DRAIN ($PATCHES_DRAIN / $C) | | |
| resident memory after the drain / peak | $((RSS_KB / 1024)) MiB / $((HWM_KB / 1024)) MiB; after the freshness run $((RSS2_KB / 1024)) / $((HWM2_KB / 1024)) MiB | ≤ 1 GiB | $(pass "$RSS_OK") |
| state directory ($TOKENS tokens registered) | $(mib "$STATE_BYTES") MiB after the drain, $(mib "$STATE_BEFORE_WIPE") MiB before the wipe | | |
| rebuild from the changelog after wiping the state directory | $REBUILD_S s from restart to /readyz 200 ($(mib "$STATE_REBUILT") MiB rebuilt; the old member's session had ended, $SESSION_WAIT_S s after the stop) | | |
EOF
cat "$RUN/results.md"
if ((WRITE)); then
  TAG=e2e-small
  ((TOKENS >= 1000000)) && TAG=e2e-1m
  ((TOKENS >= 10000000)) && TAG=e2e-10m
  python3 "$ROOT/bench/benchmarks_section.py" "$ROOT/BENCHMARKS.md" "$TAG" "$RUN/results.md"
  log "wrote the figures into BENCHMARKS.md"
fi
