#!/usr/bin/env bash
# Cheap checks of the deployment files, run by ctest (deploy.static_checks): shellcheck on the
# installer and the container scripts, compose files parsed and their services checked, the
# image's build stage configured with what the Dockerfile copies, the systemd unit verified with
# systemd-analyze, the runtime libraries installed. A missing tool skips its check with a note.
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

# The image's build stage sees only what the Dockerfile copies: configure exactly that set the
# way the Dockerfile does (a folder the build needs but the image lacks fails only in
# `podman build`, three quarters of an hour in; it happened with fuzz/).
if command -v cmake >/dev/null 2>&1; then
  stage=$(mktemp -d)
  python3 - "$stage" <<'PY' || failed=1
import os, re, shutil, sys
stage = sys.argv[1]
def ignored(folder, names):  # .dockerignore's "build*/": build folders, not builder.cpp
    return [n for n in names if n.startswith("build") and os.path.isdir(os.path.join(folder, n))]
docker = open("Dockerfile").read()
build_stage = docker[:docker.rindex("\nFROM ")]
for src, dst in re.findall(r"^COPY (?!--)(\S+) (\S+)$", build_stage, re.M):
    target = os.path.join(stage, dst, os.path.basename(src)) if dst.endswith("/") else os.path.join(stage, dst)
    if os.path.isdir(src):
        shutil.copytree(src, target, ignore=ignored)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy(src, target)
PY
  if out=$(cmake -S "$stage" -B "$stage/build" -G Ninja -DCOREBOT_TESTS=OFF 2>&1); then
    echo "static_checks: the image's build stage configures with what the Dockerfile copies"
  else
    echo "static_checks: the image's build stage does not configure with what the Dockerfile copies:" >&2
    echo "$out" | grep -A3 "CMake Error" >&2
    failed=1
  fi
  rm -rf "$stage"
else
  echo "static_checks: cmake missing: the image's build stage not checked"
fi

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
# Every library the binary and the MongoDB plugin load must come from a package the installer
# and the image's runtime stage install (a library added to the build without them fails only
# on a fresh machine: "error while loading shared libraries").
plugin="$(dirname "$binary")/../store/libcorebot_store_mongo.so"
if command -v readelf >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1; then
  python3 - "$binary" "$plugin" <<'PY' || failed=1
import os, re, subprocess, sys
# In every Debian base image, or pulled in by a listed package (liborcus-parser by liborcus).
BASE = {"libc6", "libgcc-s1", "libstdc++6", "liborcus-parser-0.17-0"}
def needed(path):
    out = subprocess.run(["readelf", "-d", path], capture_output=True, text=True).stdout
    return re.findall(r"\(NEEDED\).*\[(.+?)\]", out)
def package(lib):
    cache = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    for line in cache.splitlines():
        if line.strip().startswith(lib + " "):
            real = os.path.realpath(line.rsplit("=> ", 1)[1])
            for candidate in (real, real.replace("/usr/lib/", "/lib/", 1)):
                r = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
                if r.returncode == 0:
                    return r.stdout.split(":")[0]
    return None
install = open("install.sh").read()
installer = set(re.search(r"RUNTIME_PACKAGES=\((.*?)\)", install, re.S).group(1).split())
docker = open("Dockerfile").read()
runtime_stage = docker[docker.rindex("\nFROM "):]
image = set(re.search(r"apt-get install[^\n]*\\\n(.*?)>/dev/null", runtime_stage, re.S)
            .group(1).replace("\\", " ").split())
libs = {lib for path in sys.argv[1:] if os.path.exists(path) for lib in needed(path)}
if any(lib.startswith("libasan") for lib in libs):
    print("static_checks: a sanitizer build (not what ships): runtime packages not checked")
    sys.exit(0)
missing = []
# The shipped binary replaces malloc with mimalloc (docs/architecture.md, "Where we depart"):
# without it a reply costs a third more CPU, and nothing else would show it.
if not any(lib.startswith("libmimalloc") for lib in needed(sys.argv[1])):
    missing.append("the corebot binary does not link mimalloc (corebot_use_allocator)")
for lib in sorted(libs):
    pkg = package(lib)
    if pkg is None or pkg in BASE:
        continue
    for where, listed in (("install.sh RUNTIME_PACKAGES", installer), ("Dockerfile runtime stage", image)):
        if pkg not in listed:
            missing.append(f"{lib} ({pkg}) is not installed by {where}")
if missing:
    print("static_checks: runtime libraries missing:\n  " + "\n  ".join(missing), file=sys.stderr)
    sys.exit(1)
print(f"static_checks: the {len(libs)} libraries the binaries load are all installed")
PY
else
  echo "static_checks: readelf or dpkg missing: runtime packages not checked"
fi
exit $failed
