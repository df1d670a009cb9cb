#!/usr/bin/env bash
# Corebot's installer for a fresh Debian 12 / Ubuntu 22.04 / 24.04 server, run as root:
#
#   curl -fsSL https://raw.githubusercontent.com/corebot/corebot/main/install.sh | sudo bash
#   (or, from a clone: sudo ./install.sh)
#
# It asks for the bot token (checked with Telegram at once), installs what is missing, starts the
# bot and prints what to do next: the one-time code that makes you the bot's owner.
#   --docker | --native     Docker Compose with MongoDB (default) or a systemd service on SQLite
#   --non-interactive       no questions: the token from BOT_TOKEN or --token-file
#   --token-file FILE       read the token from FILE (never give it on the command line)
#   --binary DIR            native mode: install DIR/corebot (and its plugin) instead of building
#   --upgrade               new version, same data (a backup is taken first)
#   --uninstall [--purge]   remove Corebot; its data and token stay unless --purge
#   --lang en|ru            the language of the questions (default: from the locale)
#   --check-token           only ask for the token and check it with Telegram (no root needed)
# Environment: BOT_TOKEN, COREBOT_INSTALL_MODE (docker|native), COREBOT_API_URL (another Bot API
# server, e.g. the sandbox), COREBOT_REPO (the git repository to build from).
# It never prints the token; the token and backups are written 0600. Details: docs/install.md.
set -euo pipefail
umask 077

readonly ETC=/etc/corebot OPT=/opt/corebot DATA=/var/lib/corebot
readonly UNIT=/etc/systemd/system/corebot.service
readonly REPO="${COREBOT_REPO:-https://github.com/corebot/corebot.git}"
API="${COREBOT_API_URL:-https://api.telegram.org}"
ADMIN_PORT="${COREBOT_ADMIN_PORT:-8081}"
MODE="${COREBOT_INSTALL_MODE:-}"
ACTION=install INTERACTIVE=1 PURGE=0 TOKEN_FILE="" BINARY_DIR="" UI_LANG=""
SELF_DIR=$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")" 2>/dev/null && pwd || echo "")

while [ $# -gt 0 ]; do
  case "$1" in
    --docker) MODE=docker ;;
    --native) MODE=native ;;
    --non-interactive) INTERACTIVE=0 ;;
    --token-file) TOKEN_FILE="$2"; shift ;;
    --binary) BINARY_DIR="$2"; shift ;;
    --upgrade) ACTION=upgrade ;;
    --uninstall) ACTION=uninstall ;;
    --purge) PURGE=1 ;;
    --check-token) ACTION=check-token ;;
    --lang) UI_LANG="$2"; shift ;;
    --token|--token=*)
      echo "install.sh: a token on the command line is visible to every user (ps); use BOT_TOKEN or --token-file" >&2
      exit 2 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ -t 0 ] || [ -r /dev/tty ] || INTERACTIVE=0

# --- words: English, or Russian when the locale says so -------------------------------------
if [ -z "$UI_LANG" ]; then
  case "${LC_ALL:-${LC_MESSAGES:-${LANG:-}}}" in ru*) UI_LANG=ru ;; *) UI_LANG=en ;; esac
