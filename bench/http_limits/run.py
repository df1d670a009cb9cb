"""Garbage against the engine's HTTP servers, and what it costs in memory (issue 10).

Starts the sandbox and the engine in webhook mode with the admin endpoint, then at once:
  - 4 unauthenticated POSTs to the admin port announcing and sending 60 MiB each,
  - 64 POSTs to the webhook with a wrong secret and a 1 MiB body each,
  - 1 GET of /health with a 2 MiB body,
  - 300 connections that send nothing;
and reports the engine's peak resident memory (VmHWM) before and after, with what each client got.
Target: peak under 64 MB. Usage:
  python3 bench/http_limits/run.py [--json bench/results/http_limits.json]
COREBOT_BIN / SANDBOX_BIN choose the binaries (default: build/), e.g. an older engine to compare.
"""
import argparse
import json
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "integration"))
from harness import Bot, Sandbox, free_port, http, wait_for  # noqa: E402

ADMIN_TOKEN = "bench-admin-token-for-limits"
SECRET = "the-right-secret"
MIB = 1 << 20


def memory_kb(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                fields[key] = int(value.split()[0])
    return fields


def post(port, path, headers, size, results, key, method="POST"):
    """Sends a request announcing and then sending `size` bytes; records the status line."""
    started = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=120) as s:
            head = f"{method} {path} HTTP/1.1\r\nHost: bench\r\nContent-Length: {size}\r\n"
            head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
            s.sendall(head.encode())
            chunk = b"x" * (256 * 1024)
            sent = 0
            try:
                while sent < size:
                    n = min(len(chunk), size - sent)
                    s.sendall(chunk[:n])
                    sent += n
            except OSError:
                pass  # refused early: the server stopped reading
            answer = b""
            try:
                while b"\r\n" not in answer:
                    data = s.recv(4096)
                    if not data:
                        break
                    answer += data
            except OSError:
                pass
            status = answer.split(b"\r\n", 1)[0].decode(errors="replace") or "no answer"
    except OSError as e:
        status = f"error: {e}"
    results.setdefault(key, []).append((status, round(time.monotonic() - started, 2)))


def idle_connections(port, count):
    held = []
    for _ in range(count):
        try:
            held.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        except OSError:
            break
    return held


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()

    sandbox = Sandbox("--limits", "off")
    admin_port, hook_port = free_port(), free_port()
    bot = Bot(sandbox, env={"COREBOT_MODE": "webhook",
                            "COREBOT_WEBHOOK_URL": f"http://127.0.0.1:{hook_port}/telegram",
                            "COREBOT_WEBHOOK_LISTEN": f"127.0.0.1:{hook_port}",
                            "COREBOT_WEBHOOK_SECRET": SECRET,
                            "COREBOT_ADMIN_LISTEN": f"127.0.0.1:{admin_port}",
                            "COREBOT_ADMIN_TOKEN": ADMIN_TOKEN,
                            "COREBOT_LOG_LEVEL": "warn"})
    try:
        wait_for(lambda: http("GET", f"http://127.0.0.1:{admin_port}/health")[0] == 200,
                 "the admin endpoint")
        wait_for(lambda: [c for c in sandbox.calls() if c["method"] == "setWebhook" and c["ok"]],
                 "setWebhook")
        sandbox.message(1001, "/start")  # the engine at work once, as in production
        wait_for(lambda: [m for m in sandbox.chat(1001) if m.get("from_bot")], "the reply")
        before = memory_kb(bot.proc.pid)

        results = {}
        held = idle_connections(admin_port, 300)
        threads = [threading.Thread(target=post, args=(
            admin_port, "/admin/broadcast", {"Authorization": "Bearer wrong"}, 60 * MIB, results,
            "admin 60 MiB, wrong token")) for _ in range(4)]
        threads += [threading.Thread(target=post, args=(
            hook_port, "/telegram", {"X-Telegram-Bot-Api-Secret-Token": "wrong"}, MIB, results,
            "webhook 1 MiB, wrong secret")) for _ in range(64)]
        threads.append(threading.Thread(target=post, args=(
            admin_port, "/health", {}, 2 * MIB, results, "GET /health with 2 MiB", "GET")))
        started = time.monotonic()
        for t in threads:
            t.start()
        # Let the idle connections go first (they hold the admin port's slots until released).
        for s in held:
            s.close()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        after = memory_kb(bot.proc.pid)
        alive = bot.proc.poll() is None
        figures = {
            "date": time.strftime("%Y-%m-%d"),
            "binary": os.path.abspath(os.environ.get("COREBOT_BIN", "build/src/cli/corebot")),
            "peak_rss_mb_before": round(before["VmHWM"] / 1024, 1),
            "peak_rss_mb_after": round(after["VmHWM"] / 1024, 1),
            "rss_mb_after": round(after["VmRSS"] / 1024, 1),
            "idle_connections_opened": len(held),
            "attack_seconds": round(elapsed, 2),
            "engine_alive": alive,
            "answers": {k: sorted({s for s, _ in v}) for k, v in results.items()},
            "slowest_answer_s": {k: max(t for _, t in v) for k, v in results.items()},
        }
        print(json.dumps(figures, indent=2))
        if args.json:
            with open(args.json, "w") as f:
                json.dump(figures, f, indent=2)
                f.write("\n")
    finally:
        bot.close()
        sandbox.close()


if __name__ == "__main__":
    main()
