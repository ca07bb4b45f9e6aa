#!/usr/bin/env bash
# JMH micro-benchmarks of lastseen's hot paths. Builds bench/target/benchmarks.jar, then runs it
# under the shared heavy-work lock so timings are not distorted by other benchmarks on the machine.
#   bench/jmh.sh                      every benchmark (about 6 minutes)
#   bench/jmh.sh SerdeBenchmark -f 1  JMH arguments pass through (a regex selects benchmarks)
#   bench/jmh.sh -l                   list them
# Set LASTSEEN_JMH_OPTS to add JVM options for the JMH launcher; JMH_RESULT=file writes JSON results.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jar="$root/bench/target/benchmarks.jar"
(cd "$root" && mvn -q -B -Pbenchmarks -DskipTests -pl bench -am package) >&2
lock=${LASTSEEN_HEAVY_LOCK:-/tmp/lastseen-heavy.lock}
extra=()
[[ -n "${JMH_RESULT:-}" ]] && extra=(-rf json -rff "$JMH_RESULT")
exec flock "$lock" java ${LASTSEEN_JMH_OPTS:-} -jar "$jar" "${extra[@]}" "$@"
