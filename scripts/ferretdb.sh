#!/usr/bin/env bash
# FerretDB v1.24.2 (a MongoDB-wire server on SQLite) for the store's conformance suite and
# benchmarks. Needs Go (preinstalled on CI machines) and, the first time, the Go module proxy.
#
#   scripts/ferretdb.sh install        builds the binary into the cache if missing; prints its path
#   scripts/ferretdb.sh start [port]   starts one on 127.0.0.1 (a free port by default), SQLite data
#                                      in a temp dir; prints mongodb://127.0.0.1:<port>/corebot_test
#   scripts/ferretdb.sh stop <uri|port>   stops it and removes its data
#
# Example: uri=$(scripts/ferretdb.sh start) && trap 'scripts/ferretdb.sh stop "$uri"' EXIT
#
# Cache: ${COREBOT_CACHE:-$HOME/.cache/corebot}/bin/ferretdb-v1.24.2. Run dirs (pid, log, data):
# ${TMPDIR:-/tmp}/corebot-ferretdb-<port>/.
#
# Why not a plain `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2`: it builds, but
# the binary panics at startup ("Invalid build/version/version.txt file content"), because the
# module zip lacks the generated build/version/version.txt (FerretDB issue #2982). So this script
# downloads the same module through the proxy (`go mod download`, checked against the Go checksum
# database), writes version.txt and builds cmd/ferretdb from it.
set -euo pipefail

readonly version=v1.24.2
readonly module=github.com/FerretDB/FerretDB
readonly cache="${COREBOT_CACHE:-$HOME/.cache/corebot}"
readonly bin="$cache/bin/ferretdb-$version"
readonly run_root="${TMPDIR:-/tmp}"

die() {
  echo "ferretdb.sh: $*" >&2
  exit 1
}

install() {
  if [ -x "$bin" ] && "$bin" --version >/dev/null 2>&1; then
    echo "$bin"
    return
  fi
  command -v go >/dev/null 2>&1 ||
    die "'go' is not installed (needed to build FerretDB $version); install Go >= 1.22"
  echo "ferretdb.sh: building FerretDB $version into $bin (takes a few minutes once)" >&2
  local src work
  src=$(cd "${TMPDIR:-/tmp}" && GOFLAGS=-mod=mod go mod download -json "$module@$version" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p') ||
    die "go mod download $module@$version failed"
  [ -n "$src" ] && [ -d "$src" ] || die "go mod download $module@$version gave no directory"
  work=$(mktemp -d "${TMPDIR:-/tmp}/corebot-ferretdb-src.XXXXXX")
  cp -R "$src/." "$work/"
  chmod -R u+w "$work"
  echo "$version" >"$work/build/version/version.txt"
  mkdir -p "$(dirname "$bin")"
  if ! (cd "$work" && go build -trimpath -o "$bin.tmp" ./cmd/ferretdb); then
    rm -rf "$work"
    die "go build of $module@$version failed"
  fi
  rm -rf "$work"
  mv "$bin.tmp" "$bin"
  "$bin" --version >/dev/null 2>&1 || die "$bin was built but does not run"
  echo "$bin"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

listening() {  # port
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {  # [port]
  install >/dev/null
  local port dir pid i
  for _ in 1 2 3; do
    port=${1:-$(free_port)}
    dir="$run_root/corebot-ferretdb-$port"
    rm -rf "$dir"
    mkdir -p "$dir/data"
    "$bin" --handler=sqlite --sqlite-url="file:$dir/data/" --listen-addr="127.0.0.1:$port" \
      --debug-addr=127.0.0.1:0 --state-dir="$dir" --telemetry=disable --log-level=warn \
      >"$dir/log" 2>&1 &
    pid=$!
    echo "$pid" >"$dir/pid"
    for i in $(seq 1 100); do  # up to 10 s
      if listening "$port"; then
        echo "mongodb://127.0.0.1:$port/corebot_test"
        return
      fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    echo "ferretdb.sh: FerretDB did not start on port $port:" >&2
    tail -n 20 "$dir/log" >&2 || true
    kill "$pid" 2>/dev/null || true
    rm -rf "$dir"
  done
  die "could not start FerretDB"
}

stop() {  # uri or port
  local arg="${1:-}" port dir pid
  [ -n "$arg" ] || die "usage: ferretdb.sh stop <uri|port>"
  port=$(echo "$arg" | sed -n 's|.*:\([0-9][0-9]*\).*|\1|p; s|^\([0-9][0-9]*\)$|\1|p' | head -n 1)
  [ -n "$port" ] || die "no port in '$arg'"
  dir="$run_root/corebot-ferretdb-$port"
  [ -f "$dir/pid" ] || die "no FerretDB started by this script on port $port"
  pid=$(cat "$dir/pid")
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  install) install ;;
  start) start "${2:-}" ;;
  stop) stop "${2:-}" ;;
  *) die "usage: ferretdb.sh install | start [port] | stop <uri|port>" ;;
esac
