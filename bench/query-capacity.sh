#!/usr/bin/env bash
# Query capacity of one lastseen instance: token lookups per second and their latency percentiles,
# measured with a real HTTP load tool (wrk, from Debian's package; installed here if missing) on
# loopback against `lastseen run` on a real broker and registry.
#
#   bench/query-capacity.sh                      100k tokens, wrk at 8, 32 and 64 connections, 3 runs of 20 s each
#   bench/query-capacity.sh --connections "32"   one concurrency level
#
# Options: --tokens N (100000)  --accounts N (1000)  --seconds S (20, per run)  --runs N (3)
#          --connections "C ..." (8 32 64)  --threads N (2, wrk's)  --no-write (don't touch BENCHMARKS.md)
# Environment: LASTSEEN_BENCH_APP_OPTS (default "-Xms512m -Xmx512m"), LASTSEEN_HEAVY_LOCK (/tmp/lastseen-heavy.lock).
#
# What it does (every process on loopback and free ports, stopped at the end):
#  1. a separate local stack (ops/stack.sh, Kafka + Apicurio, no PostgreSQL);
#  2. `lastseen loadgen`: the registry records of every token and one login for each of 100k tokens;
#  3. `lastseen run`, waited for until every input is consumed (consumer lag 0);
#  4. wrk GETs /v1/accounts/{account}/tokens/{token} of uniformly random tokens (all registered: every
#     answer is a 200 from the instance's own state), --runs times per connection count.
# wrk runs on the same machine and shares its cores with the instance and the stack: the figures are
# a floor for a dedicated host. They go to bench/target/capacity/results.md and into BENCHMARKS.md
# (between the query-capacity markers).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../ops/java-home.sh
. "$ROOT/ops/java-home.sh"
# shellcheck source=../ops/lib.sh
. "$ROOT/ops/lib.sh" # log, die, print_usage, mvn_quiet, ...
RUN="$ROOT/bench/target/capacity"
TOKENS=100000
ACCOUNTS=1000
SECONDS_PER_RUN=20
RUNS=3
CONNECTIONS="8 32 64"
THREADS=2
WRITE=1
while (($#)); do
  case "$1" in
    --tokens) TOKENS="$2"; shift ;;
    --accounts) ACCOUNTS="$2"; shift ;;
    --seconds) SECONDS_PER_RUN="$2"; shift ;;
    --runs) RUNS="$2"; shift ;;
    --connections) CONNECTIONS="$2"; shift ;;
    --threads) THREADS="$2"; shift ;;
    --no-write) WRITE=0 ;;
    -h | --help) print_usage "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "bench/query-capacity.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
for v in TOKENS ACCOUNTS SECONDS_PER_RUN RUNS THREADS; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || { echo "bench/query-capacity.sh: ${v,,} must be a positive integer" >&2; exit 2; }
done

BENCH_NAME=capacity
# shellcheck source=lib.sh
. "$ROOT/bench/lib.sh" # log, die, free_port, JAR, DEV_JAR, APP_OPTS, LOCK
KEY="bench-key-0123456789abcdef"

if ! command -v wrk >/dev/null; then
  log "installing wrk (Debian package)"
  SUDO=""; [[ "$(id -u)" == 0 ]] || SUDO="sudo"
  $SUDO apt-get install -y -q wrk >/dev/null || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q wrk >/dev/null; } \
    || die "cannot install wrk (apt-get install wrk)"
fi
WRK_VERSION=$( (wrk -v 2>&1 || true) | head -1 | awk '{print $1, $2}')

log "building the jars (mvn package, tests skipped)"
(cd "$ROOT" && mvn_quiet -DskipTests -DskipImage -pl stream-app,dev-tools -am package)

