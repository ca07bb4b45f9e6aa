#!/usr/bin/env bash
# JMH micro-benchmarks of lastseen's hot paths. Builds bench/target/benchmarks.jar, then runs it
# under the shared heavy-work lock so timings are not distorted by other benchmarks on the machine.
#   bench/jmh.sh                      every benchmark (about 5 minutes); the table goes into BENCHMARKS.md
#   bench/jmh.sh SerdeBenchmark -f 1  JMH arguments pass through (a regex selects benchmarks); BENCHMARKS.md untouched
#   bench/jmh.sh -l                   list them
# Results as JSON: bench/target/jmh-result.json. LASTSEEN_JMH_OPTS adds JVM options for the JMH launcher.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../ops/java-home.sh
. "$root/ops/java-home.sh"
jar="$root/bench/target/benchmarks.jar"
result="$root/bench/target/jmh-result.json"
# shellcheck source=../ops/lib.sh
. "$root/ops/lib.sh"
(cd "$root" && mvn_quiet -Pbenchmarks -DskipTests -pl bench -am package)
lock=${LASTSEEN_HEAVY_LOCK:-/tmp/lastseen-heavy.lock}
# shellcheck disable=SC2086 # LASTSEEN_JMH_OPTS is a word list
flock "$lock" java ${LASTSEEN_JMH_OPTS:-} -jar "$jar" -rf json -rff "$result" "$@"
(($#)) && exit 0
[[ -s "$result" ]] || exit 0
python3 - "$root/BENCHMARKS.md" "$result" "$root/bench" <<'PYEOF'
import json, os, subprocess, sys, time
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[3])
from benchmarks_section import write_section
doc, result = sys.argv[1], sys.argv[2]
rows = []
for r in json.load(open(result)):
    name = r["benchmark"].rsplit(".", 2)
    params = ", ".join("%s=%s" % kv for kv in (r.get("params") or {}).items())
    m = r["primaryMetric"]
    rows.append("| %s.%s | %s | %s ± %s | %s |" % (name[-2], name[-1], params or "", format(round(m["score"]), ","),
                                                format(round(m["scoreError"]), ","), m["scoreUnit"]))
java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
head = ("Run of %s: `bench/jmh.sh` on %d cores, %s; one fork, 3 warm-up and 5 measured iterations of 2 s, "
        "99.9 %% confidence intervals. Inputs are the load generator's own traffic (1M tokens, Zipf 1.1).\n\n"
        "| benchmark | params | score | unit |\n|---|---|---|---|\n") % (time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime()), os.cpu_count(), java)
write_section(doc, "jmh", head + "\n".join(rows))
print("wrote the JMH table into BENCHMARKS.md", file=sys.stderr)
PYEOF