fi
msg() {  # key [args...]: the text in the user's language, printf-style
  local key="$1"; shift
  local en ru
  case "$key" in
    root) en="Run me as root: sudo bash install.sh"; ru="Запустите от имени root: sudo bash install.sh" ;;
    os) en="This system is %s; Corebot's installer supports Debian 12 and Ubuntu 22.04/24.04. Set COREBOT_SKIP_OS_CHECK=1 to try anyway."
        ru="Эта система — %s; установщик поддерживает Debian 12 и Ubuntu 22.04/24.04. Чтобы попробовать всё равно, задайте COREBOT_SKIP_OS_CHECK=1." ;;
    ask_token) en="Paste your bot's token from @BotFather (it will not be shown): "
               ru="Вставьте токен бота от @BotFather (он не будет показан): " ;;
    keep_token) en="A token is already set up. Keep it? [Y/n] "; ru="Токен уже настроен. Оставить его? [Д/н] " ;;
    no_token) en="No token: set BOT_TOKEN or --token-file (the token from @BotFather)."
              ru="Нет токена: задайте BOT_TOKEN или --token-file (токен от @BotFather)." ;;
    bad_format) en="That is not a bot token. A token looks like 123456789:AAH..., digits, a colon, then about 35 letters and digits. In Telegram open @BotFather, send /mybots, choose your bot, press \"API Token\" and copy the whole line."
                ru="Это не токен бота. Токен выглядит так: 123456789:AAH... — цифры, двоеточие и ещё около 35 букв и цифр. В Telegram откройте @BotFather, отправьте /mybots, выберите бота, нажмите «API Token» и скопируйте строку целиком." ;;
    bad_token) en="Telegram does not accept this token (%s): it was mistyped, or replaced with /revoke. Open @BotFather, send /mybots, choose your bot, press \"API Token\" and copy it again."
               ru="Telegram не принимает этот токен (%s): в нём опечатка, или его заменили командой /revoke. Откройте @BotFather, отправьте /mybots, выберите бота, нажмите «API Token» и скопируйте его заново." ;;
    no_net) en="Could not reach Telegram at %s (%s). Check this server's internet connection and DNS; if your provider blocks Telegram, see docs/install.md, \"A proxy\"."
            ru="Не удалось связаться с Telegram по адресу %s (%s). Проверьте интернет и DNS на сервере; если провайдер блокирует Telegram, см. docs/install.md, раздел «Прокси»." ;;
    token_ok) en="Token accepted: this is @%s."; ru="Токен принят: это @%s." ;;
    give_up) en="Giving up after several attempts."; ru="Слишком много попыток, выходим." ;;
    ask_mode) en="How should Corebot run?\n  1) Docker Compose with MongoDB (recommended)\n  2) Without Docker: a system service with a SQLite file\nChoose 1 or 2 [1]: "
              ru="Как запускать Corebot?\n  1) Docker Compose с MongoDB (рекомендуется)\n  2) Без Docker: системная служба с файлом SQLite\nВыберите 1 или 2 [1]: " ;;
    native_os) en="The native install needs Debian 12 (this is %s): choose Docker mode (--docker)."
               ru="Установка без Docker требует Debian 12 (здесь %s): выберите режим Docker (--docker)." ;;
    installing) en="Installing the packages Corebot needs (%s)..."; ru="Устанавливаем нужные пакеты (%s)..." ;;
    apt_failed) en="Installing packages failed (the whole output: %s). Check the internet connection and that apt works: apt-get update."
                ru="Не удалось установить пакеты (полный вывод: %s). Проверьте интернет и работу apt: apt-get update." ;;
    building) en="Building Corebot from source: this takes 10-30 minutes on a small server..."
              ru="Собираем Corebot из исходников: на небольшом сервере это 10–30 минут..." ;;
    starting) en="Starting the bot..."; ru="Запускаем бота..." ;;
    no_systemd) en="systemd is not running here (a container?): the bot runs in the background now but will not start again after a reboot."
                ru="systemd здесь не запущен (контейнер?): бот работает в фоне, но после перезагрузки сам не запустится." ;;
    not_up) en="The bot did not start. Its log:"; ru="Бот не запустился. Его журнал:" ;;
    running) en="Corebot is running (%s mode)."; ru="Corebot работает (режим %s)." ;;
    owner) en="To become the bot's owner, open Telegram and send this to @%s:\n\n    /start %s\n\nThe first person to send it becomes the owner; the code then stops working."
           ru="Чтобы стать владельцем бота, откройте Telegram и отправьте боту @%s:\n\n    /start %s\n\nВладельцем станет первый, кто это отправит; после этого код перестаёт работать." ;;
    owner_set) en="The bot already has an owner."; ru="У бота уже есть владелец." ;;
    owner_fail) en="Could not read the owner code (%s). When the bot is up, get it with: %s"
                ru="Не удалось получить код владельца (%s). Когда бот заработает, получите его командой: %s" ;;
    next) en="Logs: %s\nBackups: every day in %s (7 kept); restore with: corebot restore. Upgrade: install.sh --upgrade. Help: docs/install.md"
          ru="Журнал: %s\nРезервные копии: каждый день в %s (хранятся 7); восстановление: corebot restore. Обновление: install.sh --upgrade. Справка: docs/install.md" ;;
    not_installed) en="Corebot is not installed here (no %s)."; ru="Corebot здесь не установлен (нет %s)." ;;
    removed) en="Corebot removed. Kept: %s (delete them, or run again with --uninstall --purge)."
             ru="Corebot удалён. Оставлены: %s (удалите их сами или запустите с --uninstall --purge)." ;;
    purged) en="Corebot and all its data removed."; ru="Corebot и все его данные удалены." ;;
    upgraded) en="Upgraded; the data is as it was (a backup was taken first: %s)."
              ru="Обновлено; данные на месте (перед обновлением сделана копия: %s)." ;;
    *) en="$key"; ru="$key" ;;
  esac
  local text="$en"
  [ "$UI_LANG" = ru ] && text="$ru"
  # shellcheck disable=SC2059  # the texts above are the format strings
  printf "$text" "$@"
}
say() { msg "$@"; printf '\n'; }
die() { say "$@" >&2; exit 1; }
ask() {  # prompt-key -> the answer on stdout (from the terminal even when piped into bash)
  local answer=""
  msg "$1" >/dev/tty
  IFS= read -r answer </dev/tty || true
  printf '%s' "$answer"
}

