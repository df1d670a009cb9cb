#!/usr/bin/env bash
# Installs the dependencies, builds, and runs every test (unit + integration).
# Usage: scripts/test.sh [--sanitize]   (the sanitizer build: ASan + UBSan)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bash scripts/build.sh "$@"
dir=build
if [ "${1:-}" = "--sanitize" ]; then
  dir=build-asan
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
ctest --test-dir "$dir" --output-on-failure -j 2 --timeout 600
