#!/usr/bin/env bash
# Fuzzes webhook bodies -> dispatcher -> modules with libFuzzer under ASan+UBSan
# (docs/security.md, "Fuzzing"). Not run in CI: fuzz_corpus_test replays the seeds there.
#
#   scripts/fuzz.sh [seconds] [target...]     e.g. scripts/fuzz.sh 600, scripts/fuzz.sh 60 updates
#
# - targets: webhook (raw bytes as a POST body) and updates (a script of plausible updates with
#   mutated fields, button presses, payments, clock moves, Bot API failures); default both, one
#   after the other, `seconds` each (default 600).
# - needs clang++-14 with libFuzzer; when it is missing it is installed with
#   `apt-get install clang-14` (Debian; run as root or with sudo).
# - configures and builds build-fuzz (clang++-14, -DCOREBOT_FUZZ=ON: every part compiled with
#   -fsanitize=fuzzer-no-link,address,undefined, the targets linked with -fsanitize=fuzzer),
#   ${COREBOT_JOBS:-2} jobs at nice 5. The normal builds (build/, build-asan/) are untouched.
# - each target runs on a working corpus, build-fuzz/corpus/<target>, seeded from
#   fuzz/corpus/<target>, with the dictionary fuzz/webhook.dict, -rss_limit_mb=2048, -timeout=20,
#   leak detection on, and a UBSan report aborting.
# - exit status: 0 when no target found anything; 1 on any finding (crash, leak, UBSan report,
#   timeout, out of memory), the input kept as build-fuzz/findings/<target>/<kind>-<hash> and the
#   report in build-fuzz/fuzz-<target>.log. Replay one: build-fuzz/fuzz/<target>_fuzz <file>.
#   A finding that is a bug gets a fix, a regression test, and its input added to fuzz/corpus/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(webhook updates)

if ! command -v clang++-14 >/dev/null; then
  echo "fuzz: clang++-14 not found; installing clang-14 (apt)"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq clang-14
fi

dir=build-fuzz
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# -O1 and line tables: a fuzz build compiles in half the time of -O2 -g and runs nearly as fast.
cmake -G Ninja -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
  -DCMAKE_CXX_COMPILER=clang++-14 -DCOREBOT_FUZZ=ON "${launcher[@]}" >/dev/null
nice -n 5 ninja -C "$dir" -j "${COREBOT_JOBS:-2}" "${targets[@]/%/_fuzz}"

status=0
for target in "${targets[@]}"; do
  corpus="$dir/corpus/$target"
  findings="$dir/findings/$target"
  log="$dir/fuzz-$target.log"
  mkdir -p "$corpus" "$findings"
  echo "fuzz: $target for ${seconds} s (log: $log)"
  # The seed corpus is read-only input; new inputs go to the working corpus.
  # tests/lsan.supp: fontconfig's process-lifetime caches (cairo, the admin chart), as in test.sh.
  if ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1" \
    LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    nice -n 5 "$dir/fuzz/${target}_fuzz" "$corpus" "fuzz/corpus/$target" \
    -dict=fuzz/webhook.dict -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 \
    -max_len=8192 -print_final_stats=1 -artifact_prefix="$findings/" >"$log" 2>&1; then
    echo "fuzz: $target: no finding. $(grep -aE '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)"
  else
    status=1
    echo "fuzz: $target: FINDING, see $log and $findings/:" >&2
    grep -aE 'ERROR|runtime error|corebot fuzz finding|Test unit written' "$log" | head -5 >&2
  fi
  grep -aE '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" || true
  # Inputs slower than 10 s are kept as slow-unit-* without failing the run: replay them alone
  # to tell a slow path (a finding to fix) from a stall of a shared machine.
  for slow in "$findings"/slow-unit-*; do
    [ -e "$slow" ] && echo "fuzz: $target: slow input kept (replay it alone): $slow"
  done
  echo "fuzz: $target: working corpus $(find "$corpus" -type f | wc -l) inputs"
done
exit $status
