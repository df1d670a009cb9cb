#!/usr/bin/env bash
# install.sh end to end in a fresh Debian 12 root (a debian:bookworm-slim container), against the
# sandbox on the host, non-interactively, in native mode with this build's binary (--binary):
# install, the bot answers /start, the secrets' modes, a second run (idempotent), --upgrade (a
# backup first, the data kept), --uninstall (the data kept), --uninstall --purge.
# Not in CI (it needs podman and the Debian mirror). Usage (root): tests/deploy/installer_test.sh
# Podman set-up: ../shared/tools/containers.sh (or COREBOT_CONTAINERS_SETUP). docs/install.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
setup="${COREBOT_CONTAINERS_SETUP:-/work/shared/tools/containers.sh}"
[ -f "$setup" ] && bash "$setup" >/dev/null
bash scripts/build.sh corebot corebot-sandbox corebot_store_mongo >/dev/null
work=$(mktemp -d "${TMPDIR:-/tmp}/corebot-installer-test.XXXXXX")
name="corebot-installer-test-$$"
token="123456:TEST-token_for_integration"
build/src/sandbox/corebot-sandbox --port 0 --port-file "$work/port" --token "$token" --limits off \
  >"$work/sandbox.log" 2>&1 &
sandbox_pid=$!
cleanup() {
  podman rm -f "$name" >/dev/null 2>&1 || true
  kill "$sandbox_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.1; done
api="http://127.0.0.1:$(cat "$work/port")"
admin_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# What a release would ship: the binary, its MongoDB plugin, the starter spreadsheet, the unit.
mkdir -p "$work/dist"
cp build/src/cli/corebot build/src/store/libcorebot_store_mongo.so deploy/systemd/corebot.service \
  "$work/dist/"
cp examples/business-card/business-card.xlsx "$work/dist/starter.xlsx"

podman run -d --name "$name" --network=host -v "$root:/src:ro" -v "$work/dist:/dist:ro" \
  docker.io/library/debian:bookworm-slim sleep infinity >/dev/null
in_root() { podman exec -e BOT_TOKEN="$token" -e COREBOT_API_URL="$api" \
  -e COREBOT_ADMIN_PORT="$admin_port" "$name" bash -c "$1"; }
fail() { echo "installer-test: FAILED: $*" >&2; exit 1; }
answers() {  # chat id: /start gets a reply through the installed bot
  python3 tests/deploy/stack_check.py start --sandbox "$api" --chat "$1"
}

echo "== install (native, non-interactive)"
in_root "bash /src/install.sh --native --non-interactive --binary /dist" >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; fail "install"; }
cat "$work/install.log"
grep -q "$token" "$work/install.log" && fail "the token was printed"
grep -q "Corebot is running" "$work/install.log" || fail "no 'running' line"
grep -Eq "/start [A-Za-z0-9_-]+|owner code" "$work/install.log" || fail "no owner code or explanation"
answers 2001
[ "$(in_root 'stat -c %a /etc/corebot/token')" = 600 ] || fail "token file not 0600"
[ "$(in_root 'stat -c %a /etc/corebot/bot.toml')" = 640 ] || fail "config not 0640"
[ "$(in_root 'stat -c %U /var/lib/corebot/bot.db')" = corebot ] || fail "store not the bot's"
owner=$(in_root 'stat -c %U /proc/$(cat /run/corebot.pid); cat /proc/$(cat /run/corebot.pid)/comm' 2>&1 || true)
[ "$(echo "$owner" | head -n 1)" = corebot ] || fail "the bot does not run as corebot: $owner"

echo "== install again (idempotent: the token and the data are kept)"
podman exec -e COREBOT_API_URL="$api" -e COREBOT_ADMIN_PORT="$admin_port" "$name" \
  bash /src/install.sh --native --non-interactive --binary /dist >"$work/again.log" 2>&1 ||
  { cat "$work/again.log"; fail "second install"; }
grep -q "Token accepted" "$work/again.log" || fail "the kept token was not checked"
answers 2002

echo "== upgrade (a backup first, the data kept)"
in_root "bash /src/install.sh --upgrade --binary /dist" >"$work/upgrade.log" 2>&1 ||
  { cat "$work/upgrade.log"; fail "upgrade"; }
cat "$work/upgrade.log"
in_root 'ls /var/lib/corebot/backups/before-upgrade-*.db' >/dev/null || fail "no backup before the upgrade"
[ "$(in_root 'stat -c %a /var/lib/corebot/backups/before-upgrade-*.db')" = 600 ] || fail "backup not 0600"
answers 2003
in_root "/opt/corebot/bin/corebot-backup && ls /var/lib/corebot/backups/bot-*.db" >/dev/null ||
  fail "the daily backup script"

echo "== uninstall (data kept)"
in_root "bash /src/install.sh --uninstall" >"$work/uninstall.log" 2>&1 || { cat "$work/uninstall.log"; fail "uninstall"; }
cat "$work/uninstall.log"
in_root 'test ! -e /opt/corebot/bin/corebot' || fail "binary still there"
in_root 'test -s /var/lib/corebot/bot.db && test -s /etc/corebot/token' || fail "data or token removed"
curl -fsS -m 2 "http://127.0.0.1:$admin_port/health" >/dev/null 2>&1 && fail "the bot still runs"

echo "== install again, then uninstall --purge"
in_root "bash /src/install.sh --native --non-interactive --binary /dist" >/dev/null 2>&1 || fail "reinstall"
answers 2004
in_root "bash /src/install.sh --uninstall --purge" >/dev/null 2>&1 || fail "purge"
in_root 'test ! -e /var/lib/corebot && test ! -e /etc/corebot && ! id corebot 2>/dev/null' ||
  fail "purge left data behind"
echo "installer-test: OK"
