#!/usr/bin/env bash
# The web chat checked in a real browser: headless Chromium drives the page of `corebot demo`
# (tests/ui/webchat_ui.py over the Chrome DevTools Protocol, standard library only) and saves a
# screenshot of each step; tests/ui/payments_ui.py does the same for invoices and the Pay button
# (the sandbox alone). Not part of ctest: Chromium is large and the only user of it.
# Usage: scripts/ui-test.sh [OUT_DIR]   (default build/ui-test; needs a build: scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
# Chromium, and a colour emoji font so the screenshots show ✅ and 📎 as a person sees them.
if ! command -v chromium >/dev/null || ! dpkg -s fonts-noto-color-emoji >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-noto-color-emoji
fi
export COREBOT_BIN="${COREBOT_BIN:-build/src/cli/corebot}"
python3 tests/ui/webchat_ui.py "${1:-build/ui-test}"
# Invoices and the Pay button (the sandbox alone with a scripted bot).
SANDBOX_BIN="${SANDBOX_BIN:-build/src/sandbox/corebot-sandbox}" python3 tests/ui/payments_ui.py "${1:-build/ui-test}"
# The shop example as a customer uses it (the engine with examples/shop against the sandbox).
SANDBOX_BIN="${SANDBOX_BIN:-build/src/sandbox/corebot-sandbox}" python3 tests/ui/shop_ui.py "${1:-build/ui-test}"
