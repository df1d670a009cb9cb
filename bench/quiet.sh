#!/usr/bin/env bash
# Runs a benchmark command with the machine's compilers, linkers and fuzzers paused (SIGSTOP),
# then resumes them (SIGCONT), also when the command fails or is interrupted. On a shared 2-core
# machine a build running beside a benchmark moves CPU-per-reply figures by tens of percent.
#
#   bench/quiet.sh python3 bench/broadcast/run.py --throughput --bots corebot,telegraf
set -uo pipefail
pids=$(pgrep -f 'cc1plus|clang|/ld |collect2|ld.gold|ld.bfd|podman build|buildah|_fuzz' | tr '\n' ' ')
# shellcheck disable=SC2086  # one word per pid
[ -n "$pids" ] && kill -STOP $pids 2>/dev/null
# shellcheck disable=SC2086
trap '[ -n "$pids" ] && kill -CONT $pids 2>/dev/null' EXIT
sleep 1
"$@"
