#!/usr/bin/env python3
"""Small readers of lastseen's Prometheus text (/metrics) for bench/run.sh.

  promstat.py sum FILE NAME             sum of every series of metric NAME (any labels)
  promstat.py quantiles BEFORE AFTER NAME Q...
                                        quantiles of histogram NAME over the observations
                                        made between two snapshots (bucket deltas, linear
                                        interpolation inside a bucket, as histogram_quantile)
"""
import math
import re
import sys

LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)')
LE = re.compile(r'le="([^"]+)"')


def series(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            m = LINE.match(line)
            if m:
                yield m.group(1), m.group(2) or "", float(m.group(3))


def total(path, name):
    return sum(v for n, _, v in series(path) if n == name)


def buckets(path, name):
    out = {}
    for n, labels, v in series(path):
        if n == name + "_bucket":
            le = LE.search(labels).group(1)
            bound = math.inf if le == "+Inf" else float(le)
            out[bound] = out.get(bound, 0.0) + v
    return out


def quantile(q, deltas):
    bounds = sorted(deltas)
    count = deltas[bounds[-1]]
    if count <= 0:
        return float("nan")
    rank = q * count
    lower, below = 0.0, 0.0
    for b in bounds:
        c = deltas[b]
        if c >= rank:
            if math.isinf(b):
                return lower  # beyond the last finite bucket: its bound is all we know
            inside = c - below
            return lower + (b - lower) * ((rank - below) / inside if inside > 0 else 1.0)
        lower, below = b, c
    return bounds[-1]


def main(argv):
    if len(argv) >= 3 and argv[0] == "sum":
        print("%.0f" % total(argv[1], argv[2]))
    elif len(argv) >= 5 and argv[0] == "quantiles":
        before, after = buckets(argv[1], argv[3]), buckets(argv[2], argv[3])
        deltas = {b: after[b] - before.get(b, 0.0) for b in after}
        n = deltas.get(math.inf, 0.0)
        print("count=%.0f %s" % (n, " ".join("p%g=%.4f" % (float(q) * 100, quantile(float(q), deltas)) for q in argv[4:])))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
