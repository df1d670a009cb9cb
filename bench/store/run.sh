#!/usr/bin/env bash
# Runs the store benchmark (bench/store/store_bench.cpp) on SQLite and on FerretDB and writes
# bench/results/store.json. Usage: bench/store/run.sh [--docs N] [--batch B] [--finds F]
# Build dir: ${BUILD_DIR:-build} (RelWithDebInfo). FerretDB via scripts/ferretdb.sh; if it cannot
# start, only SQLite is measured (and the JSON says why).
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${BUILD_DIR:-build}"
cmake -G Ninja -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$build" -j "${COREBOT_JOBS:-2}" store_bench >/dev/null
bench="$build/src/store/store_bench"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sqlite_full=$("$bench" "sqlite://$tmp/full.db" "$@")
sqlite_normal=$("$bench" "sqlite://$tmp/normal.db?synchronous=normal" "$@")
ferret='{"skipped": "FerretDB could not be started (see scripts/ferretdb.sh)"}'
if uri=$(bash scripts/ferretdb.sh start); then
  trap 'bash scripts/ferretdb.sh stop "$uri"; rm -rf "$tmp"' EXIT
  ferret=$("$bench" "${uri%/*}/corebot_bench" "$@")
fi

mkdir -p bench/results
cat >bench/results/store.json <<JSON
{
  "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "machine": "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME")",
  "command": "bench/store/run.sh $*",
  "sqlite_synchronous_full": $sqlite_full,
  "sqlite_synchronous_normal": $sqlite_normal,
  "ferretdb_1_24_2_sqlite_handler": $ferret
}
JSON
cat bench/results/store.json
