#!/usr/bin/env python3
"""Tables for bench/compare.sh: reads its runs file (one drain per line, key=value) and, on stdin,
one line per token count: "TOKENS RAW_BEFORE RAW_AFTER" (ConsumerPerformance fetch rates, msg/s).
Every figure is given as median (min-max) over the rounds; ratios are taken per round (the drains
of one round ran back to back) and then summarised the same way."""
import statistics
import sys

KINDS = [("lastseen-reg", "lastseen, with the registry bootstrap"),
         ("baseline-reg", "baseline jar, with the registry bootstrap"), ("dsl", "hand-written DSL job"),
         ("lastseen-noreg", "lastseen, no registry records"), ("baseline-noreg", "baseline jar, no registry records")]


def parse(path):
    runs = []
    for line in open(path, encoding="utf-8"):
        kv = dict(p.split("=", 1) for p in line.split() if "=" in p)
        if kv:
            runs.append(kv)
    return runs


def spread(values, fmt="{:,.0f}"):
    values = [v for v in values if v is not None]
    if not values:
        return "–"
    med, lo, hi = statistics.median(values), min(values), max(values)
    return "%s (%s–%s)" % (fmt.format(med), fmt.format(lo), fmt.format(hi))


def f(run, key):
    return float(run[key])


def rounds_of(runs, tokens):
    """The drains of one token count, by round, then by kind."""
    rounds = {}
    for r in runs:
        if r["tokens"] == tokens:
            rounds.setdefault(r["round"], {})[r["kind"]] = r
    return rounds


def main():
    runs = parse(sys.argv[1])
    raw = {}
    for line in sys.stdin:
        parts = line.split()
        if len(parts) == 3:
            raw[parts[0]] = (float(parts[1]), float(parts[2]))
    tokens_list = sorted({r["tokens"] for r in runs}, key=int)
    print("Median (min–max) over the rounds; ratios per round (the three drains of a round ran back to back).\n")
    print("| tokens | job | logins/s | / DSL job | / raw fetch rate | first commit | caught up (registry too) | app CPU | stream thread | GC | GC share | JIT | producer | native (RocksDB) | peak RSS |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for tokens in tokens_list:
        mine = [r for r in runs if r["tokens"] == tokens]
        by_round = rounds_of(runs, tokens)
        raw_before, raw_after = raw.get(tokens, (None, None))
        raw_mean = (raw_before + raw_after) / 2 if raw_before else None
        for kind, label in KINDS:
            rs = [r for r in mine if r["kind"] == kind]
            if not rs:
                continue
            ratios = [f(rd[kind], "rate") / f(rd["dsl"], "rate") for rd in by_round.values() if kind in rd and "dsl" in rd]
            print("| %s | %s | %s | %s | %s | %s s | %s s | %s s | %s s | %s s | %s | %s s | %s s | %s s | %s MiB |" % (
                format(int(tokens), ","), label,
                spread([f(r, "rate") for r in rs]),
                spread(ratios, "{:.2f}") if kind != "dsl" else "1",
                spread([100 * f(r, "rate") / raw_mean for r in rs], "{:.1f} %") if raw_mean else "–",
                spread([f(r, "first_commit_s") for r in rs], "{:.1f}"),
                spread([f(r, "all_done_s") for r in rs], "{:.1f}"),
                spread([f(r, "total") for r in rs], "{:.1f}"),
                spread([f(r, "stream") for r in rs], "{:.1f}"),
                spread([f(r, "gc") for r in rs], "{:.1f}"),
                spread([100 * f(r, "gc_share") for r in rs], "{:.0f} %"),
                spread([f(r, "jit") for r in rs], "{:.1f}"),
                spread([f(r, "producer") for r in rs], "{:.1f}"),
                spread([f(r, "native") for r in rs], "{:.1f}"),
                spread([f(r, "rss_peak_mib") for r in rs])))
    print()
    print("CPU per login (robust to other load on a shared machine, unlike the wall-clock rates above): CPU seconds of the")
    print("process and of its stream thread from launch to the end of the drain, per login of the topic (startup and JIT")
    print("included); the ratio is the DSL job's CPU per login over lastseen's, per round (> 1: lastseen needs less).\n")
    print("| tokens | job | app CPU µs / login | stream thread µs / login | DSL job's app CPU / this job's, per round | DSL job's stream-thread CPU / this job's |")
    print("|---|---|---|---|---|---|")
    for tokens in tokens_list:
        mine = [r for r in runs if r["tokens"] == tokens]
        by_round = rounds_of(runs, tokens)
        for kind, label in KINDS:
            rs = [r for r in mine if r["kind"] == kind]
            if not rs:
                continue
            per = lambda r, k: 1e6 * f(r, k) / f(r, "records")
            app_ratio = [per(rd["dsl"], "total") / per(rd[kind], "total") for rd in by_round.values() if kind in rd and "dsl" in rd]
            st_ratio = [per(rd["dsl"], "stream") / per(rd[kind], "stream") for rd in by_round.values() if kind in rd and "dsl" in rd]
            print("| %s | %s | %s | %s | %s | %s |" % (
                format(int(tokens), ","), label, spread([per(r, "total") for r in rs], "{:.1f}"),
                spread([per(r, "stream") for r in rs], "{:.1f}"),
                spread(app_ratio, "{:.2f}") if kind != "dsl" else "1", spread(st_ratio, "{:.2f}") if kind != "dsl" else "1"))
    print()
    print("| tokens | job | raw ConsumerPerformance fetch rate, before / after the drains | registry bootstrap: extra app CPU per registry record (with − without, per round) | extra stream-thread CPU per registry record |")
    print("|---|---|---|---|---|")
    for tokens in tokens_list:
        rounds = rounds_of(runs, tokens)
        rb, ra = raw.get(tokens, (0, 0))
        for job in ("lastseen", "baseline"):
            pairs = [rd for rd in rounds.values() if job + "-reg" in rd and job + "-noreg" in rd]
            if not pairs:
                continue
            per_rec = [1e6 * (f(rd[job + "-reg"], "total") - f(rd[job + "-noreg"], "total")) / int(tokens) for rd in pairs]
            per_rec_stream = [1e6 * (f(rd[job + "-reg"], "stream") - f(rd[job + "-noreg"], "stream")) / int(tokens) for rd in pairs]
            print("| %s | %s | %s / %s msg/s | %s µs | %s µs |" % (format(int(tokens), ","), job, format(round(rb), ","),
                                                              format(round(ra), ","), spread(per_rec, "{:.1f}"),
                                                              spread(per_rec_stream, "{:.1f}")))
    print()
    print("Every drain (CPU seconds from the JVM's launch to the end of the drain; load = 1-minute load average before / after):\n")
    print("| tokens | round | job | logins/s | first commit | caught up | app CPU | stream | GC | JIT | producer | consumer | native | peak RSS | load |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in runs:
        print("| %s | %s | %s | %s | %s s | %s s | %s | %s | %s | %s | %s | %s | %s | %s MiB | %s / %s |" % (
            format(int(r["tokens"]), ","), r["round"], r["kind"], format(round(f(r, "rate")), ","), r["first_commit_s"],
            r["all_done_s"], r["total"], r["stream"], r["gc"], r["jit"], r["producer"], r["consumer"], r["native"],
            r["rss_peak_mib"], r["load_before"], r["load_after"]))


if __name__ == "__main__":
    main()
