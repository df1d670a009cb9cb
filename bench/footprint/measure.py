#!/usr/bin/env python3
"""Idle memory of `corebot run` (issue 14): RSS and PSS of the engine after it answered one /start
from the sandbox and then sat idle, with the mappings that hold the most resident memory; then
again right after it answered a second user (what answering brings back in).

    python3 bench/footprint/measure.py [--store URI] [--config FILE] [--settle 5] [--out FILE]

The store defaults to a fresh SQLite file; pass --store mongodb://... for the MongoDB figure.
Prints JSON (and writes it to --out): rss_kb, pss_kb, the split anonymous/file, threads, the
shared libraries mapped, and the top mappings by RSS. Idle and short: safe on a shared machine.
Binaries: COREBOT_BIN / SANDBOX_BIN, else build/src/cli/corebot and build/src/sandbox/...
"""
import argparse
import json
import os
import platform
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
os.environ.setdefault("COREBOT_BIN", os.path.join(ROOT, "build/src/cli/corebot"))
os.environ.setdefault("SANDBOX_BIN", os.path.join(ROOT, "build/src/sandbox/corebot-sandbox"))
from harness import Bot, Sandbox, bot_messages  # noqa: E402


def status_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def rollup(pid):
    out = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
                out[parts[0][:-1]] = int(parts[1])
    return out


def mappings(pid):
    """RSS and PSS per mapped file (or [heap], [anon]...), summed over its segments."""
    per = {}
    name = None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            parts = line.split()
            if "-" in parts[0] and len(parts) >= 5 and not parts[0].endswith(":"):
                name = parts[5] if len(parts) >= 6 else "[anon]"
                per.setdefault(name, {"rss_kb": 0, "pss_kb": 0})
            elif parts[0] == "Rss:":
                per[name]["rss_kb"] += int(parts[1])
            elif parts[0] == "Pss:":
                per[name]["pss_kb"] += int(parts[1])
    return per


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", help="store URI (default: a fresh SQLite file)")
    parser.add_argument("--config", help="bot config (default: none, the built-in defaults)")
    parser.add_argument("--settle", type=float, default=5.0, help="idle seconds before measuring")
    parser.add_argument("--out", help="also write the JSON here")
    args = parser.parse_args()

    sandbox = Sandbox("--limits", "off")
    env = {"COREBOT_LOG_LEVEL": "info"}
    if args.store:
        env["COREBOT_STORE_URI"] = args.store
    bot = Bot(sandbox, *(["--config", args.config] if args.config else []), env=env)
    try:
        sandbox.message(4242, "/start")
        sandbox.wait_chat(4242, bot_messages, "the bot's answer to /start")
        time.sleep(args.settle)  # idle: long polls only
        pid = bot.proc.pid
        if bot.proc.poll() is not None:
            raise SystemExit("the bot exited:\n" + bot.output())
        roll = rollup(pid)
        maps = mappings(pid)
        sandbox.message(4243, "/start")
        sandbox.wait_chat(4243, bot_messages, "the bot's answer to a second /start")
        time.sleep(1)
        again = rollup(pid)
        after = {"rss_kb": again.get("Rss", 0), "pss_kb": again.get("Pss", 0)}
        libs = sorted(n for n in maps if ".so" in os.path.basename(n))
        top = sorted(maps.items(), key=lambda kv: -kv[1]["rss_kb"])[:15]
        result = {
            "what": "corebot run, idle after one /start",
            "store": args.store or "sqlite (fresh file)",
            # smaps_rollup is exact; /proc/PID/status's VmRSS may lag (per-CPU counters).
            "rss_kb": roll.get("Rss", 0),
            "pss_kb": roll.get("Pss", 0),
            "rss_anon_kb": roll.get("Anonymous", 0),
            "rss_file_kb": roll.get("Rss", 0) - roll.get("Anonymous", 0),
            "private_kb": roll.get("Private_Clean", 0) + roll.get("Private_Dirty", 0),
            "vmrss_status_kb": status_kb(pid, "VmRSS"),
            "threads": status_kb(pid, "Threads"),
            "after_second_reply": after,
            "shared_libraries": len(libs),
            "mongoc_loaded": any("libmongoc" in n for n in libs),
            "top_mappings": [{"name": n, **v} for n, v in top],
            "libraries": libs,
            "binary": os.environ["COREBOT_BIN"],
            "binary_bytes": os.path.getsize(os.environ["COREBOT_BIN"]),
            "machine": platform.platform(),
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
    finally:
        bot.terminate()
        sandbox.close()
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