rm -rf "$RUN"
mkdir -p "$RUN"
export LASTSEEN_STACK_DIR="$RUN/stack" LASTSEEN_STACK_POSTGRES=0
export LASTSEEN_KAFKA_PORT LASTSEEN_KAFKA_CONTROLLER_PORT LASTSEEN_REGISTRY_PORT LASTSEEN_REGISTRY_MGMT_PORT
LASTSEEN_KAFKA_PORT=$(free_port); LASTSEEN_KAFKA_CONTROLLER_PORT=$(free_port)
LASTSEEN_REGISTRY_PORT=$(free_port); LASTSEEN_REGISTRY_MGMT_PORT=$(free_port)
HTTP_PORT=$(free_port); MGMT_PORT=$(free_port)
# shellcheck source=../ops/stack.env
. "$ROOT/ops/stack.env"

trap bench_cleanup EXIT # stops the app ($APP_PID) and the stack
trap 'exit 130' INT TERM

cat >"$RUN/app.properties" <<EOF
bootstrap.servers=$LASTSEEN_BOOTSTRAP_SERVERS
application.id=lastseen-capacity
state.dir=$RUN/state
replication.factor=1
lastseen.schema.registry.url=$LASTSEEN_SCHEMA_REGISTRY_URL
lastseen.http.host=127.0.0.1
lastseen.http.port=$HTTP_PORT
lastseen.http.management.port=$MGMT_PORT
lastseen.api.key.file=$RUN/api-keys
# Development only: the API key over plain HTTP on loopback.
lastseen.dev.plain-http-credentials=true
EOF
printf 'sha256:%s *\n' "$(printf %s "$KEY" | sha256sum | cut -d' ' -f1)" >"$RUN/api-keys"

cat >"$RUN/lookup.lua" <<EOF
-- A uniformly random registered token per request (loadgen: token i of account i mod accounts).
local tokens, accounts = $TOKENS, $ACCOUNTS
wrk.headers["Authorization"] = "Bearer $KEY"
request = function()
  local i = math.random(0, tokens - 1)
  return wrk.format("GET", string.format("/v1/accounts/acct-%03d/tokens/tok-%07d", i % accounts, i))
end
EOF

exec 9>"$LOCK"
log "waiting for $LOCK (other heavy runs on this machine)"
flock 9
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

log "starting a separate stack: kafka $LASTSEEN_BOOTSTRAP_SERVERS, registry $LASTSEEN_SCHEMA_REGISTRY_URL"
"$ROOT/ops/stack.sh" up >"$RUN/stack-up.log" 2>&1 || { cat "$RUN/stack-up.log" >&2; die "stack did not start"; }

log "loadgen: registry records of $TOKENS tokens and $TOKENS logins"
java -Xmx1g -jar "$DEV_JAR" loadgen --bootstrap-servers "$LASTSEEN_BOOTSTRAP_SERVERS" \
  --registry-url "$LASTSEEN_SCHEMA_REGISTRY_URL" --tokens "$TOKENS" --accounts "$ACCOUNTS" --max --count "$TOKENS" \
  >"$RUN/loadgen.out" 2>"$RUN/loadgen.err" 9>&- || { tail "$RUN/loadgen.err" >&2; die "loadgen failed"; }

log "lastseen run ($APP_OPTS)"
# shellcheck disable=SC2086 # APP_OPTS is a word list
java $APP_OPTS -jar "$JAR" run --config "$RUN/app.properties" >"$RUN/app.log" 2>&1 9>&- &
APP_PID=$!
LAG=""
for _ in $(seq 1 600); do
  kill -0 "$APP_PID" 2>/dev/null || { tail -40 "$RUN/app.log" >&2; die "the app exited"; }
  LAG=$("$ROOT/ops/stack.sh" tool consumer-groups --describe --group lastseen-capacity 2>/dev/null 9>&- \
    | awk '$1 == "lastseen-capacity" && $6 ~ /^[0-9]+$/ { s += $6; n++ } END { if (n) print s }')
  READY=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$MGMT_PORT/readyz" || true)
  [[ "$READY" == 200 && -n "$LAG" ]] && ((LAG <= 100)) && break
  sleep 1
