#!/usr/bin/env bash
# Installs the peer bot libraries that bench/broadcast/run.py compares Corebot against, at the
# versions pinned in package-lock.json and requirements.txt: node_modules/ here and a Python venv
# in .venv/ (both gitignored). Safe to re-run. Needs node/npm and python3 with venv.
set -euo pipefail
cd "$(dirname "$0")"
status=0
if command -v npm >/dev/null; then
  npm ci --no-audit --no-fund || { echo "setup: npm ci failed; the Node peers will be skipped" >&2; status=1; }
else
  echo "setup: npm not found; the Node peers will be skipped" >&2
  status=1
fi
if python3 -m venv .venv; then
  .venv/bin/pip install --quiet --upgrade pip >/dev/null || true
  .venv/bin/pip install --quiet -r requirements.txt ||
    { echo "setup: pip install failed; the Python peers will be skipped" >&2; status=1; }
else
  echo "setup: python3 -m venv failed (apt-get install python3-venv); Python peers skipped" >&2
  status=1
fi
exit $status
