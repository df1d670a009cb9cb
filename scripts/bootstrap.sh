#!/usr/bin/env bash
# Installs everything Corebot needs to build, test and run on Debian 12, from Debian's packages
# only (the set and its reasons: docs/architecture.md, "Dependencies"). Idempotent: when every
# package is already installed it returns at once without touching apt. Needs root or sudo.
set -euo pipefail
packages=(build-essential cmake ninja-build pkg-config python3 python3-yaml shellcheck libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libcurl4-openssl-dev libssl-dev libsqlite3-dev libmongoc-dev liblua5.4-dev liborcus-dev libixion-dev libxlsxwriter-dev libcairo2-dev libmimalloc-dev libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev libgtest-dev libgmock-dev libbenchmark-dev clang-14 libclang-rt-14-dev clang-format curl ca-certificates)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "bootstrap: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# One install line for the whole set (kept identical to the list above).
$SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}"
