#!/usr/bin/env bash
# Installs the dependencies, builds, and starts the demo bot inside the sandbox.
# The web chat is printed when it is ready: open it in a browser and talk to the bot.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bash scripts/build.sh corebot
exec build/src/cli/corebot demo "$@"
