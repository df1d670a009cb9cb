#!/usr/bin/env bash
# The container test (not in CI: it compiles Corebot inside the image). Builds the image, starts
# compose.yaml with podman-compose (FerretDB standing in for MongoDB: tests/deploy/compose.test.yaml)
# against the sandbox, checks that /start gets the menu, restarts the stack and checks that the
# data survived, then measures the stack's memory during a mailing to 10,000 users while 20 users
# chat, against the 1 GB budget. Prints the image size and a JSON summary.
#
#   scripts/container-test.sh            (needs root; sets podman up with ../shared/tools/containers.sh
#                                         or $COREBOT_CONTAINERS_SETUP when present)
# Results: ${COREBOT_CONTAINER_RESULTS:-build/container-test.json}. docs/install.md, "Testing".
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
setup="${COREBOT_CONTAINERS_SETUP:-$root/../../shared/tools/containers.sh}"
[ -f "$setup" ] || setup=/work/shared/tools/containers.sh
[ -f "$setup" ] && bash "$setup" >/dev/null
command -v podman-compose >/dev/null || { echo "container-test: podman-compose is missing" >&2; exit 1; }
results="${COREBOT_CONTAINER_RESULTS:-$root/build/container-test.json}"
mkdir -p "$(dirname "$results")"
work=$(mktemp -d "${TMPDIR:-/tmp}/corebot-container-test.XXXXXX")
project=corebot-test
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The sandbox (host binary) and the test's ports.
[ -x build/src/sandbox/corebot-sandbox ] || bash scripts/build.sh corebot-sandbox >/dev/null
token="123456:TEST-token_for_integration"
# On all interfaces: the containers reach it through the host's bridge address.
build/src/sandbox/corebot-sandbox --host 0.0.0.0 --port 0 --port-file "$work/port" --token "$token" --limits off \
  >"$work/sandbox.log" 2>&1 &
sandbox_pid=$!
# podman-compose 1.0 appends lists where Docker Compose replaces them (command, healthcheck), so
# the override is applied here, with Docker Compose's rules, into one file.
python3 - "$work/compose.yaml" <<'PY'
import os, sys, yaml
root = os.getcwd()
def merge(base, over):
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict) and key != "healthcheck":
            merge(base[key], value)
        else:
            base[key] = value
    return base
doc = merge(yaml.safe_load(open("compose.yaml")), yaml.safe_load(open("tests/deploy/compose.test.yaml")))
doc["services"]["corebot"]["build"] = root
doc["services"]["corebot"]["volumes"] = [
    v.replace("./", root + "/", 1) if v.startswith("./") else v
    for v in doc["services"]["corebot"]["volumes"]]