done
[[ "$READY" == 200 ]] || die "the app is not ready after 10 minutes"
LAST=$((TOKENS - 1))
CHECK=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $KEY" \
  "http://127.0.0.1:$HTTP_PORT/v1/accounts/$(printf 'acct-%03d' $((LAST % ACCOUNTS)))/tokens/$(printf 'tok-%07d' "$LAST")")
[[ "$CHECK" == 200 ]] || die "the last token is not queryable yet (HTTP $CHECK)"
log "caught up (lag ${LAG:-?}); warming up for 10 s"
wrk -t"$THREADS" -c32 -d10s -s "$RUN/lookup.lua" "http://127.0.0.1:$HTTP_PORT" >"$RUN/wrk-warmup.txt" 2>&1 9>&-

# wrk --latency prints "Requests/sec: N", percentile lines "  50%  1.23ms", and "Non-2xx or 3xx responses: N"
to_ms() { awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.2f", v }'; }
ROWS=""
for c in $CONNECTIONS; do
  RATES=(); P50S=(); P99S=(); BAD=0
  for r in $(seq 1 "$RUNS"); do
    OUT="$RUN/wrk-c$c-r$r.txt"
    wrk -t"$THREADS" -c"$c" -d"${SECONDS_PER_RUN}s" --latency -s "$RUN/lookup.lua" "http://127.0.0.1:$HTTP_PORT" >"$OUT" 2>&1 9>&-
    RATE=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$OUT")
    P50=$(awk '$1 == "50%" {print $2}' "$OUT" | to_ms)
    P99=$(awk '$1 == "99%" {print $2}' "$OUT" | to_ms)
    NON2XX=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$OUT")
    BAD=$((BAD + ${NON2XX:-0}))
    RATES+=("$RATE"); P50S+=("$P50"); P99S+=("$P99")
    log "c=$c run $r: $RATE lookups/s, p50 $P50 ms, p99 $P99 ms, non-2xx ${NON2XX:-0}"
  done
  SORTED=$(printf '%s\n' "${RATES[@]}" | sort -n | tr '\n' ' ')
  MEDIAN=$(printf '%s\n' "${RATES[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  ROWS+="| $c | **$MEDIAN** ($SORTED) | $(IFS=/; echo "${P50S[*]}") | $(IFS=/; echo "${P99S[*]}") | $BAD |"$'\n'
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
flock -u 9

JAVA_VERSION=$(java -version 2>&1 | head -1)
{
  echo "Run of $(date -u +%Y-%m-%dT%H:%MZ): \`bench/query-capacity.sh\` on $(nproc) cores, $JAVA_VERSION, app $APP_OPTS;"
  echo "$TOKENS registered tokens over $ACCOUNTS accounts, every lookup a 200 from the instance's own state (one"
  echo "instance owns every partition); $WRK_VERSION with $THREADS threads on the same machine, $RUNS runs of"
  echo "${SECONDS_PER_RUN} s per row after a 10 s warm-up; load average $LOAD_START before, $LOAD_END after (other"
  echo "helpers' work shares the machine). Default limits: \`lastseen.http.max.concurrent.queries\` 32, so with more"
  echo "connections than that some lookups are shed with 503 (counted as non-2xx; the rate counts every answer)."
  echo
  echo "| connections | token lookups/s: median (all runs) | p50 ms per run | p99 ms per run | non-2xx |"
  echo "|---|---|---|---|---|"
  printf '%s' "$ROWS"
} >"$RUN/results.md"
cat "$RUN/results.md" >&2
if ((WRITE)); then
  python3 "$ROOT/bench/benchmarks_section.py" "$ROOT/BENCHMARKS.md" query-capacity "$RUN/results.md" \
    "## Query capacity of one instance"
  log "wrote the query-capacity table into BENCHMARKS.md"
fi