# --- the system --------------------------------------------------------------------------------
# shellcheck disable=SC1091  # the running system's file
os_name() { . /etc/os-release 2>/dev/null && echo "${ID:-unknown} ${VERSION_ID:-}"; }
check_os() {
  case "$(os_name)" in
    "debian 12"|"ubuntu 22.04"|"ubuntu 24.04") ;;
    *) [ "${COREBOT_SKIP_OS_CHECK:-0}" = 1 ] || die os "$(os_name)" ;;
  esac
}
have_systemd() { [ -d /run/systemd/system ]; }
apt_install() {  # packages...: installs the missing ones
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say installing "${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  local log=/var/log/corebot-install.log
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >>"$log" 2>&1; then
    tail -n 20 "$log" >&2
    die apt_failed "$log"
  fi
}

# --- the token ---------------------------------------------------------------------------------
TOKEN="" BOT_NAME=""
# getMe: 0 accepted (BOT_NAME set), 1 refused (explained), 2 unreachable (explained). The token
# goes to curl on stdin, not in its arguments.
check_token() {
  local out code
  if ! [[ "$TOKEN" =~ ^[0-9]+:[A-Za-z0-9_-]{20,}$ ]]; then say bad_format >&2; return 1; fi
  out=$(mktemp)
  code=$(printf 'url = "%s/bot%s/getMe"\n' "$API" "$TOKEN" |
    curl -sS -m 20 -o "$out" -w '%{http_code}' -K - 2>"$out.err") || code=000
  if [ "$code" = 200 ] && grep -q '"ok":true' "$out"; then
    BOT_NAME=$(sed -n 's/.*"username":"\([^"]*\)".*/\1/p' "$out")
    rm -f "$out" "$out.err"
    say token_ok "$BOT_NAME"
    return 0
  fi
  if [ "$code" = 000 ]; then
    say no_net "$API" "$(tr -d '\n' <"$out.err" | sed "s|$TOKEN|<token>|g")" >&2
    rm -f "$out" "$out.err"
    return 2
  fi
  say bad_token "HTTP $code $(sed -n 's/.*"description":"\([^"]*\)".*/\1/p' "$out")" >&2
  rm -f "$out" "$out.err"
  return 1
}
get_token() {
  if [ -n "$TOKEN_FILE" ]; then TOKEN=$(head -n 1 "$TOKEN_FILE" | tr -d ' \r\t'); fi
  [ -z "$TOKEN" ] && TOKEN="${BOT_TOKEN:-}"
  if [ -z "$TOKEN" ] && [ -s "$ETC/token" ]; then
    local keep=y
    [ "$INTERACTIVE" = 1 ] && keep=$(ask keep_token)
    case "$keep" in [nNнН]*) ;; *) TOKEN=$(head -n 1 "$ETC/token") ;; esac
  fi
  if [ -n "$TOKEN" ]; then
    check_token || exit 3
    return
  fi
  [ "$INTERACTIVE" = 1 ] || die no_token
  local attempt rc
  for attempt in 1 2 3 4 5; do
    # Echo off before the question, so nothing typed ahead shows either.
    stty -echo </dev/tty 2>/dev/null || true
    trap 'stty echo </dev/tty 2>/dev/null || true' EXIT
    msg ask_token >/dev/tty
    IFS= read -r TOKEN </dev/tty || true
    stty echo </dev/tty 2>/dev/null || true
    printf '\n' >/dev/tty
    TOKEN=$(printf '%s' "$TOKEN" | tr -d ' \r\t')
    rc=0; check_token || rc=$?
    [ $rc -eq 0 ] && return
    [ $rc -eq 2 ] && exit 3
    : "$attempt"
  done
  die give_up
}
save_token() {
  install -d -m 0755 "$ETC"
  (umask 077; printf '%s\n' "$TOKEN" >"$ETC/token.new")
  chmod 0600 "$ETC/token.new"
  mv "$ETC/token.new" "$ETC/token"
}

