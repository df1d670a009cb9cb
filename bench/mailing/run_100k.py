#!/usr/bin/env python3
"""A mailing to 100,000 known users, with the engine's memory sampled every 100 ms (issue 16).

  python3 bench/mailing/run_100k.py                    # 100,000 users, paid broadcast at 1000/s
  python3 bench/mailing/run_100k.py --users 20000      # a quicker look

What it does, in one corebot-sandbox process (limits on, 1000 sends/s: the paid rate):
1. The sandbox knows N users who "started the bot earlier" (POST /control/users).
2. Prepare: `corebot run` once; the first of those users sends /start, so the engine itself creates
   its SQLite file, its `users` collection and that user's document; the engine is stopped.
3. Seed: the other N-1 users are written into the engine's `users` table in one transaction, each a
   copy of the document the engine wrote in step 2 with its own id, names and username. This is
   what the engine's UserTracker would write had each of them sent one message, without spending
   minutes of this shared machine's CPU on N updates (and without their replies, which the
   sandbox would rate-limit to 30/s), and it keeps the ingestion's own memory out of the figure.
4. Measure: a fresh `corebot run` on that file, paid broadcast on; once its admin API answers, a
   mailing to "all" through POST /admin/broadcast, as an owner (or `corebot broadcast`) starts one.
   RSS and PSS (/proc/PID/smaps_rollup) are sampled every 100 ms until the mailing is done.

Reported: peak RSS and PSS while the mailing runs, the process's VmHWM (start-up included), RSS
before the mailing (after the engine's start-up trim), the mailing's duration (the
engine's started_ms -> finished_ms, and the wall time from the request), delivered (the sandbox's count
of bot messages to those chats), 429s. Result: bench/results/mailing_100k.json. Docs:
docs/benchmarks.md, "Memory per item and the 100,000-recipient mailing".
"""
import argparse
import datetime
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "broadcast"))

import bots  # noqa: E402
from measure import status_kb  # noqa: E402
from sandbox import Client, Sandbox, SandboxError  # noqa: E402

SANDBOX_BIN = os.path.join(bots.ROOT, "build", "src", "sandbox", "corebot-sandbox")
RESULTS = os.path.join(bots.ROOT, "bench", "results", "mailing_100k.json")
FIRST = 3_000_000  # user ids FIRST .. FIRST+N-1
MAILING_ID = "bench100k"
SAMPLE_S = 0.1
SETTLE_S = 5.0


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MemorySampler(threading.Thread):
    """RSS and PSS of one process from /proc/PID/smaps_rollup every 100 ms, until stopped."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.stop_event = threading.Event()
        self.samples = []  # (t_s since start, rss_kb, pss_kb)
        self.start_t = time.monotonic()

    def read(self):
        out = {}
        try:
            with open(f"/proc/{self.pid}/smaps_rollup", encoding="ascii") as f:
                for line in f:
                    parts = line.split()
                    if len(parts) >= 2 and parts[0] in ("Rss:", "Pss:"):
                        out[parts[0][:-1]] = int(parts[1])
        except OSError:
            return None
        return out

    def run(self):
        while not self.stop_event.is_set():
            m = self.read()
            if m:
                self.samples.append((round(time.monotonic() - self.start_t, 2), m.get("Rss", 0),
                                     m.get("Pss", 0)))
            self.stop_event.wait(SAMPLE_S)

    def stop(self):
        self.stop_event.set()
        self.join(5)


def start_engine(workdir: str, api_root: str, admin_port: int, tag: str) -> subprocess.Popen:
    """`corebot run` as bench/broadcast/bots.py starts it for --paid: 30/s free, paid on."""
    params = bots.RunParams(api_root=api_root, admin_id=900, recipients_file="", rate=30,
                            paid=True, admin_port=admin_port)
    config = bots.corebot_config(workdir, params)
    env = dict(os.environ)
    env.update({
        "BOT_TOKEN": bots.TOKEN,
        "COREBOT_API_URL": api_root,
        "COREBOT_STORE_URI": f"sqlite:///{workdir}/bot.db",
        "COREBOT_ADMIN_LISTEN": f"127.0.0.1:{admin_port}",
        "COREBOT_ADMIN_TOKEN": bots.ADMIN_TOKEN,
        "COREBOT_LOG_LEVEL": "info",
    })
    log = open(os.path.join(workdir, f"bot-{tag}.log"), "wb")
    proc = subprocess.Popen([bots.COREBOT, "run", "--config", config], cwd=workdir, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    proc.log_path = log.name
    log.close()
    return proc


def admin(port: int, method: str, path: str, body=None):
    client = Client(port, timeout=60)
    try:
        return client.request(method, path, body,
                              headers={"Authorization": f"Bearer {bots.ADMIN_TOKEN}"})
    finally:
        client.close()


def wait_admin(port: int, proc, timeout_s: float = 30.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"engine exited with {proc.returncode}: {bots.log_tail(proc)}")
        try:
            status, _ = admin(port, "GET", "/admin/broadcast")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"admin API not up within {timeout_s:.0f} s: {bots.log_tail(proc)}")


def prepare(workdir: str, sandbox: Sandbox) -> dict:
    """The engine writes the first user's document itself; returns that document."""
    port = free_port()
    proc = start_engine(workdir, sandbox.api_root, port, "prepare")
    db = os.path.join(workdir, "bot.db")
    try:
        wait_admin(port, proc)
        sandbox.message(FIRST, "/start")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with sqlite3.connect(db, timeout=5) as con:
                    row = con.execute("SELECT doc FROM c_users WHERE id = ?",
                                      (str(FIRST),)).fetchone()
                if row:
                    return json.loads(row[0])
            except sqlite3.OperationalError:
                pass  # the table is not there yet
            time.sleep(0.2)
        raise RuntimeError(f"the engine wrote no user document: {bots.log_tail(proc)}")
    finally:
        bots.stop(proc)


