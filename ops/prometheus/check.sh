#!/usr/bin/env bash
# Static checks and unit tests for the Prometheus config and rules.
# Exits non-zero if any check fails. Needs promtool: run
# ops/install-prometheus.sh first (CI does).
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v promtool >/dev/null 2>&1; then
  echo "check.sh: promtool not found; run ops/install-prometheus.sh" >&2
  exit 2
fi

echo "== promtool check rules"
promtool check rules rules/*.yml
echo "== promtool check config"
promtool check config prometheus.yml
echo "== promtool test rules"
promtool test rules tests/*.test.yml
echo "check.sh: all Prometheus checks passed"