# --- the source --------------------------------------------------------------------------------
# A source tree: the one this script sits in, else a clone in /opt/corebot/src.
SRC=""
find_source() {
  if [ -n "$SELF_DIR" ] && [ -f "$SELF_DIR/CMakeLists.txt" ] && [ -d "$SELF_DIR/src/cli" ]; then
    SRC="$SELF_DIR"
    return
  fi
  SRC="$OPT/src"
  apt_install git ca-certificates
  if [ -d "$SRC/.git" ]; then git -C "$SRC" pull -q --ff-only; else git clone -q --depth 1 "$REPO" "$SRC"; fi
}

# --- native: a systemd service on SQLite ------------------------------------------------------
readonly RUNTIME_PACKAGES=(ca-certificates curl libcurl4 libssl3 libsqlite3-0 liborcus-0.17-0 libtomlplusplus3
  libspdlog1.10 libfmt9 libboost-json1.81.0 libmongoc-1.0-0 libbson-1.0-0 liblua5.4-0 libxlsxwriter4
  libcairo2 libmimalloc2.0)
install_binary() {
  install -d -m 0755 "$OPT/bin" "$OPT/lib/corebot" "$OPT/share"
  local dir="$BINARY_DIR"
  if [ -z "$dir" ]; then
    find_source
    say building
    (cd "$SRC" && bash scripts/bootstrap.sh >/dev/null && COREBOT_JOBS=1 bash scripts/build.sh corebot corebot_store_mongo >/dev/null)
    dir="$SRC/build/src"
    install -m 0755 "$dir/cli/corebot" "$OPT/bin/corebot.new"
    [ -f "$dir/store/libcorebot_store_mongo.so" ] && install -m 0644 "$dir/store/libcorebot_store_mongo.so" "$OPT/lib/corebot/"
    [ -f "$SRC/examples/business-card/business-card.xlsx" ] && install -m 0644 "$SRC/examples/business-card/business-card.xlsx" "$OPT/share/starter.xlsx"
  else
    install -m 0755 "$dir/corebot" "$OPT/bin/corebot.new"
    [ -f "$dir/libcorebot_store_mongo.so" ] && install -m 0644 "$dir/libcorebot_store_mongo.so" "$OPT/lib/corebot/"
    [ -f "$dir/starter.xlsx" ] && install -m 0644 "$dir/starter.xlsx" "$OPT/share/starter.xlsx"
  fi
  mv "$OPT/bin/corebot.new" "$OPT/bin/corebot"
  local unit
  for unit in "$SELF_DIR/deploy/systemd/corebot.service" "${SRC:-/nonexistent}/deploy/systemd/corebot.service" "$dir/corebot.service"; do
    if [ -f "$unit" ]; then install -m 0644 "$unit" "$OPT/share/corebot.service"; break; fi
  done
}
write_native_files() {
  id corebot >/dev/null 2>&1 || useradd --system --home-dir "$DATA" --shell /usr/sbin/nologin corebot
  install -d -m 0700 -o corebot -g corebot "$DATA" "$DATA/backups"
  if [ ! -e "$DATA/bot.xlsx" ] && [ -f "$OPT/share/starter.xlsx" ]; then
    install -m 0600 -o corebot -g corebot "$OPT/share/starter.xlsx" "$DATA/bot.xlsx"
  fi
  if [ ! -f "$ETC/bot.toml" ]; then  # the owner's edits survive a re-run and an upgrade
    cat >"$ETC/bot.toml" <<EOF
# Corebot's settings (docs/configuration.md). The token is in $ETC/token (0600).
[telegram]
api_url = "$API"

[store]
uri = "sqlite://$DATA/bot.db"

[content]
source = "$DATA/bot.xlsx"

[admin]
listen = "127.0.0.1:$ADMIN_PORT"
EOF
  fi
  chown root:corebot "$ETC/bot.toml"
  chmod 0640 "$ETC/bot.toml"
  cat >"$OPT/bin/corebot-backup" <<EOF
#!/bin/sh
# A daily backup of the bot's store, the newest \${COREBOT_BACKUP_KEEP:-7} kept (install.sh).
set -eu
dir=$DATA/backups
$OPT/bin/corebot backup --config $ETC/bot.toml "\$dir/bot-\$(date +%Y%m%d-%H%M%S).db"
ls -1t "\$dir"/bot-*.db | tail -n +\$((\${COREBOT_BACKUP_KEEP:-7} + 1)) | xargs -r rm -f
EOF
  chmod 0755 "$OPT/bin/corebot-backup"
  if [ -f "$OPT/share/corebot.service" ]; then
    install -m 0644 "$OPT/share/corebot.service" "$UNIT"
    sed -i "s|^ExecStart=.*|ExecStart=$OPT/bin/corebot run --config $ETC/bot.toml --token-file %d/token|" "$UNIT"
  fi
  write_backup_timer "User=corebot
ProtectSystem=strict
ReadWritePaths=$DATA
NoNewPrivileges=yes
PrivateTmp=yes"
}
write_backup_timer() {  # $1: the [Service] lines that say who runs $OPT/bin/corebot-backup
  install -d -m 0755 /etc/systemd/system
  cat >/etc/systemd/system/corebot-backup.service <<EOF
[Unit]
Description=Corebot daily backup
[Service]
Type=oneshot
ExecStart=$OPT/bin/corebot-backup
$1
EOF
  cat >/etc/systemd/system/corebot-backup.timer <<'EOF'
[Unit]
Description=Corebot daily backup
[Timer]
OnCalendar=daily
RandomizedDelaySec=1h
Persistent=true
[Install]
WantedBy=timers.target
EOF
}
# Docker mode: the same daily backup, made inside the bot's container into its data volume.
write_docker_backup() {
  install -d -m 0755 "$OPT/bin"
  cat >"$OPT/bin/corebot-backup" <<EOF
#!/bin/sh
# A daily backup of the bot's store, the newest \${COREBOT_BACKUP_KEEP:-7} kept (install.sh).
set -eu
${COMPOSE[*]} exec -T corebot sh -c 'mkdir -p /var/lib/corebot/backups && corebot backup --config /etc/corebot/bot.toml "/var/lib/corebot/backups/bot-\$(date +%Y%m%d-%H%M%S).db" && ls -1t /var/lib/corebot/backups/bot-*.db | tail -n +\$((\${COREBOT_BACKUP_KEEP:-7} + 1)) | xargs -r rm -f'
EOF
  chmod 0755 "$OPT/bin/corebot-backup"
  write_backup_timer ""
  if have_systemd; then
    systemctl daemon-reload
    systemctl enable -q --now corebot-backup.timer
  fi
}
as_bot() { runuser -u corebot -- "$@"; }
native_stop() {
  if have_systemd; then
    systemctl stop corebot.service 2>/dev/null || true
  elif [ -f /run/corebot.pid ]; then
    local pid
    pid=$(cat /run/corebot.pid)
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    rm -f /run/corebot.pid
  fi
}
native_start() {
  say starting
  if have_systemd; then
    systemctl daemon-reload
    systemctl enable -q corebot.service corebot-backup.timer
    systemctl restart corebot.service
    systemctl start corebot-backup.timer
  else
    say no_systemd
    native_stop
    # What the unit does, without systemd: the bot's user, the token in its environment only.
    # setpriv execs (runuser would stay as a parent), so the pid file names the bot itself.
    (cd "$DATA"
      BOT_TOKEN="$TOKEN" GNUTLS_NO_IMPLICIT_INIT=1 HOME="$DATA" setsid setpriv \
      --reuid=corebot --regid=corebot --init-groups \
      "$OPT/bin/corebot" run --config "$ETC/bot.toml" >>"$DATA/corebot.log" 2>&1 </dev/null &
      echo $! >/run/corebot.pid)
  fi
}
wait_healthy() {  # the /health endpoint answers "ok"
  for _ in $(seq 1 150); do
    if curl -fsS -m 2 "http://127.0.0.1:$ADMIN_PORT/health" 2>/dev/null | grep -q '"ok":true'; then return 0; fi
    sleep 0.2
  done
  say not_up >&2
  if have_systemd; then journalctl -u corebot -n 30 --no-pager >&2 || true; else tail -n 30 "$DATA/corebot.log" >&2 || true; fi
  exit 4
}

