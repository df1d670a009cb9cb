#!/usr/bin/env python3
"""The checks scripts/container-test.sh runs against a started stack, through the sandbox's
control API and the bot's admin API (both on 127.0.0.1).

  stack_check.py start  --sandbox URL --chat ID            /start gets the menu
  stack_check.py mailing --sandbox URL --admin URL --pids P,P [--recipients 10000] [--chatters 20]
      a mailing to N users while 20 users send /start; prints JSON with the stack's peak memory
      (RSS and PSS summed over the containers' processes, sampled every 100 ms from /proc)
"""
import argparse
import json
import os
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from harness import TOKEN, bot_messages, http, wait_for  # noqa: E402

ADMIN_TOKEN = os.environ.get("COREBOT_TEST_ADMIN_TOKEN", "container-test-admin-token")
# Five-digit ids, so that the body stays as small as a 64 KiB limit once required; the admin API
# now takes 2 MiB (docs/configuration.md).
FIRST = 10000


def control(sandbox, method, path, body=None):
    status, answer = http(method, sandbox + path, body)
    if status != 200 or not answer.get("ok"):
        raise SystemExit(f"sandbox {method} {path}: {status} {answer}")
    return answer["result"]


def bot_texts(sandbox, chat):
    return bot_messages(
        control(sandbox, "GET", f"/control/chats/messages?token={TOKEN}&chat_id={chat}"))


def start(args):
    control(args.sandbox, "POST", "/control/updates/message",
            {"token": TOKEN, "user_id": args.chat, "text": "/start"})
    got = wait_for(lambda: bot_texts(args.sandbox, args.chat), "the reply to /start", 60)
    first = got[0]
    print(f"/start from {args.chat}: {(first.get('text') or first.get('caption') or '')[:60]!r}")


def admin(args, method, path, body=None):
    status, answer = http(method, args.admin + path, body,
                          headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    if status not in (200, 202):
        raise SystemExit(f"admin {method} {path}: {status} {answer}")
    return answer


def memory_kb(pids):
    rss = pss = 0
    for pid in pids:
        for p in [pid] + children(pid):
            try:
                with open(f"/proc/{p}/smaps_rollup") as f:
                    for line in f:
                        if line.startswith("Rss:"):
                            rss += int(line.split()[1])
                        elif line.startswith("Pss:"):
                            pss += int(line.split()[1])
            except OSError:
                pass
    return rss, pss


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(c) for c in f.read().split()]
    except OSError:
        return []


def mailing(args):
    pids = [int(p) for p in args.pids.split(",")]
    control(args.sandbox, "POST", "/control/users",
            {"token": TOKEN, "first_id": FIRST, "count": args.recipients})
    peak = {"rss_kb": 0, "pss_kb": 0}
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            rss, pss = memory_kb(pids)
            peak["rss_kb"] = max(peak["rss_kb"], rss)
            peak["pss_kb"] = max(peak["pss_kb"], pss)
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    before = memory_kb(pids)
    began = time.monotonic()
    # Compact JSON: one body for every id (the admin API's limit: 2 MiB).
    body = json.dumps({"text": "news", "chat_ids": list(range(FIRST, FIRST + args.recipients))},
                      separators=(",", ":")).encode()
    request = urllib.request.Request(
        args.admin + "/admin/broadcast", data=body, method="POST",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        if answer.status != 202:
            raise SystemExit(f"admin POST /admin/broadcast: {answer.status}")
    for i in range(args.chatters):  # 20 users chatting meanwhile
        control(args.sandbox, "POST", "/control/updates/message",
                {"token": TOKEN, "user_id": 700000 + i, "text": "/start"})
    query = f"/control/stats?token={TOKEN}&chat_min={FIRST}&chat_max={FIRST + args.recipients - 1}"
    # A persistent mailing stores each recipient's outcome. FerretDB's SQLite handler (standing in
    # for MongoDB) scans the collection for every write, so it sustains ~6-10 sends/s at 10,000
    # recipients: 900 s ran out at ~9,000 (2026-12-07). MongoDB's index answers in microseconds.
    wait_for(lambda: control(args.sandbox, "GET", query)["chats_with_bot_messages"]
             >= args.recipients, "every recipient served", 3600)
    seconds = time.monotonic() - began
    stop.set()
    sampler.join()
    print(json.dumps({"recipients": args.recipients, "chatters": args.chatters,
                      "seconds": round(seconds, 1), "idle_before": {"rss_kb": before[0],
                      "pss_kb": before[1]}, "peak": peak, "budget_kb": 1024 * 1024}, indent=2))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("what", choices=["start", "mailing"])
    p.add_argument("--sandbox")
    p.add_argument("--admin")
    p.add_argument("--chat", type=int, default=1001)
    p.add_argument("--pids", default="")
    p.add_argument("--recipients", type=int, default=10000)
    p.add_argument("--chatters", type=int, default=20)
    args = p.parse_args()
    {"start": start, "mailing": mailing}[args.what](args)


if __name__ == "__main__":
    main()
