#!/bin/sh
# The image's entrypoint: a first start gets the starter spreadsheet, and the token is read from
# the Compose secret (never from the command line).
set -eu
if [ ! -e /var/lib/corebot/bot.xlsx ] && [ -z "${COREBOT_CONTENT:-}" ]; then
  cp /usr/local/share/corebot/starter.xlsx /var/lib/corebot/bot.xlsx
fi
if [ "${1:-}" = corebot ] && [ "${2:-}" = run ] && [ -z "${BOT_TOKEN:-}" ] &&
  [ -r /run/secrets/bot_token ]; then
  exec "$@" --token-file /run/secrets/bot_token
fi
exec "$@"
