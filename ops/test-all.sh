#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it: installs what the tests need on a fresh machine
# (Prometheus from Debian's packages; Kafka and Apicurio come through Maven), then unit and
# integration tests against the real components.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash ops/install-prometheus.sh
bash ops/prometheus/check.sh
mvn -B verify