yaml.safe_dump(doc, open(sys.argv[1], "w"), sort_keys=False)
PY
compose=(podman-compose -p "$project" -f "$work/compose.yaml")
cleanup() {
  "${compose[@]}" down -v >/dev/null 2>&1 || true
  kill "$sandbox_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.1; done
COREBOT_API_URL="http://127.0.0.1:$(cat "$work/port")"
COREBOT_TEST_API_URL="http://host.containers.internal:$(cat "$work/port")"
export COREBOT_API_URL COREBOT_TEST_API_URL
export COREBOT_TEST_MONGO_PORT COREBOT_TEST_ADMIN_PORT
COREBOT_TEST_MONGO_PORT=$(free_port)
COREBOT_TEST_ADMIN_PORT=$(free_port)
export COREBOT_TOKEN_FILE="$work/token"
(umask 077; echo "$token" >"$COREBOT_TOKEN_FILE")
chown 10001 "$COREBOT_TOKEN_FILE"  # the image's user reads the secret (as install.sh sets it)
admin="http://127.0.0.1:$COREBOT_TEST_ADMIN_PORT"

echo "== the FerretDB test image"
ferretdb=$(bash scripts/ferretdb.sh install)
mkdir -p "$work/ferretdb" && cp "$ferretdb" "$work/ferretdb/ferretdb"
podman build --pull=never --network=host -q -t localhost/corebot-test-ferretdb:latest \
  -f tests/deploy/ferretdb.Dockerfile "$work/ferretdb" >/dev/null

echo "== the Corebot image (compiles inside; the host's ccache is mounted when present)"
cache=()
[ -d "$HOME/.cache/ccache" ] && cache=(-v "$HOME/.cache/ccache:/ccache")
start=$(date +%s)
if [ "${COREBOT_CONTAINER_SKIP_BUILD:-0}" = 1 ] && podman image exists corebot:local; then
  echo "(COREBOT_CONTAINER_SKIP_BUILD=1: the existing corebot:local)"
else
podman build --pull=never --network=host --format docker "${cache[@]}" --build-arg JOBS="${COREBOT_JOBS:-2}" \
  -t corebot:local . >"$work/build.log" 2>&1 || { tail -n 40 "$work/build.log"; exit 1; }
fi
build_s=$(( $(date +%s) - start ))
size=$(podman image inspect corebot:local --format '{{.Size}}')
echo "image corebot:local: $((size / 1024 / 1024)) MB (built in ${build_s}s)"

echo "== the stack"
# A stack left over from an interrupted run would be reused with its old settings (podman-compose
# does not recreate containers whose configuration changed): start from nothing.
"${compose[@]}" down -v >/dev/null 2>&1 || true
"${compose[@]}" up -d >"$work/up.log" 2>&1 || { cat "$work/up.log"; exit 1; }
cp "$work/up.log" "${TMPDIR:-/tmp}/corebot-container-test-up.log"
healthy() {
  for _ in $(seq 1 300); do
    curl -fsS -m 2 "$admin/health" 2>/dev/null | grep -q '"ok":true' && return 0
    sleep 0.2
  done
  "${compose[@]}" logs >&2 || true
  echo "container-test: the bot did not become healthy" >&2
  exit 1
}
healthy
python3 tests/deploy/stack_check.py start --sandbox "$COREBOT_API_URL" --chat 1001

echo "== restart: the data survives"
"${compose[@]}" down >/dev/null 2>&1
"${compose[@]}" up -d >/dev/null 2>&1
healthy
python3 tests/deploy/stack_check.py start --sandbox "$COREBOT_API_URL" --chat 1002
bot=$(podman ps --filter "label=io.podman.compose.project=$project" --format '{{.Names}}' | grep corebot_1 | head -n 1)
podman exec "$bot" corebot backup --config /etc/corebot/bot.toml /var/lib/corebot/check.db >/dev/null
podman cp "$bot:/var/lib/corebot/check.db" "$work/check.db"
survived=$(python3 -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(sum(1 for (d,) in db.execute("SELECT doc FROM c_users") if "1001" in d))' "$work/check.db")
[ "$survived" = 1 ] || { echo "container-test: user 1001 did not survive the restart" >&2; exit 1; }
echo "user 1001 is still known after the restart (MongoDB-wire store in its volume)"

echo "== memory during a mailing to 10,000 users with 20 chatting"
pids=$(for c in $(podman ps --filter "label=io.podman.compose.project=$project" --format '{{.Names}}'); do
  podman inspect -f '{{.State.Pid}}' "$c"; done | paste -sd, -)
python3 tests/deploy/stack_check.py mailing --sandbox "$COREBOT_API_URL" --admin "$admin" \
  --pids "$pids" >"$work/mailing.json"
python3 - "$work/mailing.json" "$size" "$build_s" "$results" <<'PY'
import json, sys
mailing = json.load(open(sys.argv[1]))
out = {"image_bytes": int(sys.argv[2]), "image_build_s": int(sys.argv[3]),
       "mongodb_stand_in": "FerretDB v1.24.2 (SQLite handler)", "mailing": mailing}
json.dump(out, open(sys.argv[4], "w"), indent=2)
peak = mailing["peak"]
print(json.dumps(out, indent=2))
print(f"peak stack memory: RSS {peak['rss_kb'] // 1024} MB, PSS {peak['pss_kb'] // 1024} MB "
      f"of the 1024 MB budget")
PY
echo "container-test: OK"