# --- docker: Compose with MongoDB -------------------------------------------------------------
COMPOSE=()
docker_setup() {
  if ! command -v docker >/dev/null 2>&1; then apt_install docker.io; fi
  if docker compose version >/dev/null 2>&1; then COMPOSE=(docker compose)
  elif command -v docker-compose >/dev/null 2>&1; then COMPOSE=(docker-compose)
  else
    # Compose v2 where the distribution has it (Ubuntu 24.04: docker-compose-v2), else v1.
    apt-get update -qq >>/var/log/corebot-install.log 2>&1 || true
    local candidate
    for candidate in docker-compose-v2 docker-compose-plugin docker-compose; do
      if apt-cache show "$candidate" >/dev/null 2>&1; then apt_install "$candidate"; break; fi
    done
    if docker compose version >/dev/null 2>&1; then COMPOSE=(docker compose); else COMPOSE=(docker-compose); fi
  fi
  if have_systemd; then systemctl enable -q --now docker 2>/dev/null || true; fi
  find_source
  COMPOSE+=(--project-directory "$SRC" -f "$SRC/compose.yaml")
}
docker_wait_healthy() {  # the image's HEALTHCHECK says healthy
  local id status=""
  for _ in $(seq 1 120); do
    id=$("${COMPOSE[@]}" ps -q corebot 2>/dev/null | head -n 1)
    [ -n "$id" ] && status=$(docker inspect -f '{{.State.Health.Status}}' "$id" 2>/dev/null || true)
    [ "$status" = healthy ] && return 0
    sleep 1
  done
  say not_up >&2
  "${COMPOSE[@]}" logs --tail 30 corebot >&2 || true
  exit 4
}
docker_owner_code() { "${COMPOSE[@]}" exec -T corebot corebot owner-code --config /etc/corebot/bot.toml; }

