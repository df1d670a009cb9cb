#!/usr/bin/env bash
# Configures and builds Corebot with CMake + Ninja. Usage: scripts/build.sh [--sanitize]
# Build dir: build/ (or build-asan/ with --sanitize). Extra arguments go to ninja.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build
flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
if [ "${1:-}" = "--sanitize" ]; then
  shift
  dir=build-asan
  flags=(-DCMAKE_BUILD_TYPE=Debug -DCOREBOT_SANITIZE=ON)
fi
cmake -G Ninja -S . -B "$dir" "${flags[@]}" >/dev/null
# Two jobs: a Beast translation unit needs ~0.8 GB and the target machine may have 1-2 cores.
ninja -C "$dir" -j "${COREBOT_JOBS:-2}" "$@"
