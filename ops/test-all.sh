#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it: installs what the tests need on a fresh machine
# (Prometheus from Debian's packages; Kafka and Apicurio come through Maven), then unit and
# integration tests against the real components.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=ops/java-home.sh
. ops/java-home.sh # the build needs a JDK 21+: found here, so a fresh machine needs no setup
bash ops/install-prometheus.sh
bash ops/prometheus/check.sh
mvn -B verify
