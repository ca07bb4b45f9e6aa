#!/usr/bin/env bash
# Installs Debian's `prometheus` package, which provides both `prometheus`
# and `promtool`, for the local stack and for ops/prometheus/check.sh.
#
# Idempotent: does nothing when promtool is already on PATH.
# Works as root in CI (no TTY, no systemd) and on a developer machine.
# Never leaves Debian's own prometheus service running: the local stack runs
# prometheus itself with ops/prometheus/prometheus.yml, and a system service
# would hold port 9090 and scrape nothing useful.
set -euo pipefail

log() { echo "install-prometheus: $*" >&2; }

if command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; then
  log "already installed: $(command -v promtool) ($(promtool --version 2>&1 | head -n1))"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    log "must run as root (or with sudo available) to apt-get install prometheus"
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive

# Keep the package's maintainer scripts from starting the service at all.
# policy-rc.d exit code 101 = "action forbidden"; honoured by invoke-rc.d and
# deb-systemd-invoke. Only install our guard if none exists, and only remove
# what we installed.
POLICY=/usr/sbin/policy-rc.d
OUR_POLICY=0
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\n# temporary, from lastseen ops/install-prometheus.sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null
  $SUDO chmod 0755 "$POLICY"
  OUR_POLICY=1
fi
cleanup() {
  if [ "$OUR_POLICY" = 1 ]; then $SUDO rm -f "$POLICY"; fi
}
trap cleanup EXIT

log "apt-get update"
$SUDO apt-get update -qq
log "apt-get install prometheus"
# No recommends: that would pull in (and start) prometheus-node-exporter.
$SUDO apt-get install -y -qq --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
  prometheus >/dev/null

# Belt and braces: if the package's service got started anyway, stop and
# disable it. Each step is allowed to fail (no systemd, no init script, ...).
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  $SUDO systemctl stop prometheus.service >/dev/null 2>&1 || true
  $SUDO systemctl disable prometheus.service >/dev/null 2>&1 || true
fi
if [ -x /etc/init.d/prometheus ]; then
  $SUDO /etc/init.d/prometheus stop >/dev/null 2>&1 || true
fi
if command -v update-rc.d >/dev/null 2>&1; then
  $SUDO update-rc.d prometheus disable >/dev/null 2>&1 || true
fi
# Last resort: a daemon started by the package runs as user `prometheus`
# from /usr/bin/prometheus. Stop exactly those processes (by PID), never
# prometheus processes started by anyone else.
if command -v pgrep >/dev/null 2>&1; then
  for pid in $(pgrep -u prometheus -x prometheus 2>/dev/null || true); do
    log "stopping package-started prometheus (pid $pid)"
    $SUDO kill "$pid" 2>/dev/null || true
  done
fi

command -v promtool >/dev/null 2>&1 || { log "promtool not found after install"; exit 1; }
log "installed: $(promtool --version 2>&1 | head -n1)"
