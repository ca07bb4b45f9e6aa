#!/usr/bin/env bash
# Benchmark of `lastseen apply` into a real PostgreSQL (ApplyBenchmark). One command, one report:
#
#   bench/apply.sh                       100k and 1M tokens, 3 runs each (about 15 minutes on 2 cores, plus the build)
#   bench/apply.sh --tokens 100000 --runs 1 --no-write    a quick look
#
# Options: --tokens "N [N ...]" (default "100000 1000000")  --runs K (3)  --freshness-seconds S (60)
#          --rate R (logins/s of the freshness phase; default half the update-path rate)
#          --no-write (don't touch BENCHMARKS.md)
# Environment: LASTSEEN_BENCH_APPLY_OPTS (JVM options, default "-Xms1g -Xmx1g"), LASTSEEN_HEAVY_LOCK (/tmp/lastseen-heavy.lock).
#
# Each run (fresh broker, database and directories under bench/target/apply): a KRaft broker in the
# benchmark's JVM, a durable PostgreSQL 18 (the test fixture's server binaries from Maven Central,
# fsync and synchronous_commit on), the usage-table layout with N tokens in the tokens table;
#  1. insert path: N patches preloaded on token-last-seen (6 partitions), `lastseen apply`'s
#     Applier (default batch settings: 2000 records, 200 ms linger, one pool connection in use)
#     drains them into the empty usage table: rows/s from its first committed batch to the last row;
#  2. update path: N newer patches, drained the same way (every row updated);
#  3. freshness: the application (granularity 0: every login is a patch) and the applier together,
#     uniformly random successful logins at half the update-path rate for S seconds;
#     lastseen_apply_freshness_seconds (login occurred_at -> committed row) over the last 3/4 of the
#     window, p50/p99 interpolated in its histogram buckets.
# Results: bench/target/apply/results.md and, unless --no-write, BENCHMARKS.md (between the apply markers).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=ops/java-home.sh
. "$ROOT/ops/java-home.sh" # a JDK 21+ for the build and the run
LOG_NAME=apply-bench
# shellcheck source=../ops/lib.sh
. "$ROOT/ops/lib.sh" # log, die, print_usage, mvn_quiet, ...
OUT="$ROOT/bench/target/apply"
TOKENS="100000 1000000"
RUNS=3
FRESH_S=60
WRITE=1
RATE_ARGS=()
while (($#)); do
  case "$1" in
    --tokens) TOKENS="$2"; shift ;;
    --runs) RUNS="$2"; shift ;;
    --freshness-seconds) FRESH_S="$2"; shift ;;
    --rate) RATE_ARGS=(--rate "$2"); shift ;;
    --no-write) WRITE=0 ;;
    -h | --help) print_usage "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "bench/apply.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
for t in $TOKENS; do [[ "$t" =~ ^[1-9][0-9]*$ ]] || { echo "bench/apply.sh: --tokens must be positive integers" >&2; exit 2; }; done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "bench/apply.sh: --runs must be a positive integer" >&2; exit 2; }
[[ "$FRESH_S" =~ ^[1-9][0-9]*$ ]] && ((FRESH_S >= 20)) || { echo "bench/apply.sh: --freshness-seconds must be at least 20" >&2; exit 2; }

log "building bench/target/benchmarks.jar"
(cd "$ROOT" && mvn_quiet -Pbenchmarks -DskipTests -pl bench -am package)
mkdir -p "$OUT"
RESULTS="$OUT/results.txt"
: >"$RESULTS"
LOCK="${LASTSEEN_HEAVY_LOCK:-/tmp/lastseen-heavy.lock}"
for tokens in $TOKENS; do
  for run in $(seq 1 "$RUNS"); do
    log "$tokens tokens, run $run of $RUNS (waiting for $LOCK)"
    # shellcheck disable=SC2086 # JVM options are a word list
    flock "$LOCK" bash -c 'echo "load average before: $(cut -d" " -f1-3 /proc/loadavg)" >&2; exec "$@"' _ \
      java ${LASTSEEN_BENCH_APPLY_OPTS:--Xms1g -Xmx1g} -cp "$ROOT/bench/target/benchmarks.jar" dev.lastseen.bench.ApplyBenchmark \
      --tokens "$tokens" --freshness-seconds "$FRESH_S" --dir "$OUT" "${RATE_ARGS[@]}" 2>"$OUT/run-$tokens-$run.log" | grep '^APPLY-RESULT' | tee -a "$RESULTS"
    grep 'load average before' "$OUT/run-$tokens-$run.log" | sed "s/^/[apply-bench] /" >&2 || true
  done
done

python3 - "$RESULTS" "$OUT/results.md" "$ROOT/BENCHMARKS.md" "$WRITE" "$FRESH_S" "$ROOT/bench" <<'PYEOF'
import os, statistics, subprocess, sys, time
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[6])
from benchmarks_section import write_section
results, md, doc, write, fresh_s = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1", sys.argv[5]
runs = {}
for line in open(results):
    kv = dict(p.split("=", 1) for p in line.split()[1:])
    runs.setdefault(int(kv["tokens"]), []).append({k: float(v) for k, v in kv.items()})
def cell(values, unit=""):
    med = statistics.median(values)
    return "**%s**%s (%s)" % (format(round(med), ","), unit, " / ".join(format(round(v), ",") for v in values))
java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
load = os.getloadavg()
head = ("Run of %s: `bench/apply.sh` on %d cores (%s), load average at the end %.2f / %.2f / %.2f; medians in bold, every run in brackets. "
        "Each run has its own broker (in the benchmark's JVM), a durable PostgreSQL 18 (fsync and synchronous commit on) and "
        "the usage-table layout; freshness at half the update-path rate for %s s (the first quarter is warm-up).\n\n"
        "| tokens | runs | insert path, rows/s | update path, rows/s | logins/s at half rate | freshness p50, ms | freshness p99, ms |\n"
        "|---|---|---|---|---|---|---|\n") % (time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime()), os.cpu_count(), java, *load, fresh_s)
rows = []
for tokens in sorted(runs):
    r = runs[tokens]
    rows.append("| %s | %d | %s | %s | %s | %s | %s |" % (format(tokens, ","), len(r), cell([x["insert_rows_s"] for x in r]),
                cell([x["update_rows_s"] for x in r]), cell([x["rate"] for x in r]), cell([x["fresh_p50_ms"] for x in r]),
                cell([x["fresh_p99_ms"] for x in r])))
body = head + "\n".join(rows)
open(md, "w").write(body + "\n")
print(body)
if write:
    write_section(doc, "apply", body)
    print("wrote the apply table into BENCHMARKS.md", file=sys.stderr)
PYEOF