# --- the steps ---------------------------------------------------------------------------------
print_owner_code() {  # $1: the command to show the owner, then the command that prints the code
  local shown="$1" out rc=0
  shift
  out=$("$@" 2>&1) || rc=$?
  if [ $rc -ne 0 ]; then
    say owner_fail "$(printf '%s' "$out" | head -n 1 | sed "s|$TOKEN|<token>|g")" "$shown"
    return 0
  fi
  if printf '%s' "$out" | grep -qi "already"; then say owner_set; return 0; fi
  # The code: the word after "/start " if the output shows the command, else its last word.
  local code
  code=$(printf '%s\n' "$out" | sed -n 's|.*/start \([^ ]*\).*|\1|p' | tail -n 1)
  [ -n "$code" ] || code=$(printf '%s\n' "$out" | awk 'NF {w = $NF} END {print w}')
  printf '\n'; say owner "$BOT_NAME" "$code"; printf '\n'
}
record() { printf 'MODE=%s\nSRC=%s\nAPI=%s\n' "$MODE" "$SRC" "$API" >"$ETC/install.conf"; }
load_record() {
  [ -f "$ETC/install.conf" ] || die not_installed "$ETC/install.conf"
  MODE=$(sed -n 's/^MODE=//p' "$ETC/install.conf")
  SRC=$(sed -n 's/^SRC=//p' "$ETC/install.conf")
  [ -n "${COREBOT_API_URL:-}" ] || API=$(sed -n 's/^API=//p' "$ETC/install.conf")
  API="${API:-https://api.telegram.org}"
}

