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
  # Libraries' by-design process-lifetime allocations (tests/lsan.supp says which and why).
  export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp"
  # Tests whose figures only hold at full speed relax them (tests/integration/test_mailing.py).
  export COREBOT_SANITIZED=1
fi
# Store conformance on a real MongoDB-wire server: start FerretDB (scripts/ferretdb.sh) for the
# MongoDB parameters of tests/store, stop it at exit. If it cannot start, those tests skip.
if [ -z "${COREBOT_TEST_MONGODB_URI:-}" ]; then
  if uri=$(bash scripts/ferretdb.sh start); then
    export COREBOT_TEST_MONGODB_URI="$uri"
    trap 'bash scripts/ferretdb.sh stop "$COREBOT_TEST_MONGODB_URI"' EXIT
  else
    echo "test.sh: FerretDB unavailable: the store's MongoDB conformance tests will skip" >&2
  fi
fi
ctest --test-dir "$dir" --output-on-failure -j 2 --timeout 600
