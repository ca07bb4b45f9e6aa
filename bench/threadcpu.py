#!/usr/bin/env python3
"""Per-thread CPU split of a JVM, for bench/run.sh --compare.

Usage: threadcpu.py THREAD_DUMP PROCESS_CPU_SECONDS
THREAD_DUMP is `jcmd PID Thread.print` (every Java and VM thread with its cpu=...ms); the process's
total CPU (from /proc/PID/stat) minus their sum is what threads jcmd does not list used (RocksDB's
native background threads, mostly). Prints one line of key=seconds figures.
"""
import re, sys

CATEGORIES = [  # (key, pattern on the thread name), first match wins
    ("producer", r"kafka-producer-network-thread"),  # named after its stream thread: match it first
    ("stream", r"StreamThread"),
    ("consumer", r"consumer|kafka-coordinator-heartbeat"),
    ("gc", r"^(GC Thread|G1 |Parallel GC|ZGC|Shenandoah)"),
    ("jit", r"CompilerThread|C1 |C2 "),
    ("vm", r"^(VM Thread|VM Periodic Task|VM Operation|Service Thread|Monitor Deflation|Signal Dispatcher|Finalizer|Reference Handler|Common-Cleaner|Notification Thread|Attach Listener)"),
]
LINE = re.compile(r'^"([^"]*)".*?\bcpu=([0-9.]+)ms')


def main():
    dump, total = sys.argv[1], float(sys.argv[2])
    split = {k: 0.0 for k, _ in CATEGORIES}
    split["other_java"] = 0.0
    for line in open(dump, encoding="utf-8", errors="replace"):
        m = LINE.match(line)
        if not m:
            continue
        name, cpu = m.group(1), float(m.group(2)) / 1000.0
        for key, pattern in CATEGORIES:
            if re.search(pattern, name):
                split[key] += cpu
                break
        else:
            split["other_java"] += cpu
    split["native"] = max(0.0, total - sum(split.values()))
    split["total"] = total
    split["gc_share"] = split["gc"] / total if total else 0.0
    print(" ".join("%s=%.2f" % (k, v) for k, v in split.items()))


if __name__ == "__main__":
    main()