do_install() {
  check_os
  apt_install curl ca-certificates
  get_token
  if [ -z "$MODE" ] && [ "$INTERACTIVE" = 1 ]; then
    case "$(ask ask_mode)" in 2) MODE=native ;; *) MODE=docker ;; esac
  fi
  MODE="${MODE:-docker}"
  save_token
  if [ "$MODE" = native ]; then
    case "$(os_name)" in "debian 12") ;; *) [ "${COREBOT_SKIP_OS_CHECK:-0}" = 1 ] || die native_os "$(os_name)" ;; esac
    apt_install "${RUNTIME_PACKAGES[@]}"
    install_binary
    write_native_files
    record
    native_start
    wait_healthy
    say running native
    print_owner_code "sudo -u corebot $OPT/bin/corebot owner-code --config $ETC/bot.toml" \
      env BOT_TOKEN="$TOKEN" runuser -u corebot -- "$OPT/bin/corebot" owner-code --config "$ETC/bot.toml"
    if have_systemd; then say next "journalctl -u corebot -f" "$DATA/backups"; else say next "$DATA/corebot.log" "$DATA/backups"; fi
  else
    docker_setup
    # Compose mounts the file as the secret as it is: the image's user (uid 10001) must own it.
    chown 10001 "$ETC/token"
    record
    say starting
    COREBOT_TOKEN_FILE="$ETC/token" COREBOT_API_URL="$API" "${COMPOSE[@]}" up -d --build
    docker_wait_healthy
    write_docker_backup
    say running docker
    print_owner_code "${COMPOSE[*]} exec corebot corebot owner-code --config /etc/corebot/bot.toml" docker_owner_code
    say next "${COMPOSE[*]} logs -f corebot" "/var/lib/corebot/backups (the corebot-data volume)"
  fi
}

do_upgrade() {
  load_record
  TOKEN=$(head -n 1 "$ETC/token")
  local backup
  backup="$DATA/backups/before-upgrade-$(date +%Y%m%d-%H%M%S).db"
  if [ "$MODE" = native ]; then
    as_bot "$OPT/bin/corebot" backup --config "$ETC/bot.toml" "$backup"
    if [ -z "$BINARY_DIR" ] && [ -d "$SRC/.git" ]; then git -C "$SRC" pull -q --ff-only || true; fi
    native_stop
    install_binary
    write_native_files
    native_start
    wait_healthy
  else
    docker_setup
    backup="/var/lib/corebot/before-upgrade-$(date +%Y%m%d-%H%M%S).db"
    "${COMPOSE[@]}" exec -T corebot corebot backup --config /etc/corebot/bot.toml "$backup"
    COREBOT_TOKEN_FILE="$ETC/token" COREBOT_API_URL="$API" "${COMPOSE[@]}" up -d --build
    docker_wait_healthy
  fi
  say upgraded "$backup"
}

do_uninstall() {
  load_record
  if [ "$MODE" = native ]; then
    native_stop
    if have_systemd; then systemctl disable -q corebot.service corebot-backup.timer 2>/dev/null || true; fi
    rm -f "$UNIT" /etc/systemd/system/corebot-backup.service /etc/systemd/system/corebot-backup.timer
    have_systemd && systemctl daemon-reload
    rm -rf "${OPT:?}/bin" "${OPT:?}/lib" "${OPT:?}/share"
  else
    docker_setup
    if [ "$PURGE" = 1 ]; then "${COMPOSE[@]}" down -v; else "${COMPOSE[@]}" down; fi
    if have_systemd; then systemctl disable -q --now corebot-backup.timer 2>/dev/null || true; fi
    rm -f /etc/systemd/system/corebot-backup.service /etc/systemd/system/corebot-backup.timer "$OPT/bin/corebot-backup"
  fi
  if [ "$PURGE" = 1 ]; then
    rm -rf "$ETC" "$DATA" "$OPT"
    if id corebot >/dev/null 2>&1; then userdel corebot 2>/dev/null || true; fi
    say purged
  else
    rm -f "$ETC/install.conf"
    say removed "$ETC, $DATA"
  fi
}

if [ "$ACTION" = check-token ]; then get_token; exit 0; fi
[ "$(id -u)" -eq 0 ] || die root
case "$ACTION" in
  install) do_install ;;
  upgrade) do_upgrade ;;
  uninstall) do_uninstall ;;
esac
