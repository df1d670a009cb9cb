#!/usr/bin/env bash
# Installs everything Corebot needs to build, test and run on Debian 12, from Debian's packages only.
# Idempotent: safe to run again. Needs root (or sudo).
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# One line, the set in docs/architecture.md ("Dependencies"). prometheus-cpp is not packaged for
# Debian 12: metrics are rendered in the Prometheus text format by src/core/metrics.
$SUDO apt-get install -y -qq --no-install-recommends build-essential cmake ninja-build pkg-config python3 libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libcurl4-openssl-dev libssl-dev libsqlite3-dev libmongoc-dev liblua5.4-dev liborcus-dev libixion-dev libxlsxwriter-dev libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev libgtest-dev libgmock-dev libbenchmark-dev clang-14 libclang-rt-14-dev clang-format curl ca-certificates
