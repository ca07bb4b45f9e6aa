#!/usr/bin/env bash
# Crash and restart at scale: the integration tests' CrashRestartIT (two `lastseen run` processes on a
# real KRaft broker and Apicurio Registry, one SIGKILLed under load and restarted at once with its
# identity) with a state of 1M tokens instead of the test run's 50k, repeated, under the shared lock.
#
#   bench/restart.sh                         1M tokens, 3 runs (about 3-4 minutes each on 2 cores)
#   bench/restart.sh --tokens 200000 --runs 5
#   bench/restart.sh --test RollingRestartIT --runs 3   the rolling restart of three instances instead
#
# Options: --tokens N (1000000)  --runs N (3)  --test CrashRestartIT|RollingRestartIT
#          --app 'key=value;key=value'  (extra app properties, for experiments)
#          --label TEXT  (names the runs in the report)
# Environment: LASTSEEN_HEAVY_LOCK (/tmp/lastseen-heavy.lock). Extra Maven options after --, e.g.
#          bench/restart.sh -- -Dkafka.version=4.4.0
# Each run's RESTART-REPORT / ROLL-REPORT goes to stdout and to bench/target/restart/<label>-<n>.txt.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../ops/java-home.sh
. "$ROOT/ops/java-home.sh"
LOG_NAME=restart
LOG_TIME=1
# shellcheck source=../ops/lib.sh
. "$ROOT/ops/lib.sh" # log, die, print_usage, mvn_quiet, ...
TOKENS=1000000
RUNS=3
TEST=CrashRestartIT
APP=""
LABEL=""
MVN_EXTRA=()
while (($#)); do
  case "$1" in
    --tokens) TOKENS="$2"; shift ;;
    --runs) RUNS="$2"; shift ;;
    --test) TEST="$2"; shift ;;
    --app) APP="$2"; shift ;;
    --label) LABEL="$2"; shift ;;
    --) shift; MVN_EXTRA=("$@"); break ;;
    -h | --help) print_usage "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "bench/restart.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ "$TOKENS" =~ ^[1-9][0-9]*$ ]] || { echo "bench/restart.sh: --tokens must be a positive integer" >&2; exit 2; }
[[ "$RUNS" =~ ^[1-9][0-9]?$ ]] || { echo "bench/restart.sh: --runs must be 1..99" >&2; exit 2; }
[[ "$TEST" == CrashRestartIT || "$TEST" == RollingRestartIT ]] || { echo "bench/restart.sh: --test must be CrashRestartIT or RollingRestartIT" >&2; exit 2; }
LABEL=${LABEL:-$TEST-$TOKENS}
LOCK="${LASTSEEN_HEAVY_LOCK:-/tmp/lastseen-heavy.lock}"
OUT="$ROOT/bench/target/restart"
mkdir -p "$OUT"

log "building (no tests)"
(cd "$ROOT" && mvn -q -B -DskipTests -DskipImage -pl integration-tests -am package "${MVN_EXTRA[@]}" 2>&1 | tail -20) >&2
for n in $(seq 1 "$RUNS"); do
  log "run $n of $RUNS: waiting for $LOCK"
  (
    flock 9
    rm -rf "$ROOT/integration-tests/target/it-work"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    (cd "$ROOT" && mvn -B -pl integration-tests -am verify -DskipImage -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
      -Dit.test="$TEST" -Dlastseen.it.roll=true -Dlastseen.it.restart.tokens="$TOKENS" -Dlastseen.it.restart.label="$LABEL-$n" \
      ${APP:+"-Dlastseen.it.restart.app=$APP"} "${MVN_EXTRA[@]}" >"$OUT/$LABEL-$n.mvn.log" 2>&1) || echo "(the test failed: see $OUT/$LABEL-$n.mvn.log)"
    echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
    grep -h -A12 -E "^(RESTART|ROLL)-REPORT" "$ROOT"/integration-tests/target/failsafe-reports/*"$TEST"-output.txt | grep -E "REPORT|^  " || true
  ) 9>"$LOCK" | tee "$OUT/$LABEL-$n.txt"
done
