#!/usr/bin/env bash
# Cheap checks of the deployment files, run by ctest (deploy.static_checks): shellcheck on the
# installer and the container scripts, compose files parsed and their services checked, the
# systemd unit verified with systemd-analyze. A missing tool skips its check with a note.
# Usage: tests/deploy/static_checks.sh <corebot binary>
set -euo pipefail
cd "$(dirname "$0")/../.."
binary="${1:-build/src/cli/corebot}"
failed=0

if command -v shellcheck >/dev/null 2>&1; then
  shellcheck -S warning install.sh deploy/docker/entrypoint.sh scripts/container-test.sh \
    tests/deploy/static_checks.sh tests/deploy/installer_test.sh || failed=1
else
  echo "static_checks: shellcheck not installed (scripts/bootstrap.sh installs it): skipped"
fi

python3 - <<'PY' || failed=1
import sys
import yaml
def load(path):
    with open(path) as f:
        return yaml.safe_load(f)
main = load("compose.yaml")
bot, db = main["services"]["corebot"], main["services"]["mongodb"]
assert bot["restart"] == "unless-stopped" and db["restart"] == "unless-stopped", "restart policies"
assert "healthcheck" in db, "MongoDB health check"
assert bot["depends_on"]["mongodb"]["condition"] == "service_healthy"
assert "--wiredTigerCacheSizeGB" in db["command"], "MongoDB's cache capped"
assert "mongodb://" in bot["environment"]["COREBOT_STORE_URI"]
assert "bot_token" in main["secrets"] and "BOT_TOKEN" not in bot["environment"], "token as a secret"
sqlite = load("compose.sqlite.yaml")
assert set(sqlite["services"]) == {"corebot"}, "SQLite-only: no MongoDB"
assert "COREBOT_STORE_URI" not in sqlite["services"]["corebot"].get("environment", {})
for name in ("tests/deploy/compose.test.yaml",):
    load(name)
print("static_checks: compose files OK")
PY

if command -v systemd-analyze >/dev/null 2>&1; then
  # The unit names the installed binary; verify a copy pointing at the build's.
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
  sed "s|/opt/corebot/bin/corebot|$(realpath "$binary")|" deploy/systemd/corebot.service \
    >"$dir/corebot.service"
  if out=$(systemd-analyze verify "$dir/corebot.service" 2>&1) && [ -z "$out" ]; then
    echo "static_checks: systemd unit OK"
  else
    echo "static_checks: systemd-analyze verify:" >&2
    echo "$out" >&2
    failed=1
  fi
  for key in NoNewPrivileges=yes ProtectSystem=strict MemoryMax= Restart=on-failure User=corebot; do
    grep -q "^$key" deploy/systemd/corebot.service || { echo "unit lacks $key" >&2; failed=1; }
  done
else
  echo "static_checks: systemd-analyze not installed: unit not verified"
fi
exit $failed