def seed(workdir: str, template: dict, n: int):
    """Users FIRST+1 .. FIRST+n-1, each the engine's own document with its id and names."""
    db = os.path.join(workdir, "bot.db")
    rows = []
    for i in range(1, n):
        uid = FIRST + i
        doc = dict(template)
        doc["_id"] = uid
        doc["first_name"] = f"User{i}"
        if "last_name" in doc:
            doc["last_name"] = f"Bench{i}"
        doc["username"] = f"user{uid}"
        doc["username_lc"] = f"user{uid}"
        rows.append((json.dumps(uid), json.dumps(doc, separators=(",", ":"), ensure_ascii=False)))
    con = sqlite3.connect(db, timeout=30)
    with con:
        con.executemany("INSERT INTO c_users (id, doc) VALUES (?, ?)", rows)
    count = con.execute("SELECT count(*) FROM c_users").fetchone()[0]
    con.close()
    if count != n:
        raise RuntimeError(f"seeded users: {count}, expected {n}")


def measure(workdir: str, sandbox: Sandbox, n: int, timeout_s: float) -> dict:
    before = sandbox.stats(FIRST, FIRST + n - 1)
    port = free_port()
    proc = start_engine(workdir, sandbox.api_root, port, "measure")
    sampler = MemorySampler(proc.pid)
    sampler.start()
    try:
        wait_admin(port, proc)
        # Settle past the engine's start-up trim (3 s after start, core/trim_memory.hpp), so the
        # mailing's own peak is not hidden under the pages start-up touched; VmHWM keeps both.
        time.sleep(SETTLE_S)
        idle = sampler.read() or {}
        mailing_from = len(sampler.samples)
        started = time.monotonic()
        status, answer = admin(port, "POST", "/admin/broadcast",
                               {"id": MAILING_ID, "text": "news", "to": "all", "paid": True})
        if status != 202:
            raise RuntimeError(f"admin API answered {status}: {answer}")
        mailing = answer["result"]
        deadline = started + timeout_s
        while time.monotonic() < deadline and proc.poll() is None:
            status, answer = admin(port, "GET", f"/admin/broadcast/{MAILING_ID}")
            if status == 200:
                mailing = answer["result"]
                if mailing.get("done"):
                    break
            time.sleep(1.0)
        wall_s = time.monotonic() - started
        time.sleep(0.5)
        after = sampler.read() or {}
        hwm_kb = status_kb(proc.pid, "VmHWM")
    finally:
        sampler.stop()
        bots.stop(proc)
    stats = sandbox.stats(FIRST, FIRST + n - 1)
    delivered = stats["bot_messages"] - before["bot_messages"]
    during = sampler.samples[mailing_from:] or [(0, 0, 0)]
    peak = max(during, key=lambda s: s[1])
    start_peak = max((s[1] for s in sampler.samples[:mailing_from]), default=0)
    duration_s = None
    if mailing.get("finished_ms") and mailing.get("started_ms"):
        duration_s = (mailing["finished_ms"] - mailing["started_ms"]) / 1000
    return {
        "status": mailing.get("status"),
        "total": mailing.get("total"),
        "sent": mailing.get("sent"),
        "blocked": mailing.get("blocked"),
        "failed": mailing.get("failed"),
        "left": mailing.get("left"),
        "delivered": delivered,
        "duplicates": max(0, delivered - n),
        "too_many_requests": stats["too_many_requests"] - before["too_many_requests"],
        "duration_s": duration_s,
        "wall_s": round(wall_s, 1),
        "rss_before_mailing_mb": round(idle.get("Rss", 0) / 1024, 1),
        "pss_before_mailing_mb": round(idle.get("Pss", 0) / 1024, 1),
        "peak_rss_mb": round(peak[1] / 1024, 1),  # while the mailing ran
        "peak_rss_at_s": peak[0],  # seconds since the engine started
        "peak_pss_mb": round(max(s[2] for s in during) / 1024, 1),
        "peak_rss_start_up_mb": round(start_peak / 1024, 1),
        "vmhwm_mb": round(hwm_kb / 1024, 1),
        "rss_after_mailing_mb": round(after.get("Rss", 0) / 1024, 1),
        "samples": len(sampler.samples),
        # Every 10th sample (1 s apart): the curve, small enough to keep in the JSON.
        "rss_curve_mb": [[s[0], round(s[1] / 1024, 1)] for s in sampler.samples[::10]],
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--users", type=int, default=100_000)
    p.add_argument("--rate", type=int, default=1000, help="the sandbox's (paid) rate per second")
    p.add_argument("--timeout", type=float, default=900.0)
    p.add_argument("--out", default=RESULTS)
    p.add_argument("--keep", action="store_true", help="keep the work folder")
    args = p.parse_args(argv)
    for binary in (bots.COREBOT, SANDBOX_BIN):
        if not os.access(binary, os.X_OK):
            print(f"{binary} not built: ninja -C build corebot corebot-sandbox", file=sys.stderr)
            return 2
    workdir = tempfile.mkdtemp(prefix="mailing100k-")
    sandbox = Sandbox(SANDBOX_BIN, workdir, limits=True, global_rate=args.rate)
    try:
        sandbox.add_users(FIRST, args.users)
        t0 = time.monotonic()
        template = prepare(workdir, sandbox)
        seed(workdir, template, args.users)
        seed_s = time.monotonic() - t0
        result = measure(workdir, sandbox, args.users, args.timeout)
    except (SandboxError, RuntimeError, OSError) as e:
        print(f"failed: {e}; work folder {workdir}", file=sys.stderr)
        return 1
    finally:
        sandbox.close()
    if args.keep:
        result["workdir"] = workdir
    git = subprocess.run(["git", "-C", bots.ROOT, "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True, check=False).stdout.strip()
    out = {
        "what": "a mailing to every known user (POST /admin/broadcast to=all, paid broadcast), "
                "corebot run on SQLite against corebot-sandbox",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": git,
        "users": args.users,
        "sandbox_rate": args.rate,
        "prepare_and_seed_s": round(seed_s, 1),
        "target_rss_mb": 64,
        **result,
    }
    # The whole process's peak (VmHWM: start-up included) must stay under the target.
    out["met"] = bool(max(out["peak_rss_mb"], out["vmhwm_mb"]) <= 64
                      and out["delivered"] >= args.users)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    summary = {k: v for k, v in out.items() if k != "rss_curve_mb"}
    print(json.dumps(summary, indent=2))
    if not args.keep:
        import shutil
        shutil.rmtree(workdir, ignore_errors=True)
    return 0 if out["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
