#!/usr/bin/env bash
# Points the `lastseen` scrape job at one or more HOST:PORT targets by
# rewriting targets/lastseen.yml (file_sd, re-read by Prometheus without a
# restart). The file is written to a temporary name and renamed, so
# Prometheus never reads a half-written file.
#   usage: set-target.sh HOST:PORT [HOST:PORT ...]
# PORT is the app's management port (lastseen.http.management.port, 7071 by default).
set -euo pipefail
if [ "$#" -lt 1 ]; then
  echo "usage: $0 HOST:PORT [HOST:PORT ...]" >&2
  exit 2
fi
dir="$(cd "$(dirname "$0")" && pwd)/targets"
mkdir -p "$dir"
tmp="$(mktemp "$dir/.lastseen.yml.XXXXXX")"
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
mv -f "$tmp" "$dir/lastseen.yml"
trap - EXIT
echo "set-target.sh: scraping $* (targets/lastseen.yml)"
