#!/usr/bin/env bash
# Points the `lastseen` scrape job (or, with --job lastseen-apply, the job of
# `lastseen apply`) at one or more HOST:PORT targets by rewriting
# targets/<job>.yml (file_sd, re-read by Prometheus without a restart). The
# file is written to a temporary name and renamed, so Prometheus never reads a
# half-written file.
#   usage: set-target.sh [--job lastseen|lastseen-apply] HOST:PORT [HOST:PORT ...]
# For `lastseen run`, PORT is its management port (lastseen.http.management.port,
# 7072 by default), where /metrics answers whatever the query load.
set -euo pipefail
job=lastseen
if [ "${1:-}" = "--job" ]; then
  job="${2:-}"
  shift 2 || true
fi
case "$job" in
  lastseen | lastseen-apply) ;;
  *) echo "set-target.sh: --job must be lastseen or lastseen-apply" >&2; exit 2 ;;
esac
if [ "$#" -lt 1 ]; then
  echo "usage: $0 [--job lastseen|lastseen-apply] HOST:PORT [HOST:PORT ...]" >&2
  exit 2
fi
dir="$(cd "$(dirname "$0")" && pwd)/targets"
mkdir -p "$dir"
tmp="$(mktemp "$dir/.$job.yml.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
{
  echo "# Written by ops/prometheus/set-target.sh"
  echo "- targets:"
  hostport='^[A-Za-z0-9._-]+:[0-9]{1,5}$|^\[[0-9A-Fa-f:.]+\]:[0-9]{1,5}$'
  for t in "$@"; do
    if ! [[ "$t" =~ $hostport ]]; then
      echo "set-target.sh: not a HOST:PORT: $t" >&2
      exit 2
    fi
    echo "    - \"$t\""
  done
} > "$tmp"
chmod 0644 "$tmp"
mv -f "$tmp" "$dir/$job.yml"
trap - EXIT
echo "set-target.sh: job $job scraping $* (targets/$job.yml)"
