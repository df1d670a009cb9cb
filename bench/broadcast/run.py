#!/usr/bin/env python3
"""Corebot's broadcast-under-load, throughput and footprint benchmarks, side by side with peers.

Every bot (Corebot and each peer script in bench/peers/) runs alone against a fresh
corebot-sandbox process started with the same flags; all figures come from the sandbox's control
API (its timestamps, its call counts) and from /proc, never from the bot's own reports, so every
library is measured the same way.

  python3 bench/broadcast/run.py                 # every scenario, every bot (~15 min)
  python3 bench/broadcast/run.py --broadcast --bots corebot,ptb --recipients 300
  python3 bench/broadcast/run.py --paid          # 20,000 recipients at 1000/s (Corebot only)
  python3 bench/broadcast/run.py --throughput --idle

Results: bench/results/broadcast.json (scenarios not run keep their previous figures) and the same
as Markdown tables in bench/results/broadcast.md. Docs: docs/benchmarks.md.
"""
import argparse
import datetime
import json
import os
import platform
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bots  # noqa: E402
import report  # noqa: E402
import rounds  # noqa: E402
from measure import Footprint, latency_summary  # noqa: E402
from sandbox import Client, Sandbox, SandboxError, new_workdir  # noqa: E402

# COREBOT_BIN (bots.py) and SANDBOX_BIN choose other builds, e.g. to compare allocators.
SANDBOX_BIN = os.environ.get(
    "SANDBOX_BIN", os.path.join(bots.ROOT, "build", "src", "sandbox", "corebot-sandbox"))
RESULTS = os.path.join(bots.ROOT, "bench", "results", "broadcast.json")

# User id ranges (disjoint, so one chat never mixes mailing and replies).
ADMIN_ID = 900
WARMUP_USER = 700
LOAD_FIRST = 500_001
RECIPIENT_FIRST = 1_000_000
THROUGHPUT_FIRST = 2_000_000

POLL_S = 0.25
REPLY_GRACE_S = 10.0
WARMUP_TIMEOUT_S = 30.0


def now_us() -> int:
    """Wall clock in microseconds: the sandbox stamps messages with the same clock."""
    return time.time_ns() // 1000


# Load -----------------------------------------------------------------------------------------

def poisson_schedule(seed: int, rate: float, users: list, min_gap_s: float, horizon_s: float):
    """(offset_s, user) pairs: a Poisson stream of /start at `rate`/s from random users.

    A user who sent /start less than `min_gap_s` ago is not picked again: no person re-sends
    within a second, and Telegram's 1 message/s per private chat would otherwise force any bot's
    second reply to wait a second, which measures the limit rather than the bot.
    """
    rng = random.Random(seed)
    t, last, out = 0.0, {}, []
    while True:
        t += rng.expovariate(rate)
        if t > horizon_s:
            return out
        eligible = [u for u in users if t - last.get(u, -1e9) >= min_gap_s]
        if eligible:
            user = rng.choice(eligible)
            last[user] = t
            out.append((t, user))


class Load(threading.Thread):
    """Sends the scheduled /start messages through the control API until stopped."""

    def __init__(self, sandbox: Sandbox, schedule: list):
        super().__init__(daemon=True)
        self.sandbox = sandbox
        self.schedule = schedule
        self.stop_event = threading.Event()
        self.sent = 0
        self.error = ""

    def run(self):
        client = Client(self.sandbox.port)
        start = time.monotonic()
        try:
            for offset, user in self.schedule:
                delay = start + offset - time.monotonic()
                if self.stop_event.wait(max(0.0, delay)):
                    return
                self.sandbox.message(user, "/start", client=client)
                self.sent += 1
        except (SandboxError, OSError) as e:
            self.error = str(e)
        finally:
            client.close()

    def stop(self):
        self.stop_event.set()
        self.join(10)


# Helpers shared by the scenarios ---------------------------------------------------------------

def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bot_messages(sandbox: Sandbox, chat_id: int) -> list:
    return [m for m in sandbox.chat(chat_id) if m["from_bot"]]


def wait_first_reply(sandbox: Sandbox, proc, fp: Footprint) -> str:
    """Sends /start from a warm-up user and waits for any answer: proves the bot is polling.

    Returns '' when it answered, else why not.
    """
    sandbox.message(WARMUP_USER, "/start")
    deadline = time.monotonic() + WARMUP_TIMEOUT_S
    while time.monotonic() < deadline:
        fp.sample()
        if proc.poll() is not None:
            return f"exited with {proc.returncode} before answering /start: {bots.log_tail(proc)}"
        if bot_messages(sandbox, WARMUP_USER):
            return ""
        time.sleep(0.05)
    return f"no answer to /start within {WARMUP_TIMEOUT_S:.0f} s: {bots.log_tail(proc)}"


def start_mailing(spec, sandbox: Sandbox, params: bots.RunParams, recipients: list) -> str:
    """Corebot: the admin API. Peers: a /broadcast message from the admin user. '' on success."""
    if spec.kind != "corebot":
        sandbox.message(ADMIN_ID, "/broadcast")
        return ""
    admin = Client(params.admin_port)
    try:
        status, answer = admin.request(
            "POST", "/admin/broadcast", {"text": "news", "chat_ids": recipients},
            headers={"Authorization": f"Bearer {bots.ADMIN_TOKEN}"})
    except OSError as e:
        return f"admin API unreachable: {e}"
    finally:
        admin.close()
    if status != 202:
        return f"admin API answered {status}: {answer}"
    return ""


def collect_replies(sandbox: Sandbox, load_users: list) -> tuple:
    """Pairs each /start with the bot's next message in that chat (order is kept per chat).

    Returns (latencies in ms from the update being queued to the reply arriving, starts, lost).
    """
    latencies, starts, lost = [], 0, 0
    for user in load_users:
        messages = sandbox.chat(user)
        asked = [m for m in messages if not m["from_bot"]]
        answered = [m for m in messages if m["from_bot"]]
        starts += len(asked)
        for i, question in enumerate(asked):
            if i < len(answered):
                latencies.append((answered[i]["date_us"] - question["date_us"]) / 1000)
            else:
                lost += 1
    return latencies, starts, lost


def unanswered(sandbox: Sandbox, load_users: list) -> int:
    return collect_replies(sandbox, load_users)[2]


def send_counts(stats: dict) -> dict:
    return stats["calls"].get("sendMessage", {})


def skipped(spec, reason: str) -> dict:
    return {"bot": spec.name, "label": spec.label, "status": "skipped", "note": reason}


# Broadcast under load -------------------------------------------------------------------------

def run_broadcast_bot(spec, args, workroot: str, recipients_n: int, rate: int, paid: bool) -> dict:
    """One bot: mailing to `recipients_n` users at `rate`/s while 20 users send /start."""
    reason = spec.missing()
    if reason:
        return skipped(spec, reason)
    workdir = new_workdir(workroot, spec.name)
    sandbox = Sandbox(SANDBOX_BIN, workdir, limits=True, global_rate=rate)
    proc = load = None
    result = {"bot": spec.name, "label": spec.label, "recipients": recipients_n, "rate": rate}
    try:
        sandbox.add_users(RECIPIENT_FIRST, recipients_n)
        recipients = list(range(RECIPIENT_FIRST, RECIPIENT_FIRST + recipients_n))
        recipients_file = os.path.join(workdir, "recipients.txt")
        with open(recipients_file, "w", encoding="ascii") as f:
            f.write("\n".join(map(str, recipients)) + "\n")
        # Corebot's interactive budget stays at Telegram's 30/s in a paid run (its outbox adds the
        # paid 1000/s for bulk calls only); without --paid it is told the sandbox's rate.
        params = bots.RunParams(api_root=sandbox.api_root, admin_id=ADMIN_ID,
                                recipients_file=recipients_file,
                                rate=30 if (paid and spec.kind == "corebot") else rate,
                                paid=paid, admin_port=free_port())
        proc = bots.start(spec, workdir, params)
        fp = Footprint(proc.pid)
        failure = wait_first_reply(sandbox, proc, fp)
        if failure:
            return {**result, "status": "failed", "note": failure}

        load_users = list(range(LOAD_FIRST, LOAD_FIRST + args.load_users))
        minimum_s = recipients_n / rate
        timeout_s = max(60.0, args.timeout_factor * minimum_s)
        schedule = poisson_schedule(args.seed, args.load_rate, load_users, args.min_gap, timeout_s)
        started_us = now_us()
        failure = start_mailing(spec, sandbox, params, recipients)
        if failure:
            return {**result, "status": "failed", "note": failure}
        load = Load(sandbox, schedule)
        load.start()

        stats = wait_mailing(sandbox, proc, fp, recipients_n, timeout_s)
        load.stop()
        grace_end = time.monotonic() + REPLY_GRACE_S
        while time.monotonic() < grace_end and unanswered(sandbox, load_users):
            fp.sample()
            time.sleep(POLL_S)
        fp.sample()
        stats = sandbox.stats(RECIPIENT_FIRST, RECIPIENT_FIRST + recipients_n - 1)
        latencies, starts, lost = collect_replies(sandbox, load_users)
        result.update(summarise_mailing(stats, started_us, minimum_s, starts, rate))
        result.update({
            "replies_sent": starts,
            "replies_lost": lost,
            "latency": latency_summary(latencies),
            "peak_rss_mb": round(fp.peak_rss_mb, 1),
            "cpu_s": round(fp.cpu_seconds, 2),
            "processes": fp.processes,
        })
        if load.error:
            result["note"] = f"load generator: {load.error}"
        if proc.poll() is not None:
            result["status"] = "failed"
            result["note"] = f"bot exited with {proc.returncode}: {bots.log_tail(proc)}"
        return result
    except (SandboxError, OSError) as e:
        return {**result, "status": "failed", "note": f"{type(e).__name__}: {e}"}
    finally:
        if load is not None and load.is_alive():
            load.stop()
        if proc is not None:
            bots.stop(proc)
        sandbox.close()


def wait_mailing(sandbox: Sandbox, proc, fp: Footprint, recipients_n: int, timeout_s: float):
    """Until every recipient's chat has a bot message, the bot exits, or the timeout."""
    deadline = time.monotonic() + timeout_s
    while True:
        fp.sample()
        stats = sandbox.stats(RECIPIENT_FIRST, RECIPIENT_FIRST + recipients_n - 1)
        if stats["chats_with_bot_messages"] >= recipients_n:
            return stats
        if proc.poll() is not None or time.monotonic() > deadline:
            return stats
        time.sleep(POLL_S)


def summarise_mailing(stats: dict, started_us: int, minimum_s: float, replies: int,
                      rate: int) -> dict:
    """Mailing time from the trigger to the last recipient's message, against U / rate."""
    recipients_n = stats["chats"]
    delivered = stats["chats_with_bot_messages"]
    done = delivered >= recipients_n
    mailing_s = (stats["last_bot_message_us"] - started_us) / 1e6 if delivered else None
    return {
        "status": "ok" if done else "timeout",
        "delivered": delivered,
        "duplicates": stats["bot_messages"] - delivered,
        "mailing_s": round(mailing_s, 3) if mailing_s is not None else None,
        "minimum_s": round(minimum_s, 3),
        # Replies take global slots too: the least time in which both can be sent.
        "minimum_with_replies_s": round((recipients_n + replies) / rate, 3),
        "ratio": round(mailing_s / minimum_s, 4) if done else None,
        "too_many_requests": stats["too_many_requests"],
        "send_calls": send_counts(stats),
    }


# Throughput -----------------------------------------------------------------------------------

def run_throughput_bot(spec, args, workroot: str) -> dict:
    """One bot: N /start updates queued first, then the bot started; limits off."""
    reason = spec.missing()
    if reason:
        return skipped(spec, reason)
    n = args.updates
    workdir = new_workdir(workroot, spec.name)
    sandbox = Sandbox(SANDBOX_BIN, workdir, limits=False, global_rate=1_000_000)
    proc = perf = None
    result = {"bot": spec.name, "label": spec.label, "updates": n}
    try:
        t0 = time.monotonic()
        for i in range(n):
            sandbox.message(THROUGHPUT_FIRST + i, "/start")
        result["queue_s"] = round(time.monotonic() - t0, 2)
        recipients_file = os.path.join(workdir, "recipients.txt")
        with open(recipients_file, "w", encoding="ascii") as f:
            f.write("\n")
        params = bots.RunParams(api_root=sandbox.api_root, admin_id=ADMIN_ID,
                                recipients_file=recipients_file, rate=1_000_000,
                                admin_port=free_port())
        started_us = now_us()
        proc = bots.start(spec, workdir, params)
        perf = start_perf(args, spec, proc.pid)
        fp = Footprint(proc.pid)
        # The sandbox shares the 2 cores: its CPU tells whether it, not the bot, was the limit.
        sandbox_fp = Footprint(sandbox.proc.pid)
        sandbox_fp.sample()
        sandbox_cpu_before = sandbox_fp.cpu_seconds
        deadline = time.monotonic() + args.throughput_timeout
        while True:
            fp.sample()
            sandbox_fp.sample()
            stats = sandbox.stats(THROUGHPUT_FIRST, THROUGHPUT_FIRST + n - 1)
            replied = stats["chats_with_bot_messages"]
            if replied >= n or proc.poll() is not None or time.monotonic() > deadline:
                break
            time.sleep(POLL_S)
        fp.sample()
        first, last = stats["first_bot_message_us"], stats["last_bot_message_us"]
        result.update({
            "status": "ok" if replied >= n else ("failed" if proc.poll() is not None else "timeout"),
            "replied": replied,
            "replies_per_s": round((replied - 1) / ((last - first) / 1e6), 1) if replied > 1 else None,
            "replies_per_s_from_start": round(replied / ((last - started_us) / 1e6), 1) if replied else None,
            "too_many_requests": stats["too_many_requests"],
            "peak_rss_mb": round(fp.peak_rss_mb, 1),
            "cpu_s": round(fp.cpu_seconds, 2),
            "cpu_ms_per_1000": round(fp.cpu_seconds * 1e6 / replied, 1) if replied else None,
            "sandbox_cpu_s": round(sandbox_fp.cpu_seconds - sandbox_cpu_before, 2),
            "elapsed_s": round((last - started_us) / 1e6, 2) if replied else None,
        })
        if proc.poll() is not None:
            result["note"] = f"bot exited with {proc.returncode}: {bots.log_tail(proc)}"
        elif replied < n:
            result["note"] = f"{replied} of {n} answered within {args.throughput_timeout:.0f} s"
        return result
    except (SandboxError, OSError) as e:
        return {**result, "status": "failed", "note": f"{type(e).__name__}: {e}"}
    finally:
        if perf is not None:
            perf.send_signal(signal.SIGINT)
            perf.wait(timeout=60)
        if proc is not None:
            bots.stop(proc)
        sandbox.close()


def start_perf(args, spec, pid: int):
    """With --perf DIR: samples the bot's stacks (perf record, DWARF unwinding, since the build
    keeps no frame pointers) into DIR/<bot>.perf.data for bench/flamegraph.py. Sampling costs the
    bot CPU, so a run with --perf gives a profile, not figures for the tables."""
    if not args.perf:
        return None
    os.makedirs(args.perf, exist_ok=True)
    out = os.path.join(args.perf, f"{spec.name}.perf.data")
    # System-wide (-a): `-p` attaches only to the threads alive at that moment, and the engine
    # starts its workers later. bench/flamegraph.py keeps the bot's process (--pid).
    with open(out + ".pid", "w", encoding="ascii") as f:
        f.write(str(pid))
    return subprocess.Popen(["perf", "record", "-q", "-a", "-F", "1999", "--call-graph",
                             "dwarf,16384", "-o", out], stdout=subprocess.DEVNULL)


# Idle footprint -------------------------------------------------------------------------------

def run_idle_bot(spec, args, workroot: str) -> dict:
    """One bot: started, one /start answered, then left idle; RSS and CPU afterwards."""
    reason = spec.missing()
    if reason:
        return skipped(spec, reason)
    workdir = new_workdir(workroot, spec.name)
    sandbox = Sandbox(SANDBOX_BIN, workdir, limits=True, global_rate=30)
    proc = None
    result = {"bot": spec.name, "label": spec.label}
    try:
        recipients_file = os.path.join(workdir, "recipients.txt")
        with open(recipients_file, "w", encoding="ascii") as f:
            f.write("\n")
        params = bots.RunParams(api_root=sandbox.api_root, admin_id=ADMIN_ID,
                                recipients_file=recipients_file, rate=30, admin_port=free_port())
        proc = bots.start(spec, workdir, params)
        fp = Footprint(proc.pid)
        failure = wait_first_reply(sandbox, proc, fp)
        if failure:
            return {**result, "status": "failed", "note": failure}
        end = time.monotonic() + args.idle_seconds
        while time.monotonic() < end:
            fp.sample()
            time.sleep(POLL_S)
        fp.sample()
        result.update({"status": "ok", "rss_mb": round(fp.rss_mb, 1),
                       "peak_rss_mb": round(fp.peak_rss_mb, 1), "cpu_s": round(fp.cpu_seconds, 2),
                       "idle_s": args.idle_seconds})
        return result
    except (SandboxError, OSError) as e:
        return {**result, "status": "failed", "note": f"{type(e).__name__}: {e}"}
    finally:
        if proc is not None:
            bots.stop(proc)
        sandbox.close()


# Driver ---------------------------------------------------------------------------------------

def machine() -> dict:
    """What the figures were measured on."""
    model = ""
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as f:
        mem_kb = int(f.readline().split()[1])
    try:
        with open("/etc/debian_version", encoding="utf-8") as f:
            debian = f.read().strip()
    except OSError:
        debian = ""
    commit = subprocess.run(["git", "-C", bots.ROOT, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True, check=False).stdout.strip()
    node = subprocess.run(["node", "--version"], capture_output=True, text=True,
                          check=False).stdout.strip() if _has("node") else ""
    return {"nproc": os.cpu_count(), "cpu": model, "mem_gib": round(mem_kb / 1024 / 1024, 1),
            "debian": debian, "kernel": platform.release(), "python": platform.python_version(),
            "node": node, "commit": commit}


def _has(program: str) -> bool:
    return any(os.access(os.path.join(p, program), os.X_OK)
               for p in os.environ.get("PATH", "").split(os.pathsep))


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    # Variants (a Corebot with a config tweak) run only when named.
    p.add_argument("--bots", default=",".join(b.name for b in bots.BOTS if not b.config),
                   help="comma-separated: " + ", ".join(b.name for b in bots.BOTS))
    p.add_argument("--broadcast", action="store_true", help="run the broadcast-under-load benchmark")
    p.add_argument("--paid", action="store_true", help="run the 1000/s paid-broadcast benchmark")
    p.add_argument("--throughput", action="store_true", help="run the limits-off throughput benchmark")
    p.add_argument("--idle", action="store_true", help="measure the idle footprint")
    p.add_argument("--recipients", type=int, default=1500, help="broadcast recipients (1500)")
    p.add_argument("--rate", type=int, default=50, help="sandbox global sends/s (50)")
    p.add_argument("--paid-recipients", type=int, default=20000)
    p.add_argument("--paid-rate", type=int, default=1000)
    p.add_argument("--paid-bots", default="corebot", help="bots for --paid (corebot)")
    p.add_argument("--updates", type=int, default=20000, help="throughput: /start updates (20000)")
    p.add_argument("--rounds", type=int, default=1,
                   help="throughput: every bot N times, interleaved; rows are medians, ratios to "
                        "the best peer are taken within each round (bench/broadcast/rounds.py)")
    p.add_argument("--throughput-timeout", type=float, default=90.0)
    p.add_argument("--perf", metavar="DIR", help="throughput: record each bot's stacks with perf "
                   "into DIR (for bench/flamegraph.py; the run's figures then include perf's cost)")
    p.add_argument("--load-users", type=int, default=20)
    p.add_argument("--load-rate", type=float, default=2.0, help="/start per second, all users")
    p.add_argument("--min-gap", type=float, default=1.5, help="s between two /start of one user")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--timeout-factor", type=float, default=2.5,
                   help="a mailing is abandoned after this many times U / rate (at least 60 s)")
    p.add_argument("--idle-seconds", type=float, default=5.0)
    p.add_argument("--out", default=RESULTS)
    args = p.parse_args(argv)
    if not (args.broadcast or args.paid or args.throughput or args.idle):
        args.broadcast = args.paid = args.throughput = args.idle = True
    return args


def select(names: str) -> list:
    chosen = []
    for name in filter(None, (n.strip() for n in names.split(","))):
        if name not in bots.BY_NAME:
            sys.exit(f"unknown bot '{name}'; known: {', '.join(bots.BY_NAME)}")
        chosen.append(bots.BY_NAME[name])
    return chosen


def section(out: dict, key: str, settings: dict) -> dict:
    """The results section for a scenario. Rerunning some bots with the same settings replaces
    only their rows (so one peer can be rerun); other settings start the section afresh."""
    old = out.get(key)
    if old and all(old.get(k) == v for k, v in settings.items()):
        return old
    out[key] = {**settings, "bots": []}
    return out[key]


def record(sec: dict, scenario: str, result: dict, common: dict):
    sec["bots"] = [b for b in sec["bots"] if b["bot"] != result["bot"]] + [result]
    sec["bots"].sort(key=lambda b: [s.name for s in bots.BOTS].index(b["bot"]))
    sec.update(common)  # the date and machine of the latest rows
    print(report.line(scenario, result), flush=True)


def run_all(args, specs, out: dict, workroot: str):
    """Runs the chosen scenarios bot by bot, printing one line per bot as it finishes."""
    common = {"date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
              "machine": machine()}
    if args.broadcast:
        sec = section(out, "broadcast", {"recipients": args.recipients, "rate": args.rate,
                                         "load": load_settings(args)})
        for spec in specs:
            r = run_broadcast_bot(spec, args, workroot, args.recipients, args.rate, paid=False)
            record(sec, "broadcast", r, common)
    if args.paid:
        sec = section(out, "paid", {"recipients": args.paid_recipients, "rate": args.paid_rate,
                                    "load": load_settings(args)})
        for spec in select(args.paid_bots):
            r = run_broadcast_bot(spec, args, workroot, args.paid_recipients, args.paid_rate,
                                  paid=True)
            record(sec, "paid", r, common)
    if args.throughput and args.rounds > 1:
        run_throughput_rounds(args, specs, out, workroot, common)
    elif args.throughput:
        sec = section(out, "throughput", {"updates": args.updates})
        for spec in specs:
            record(sec, "throughput", run_throughput_bot(spec, args, workroot), common)
    if args.idle:
        sec = section(out, "idle", {"idle_seconds": args.idle_seconds})
        for spec in specs:
            record(sec, "idle", run_idle_bot(spec, args, workroot), common)


def run_throughput_rounds(args, specs, out: dict, workroot: str, common: dict):
    """--rounds N: every bot N times, the order rotated each round; every run is kept under
    "rounds", and each bot's row holds its medians (bench/broadcast/rounds.py says why)."""
    sec = out["throughput"] = {"updates": args.updates, "rounds_asked": args.rounds, "bots": []}
    sec["rounds"] = []
    names = [s.name for s in bots.BOTS]
    for index in range(args.rounds):
        runs = []
        for spec in rounds.order_of_round(specs, index):
            r = run_throughput_bot(spec, args, workroot)
            r["round"] = index + 1
            print(report.line("throughput", r), flush=True)
            runs.append(r)
        sec["rounds"].append(sorted(runs, key=lambda r: names.index(r["bot"])))
    for spec in specs:
        runs = [r for each in sec["rounds"] for r in each if r["bot"] == spec.name]
        record(sec, "throughput", rounds.median_row(runs), common)


def load_settings(args) -> dict:
    return {"users": args.load_users, "per_second": args.load_rate, "seed": args.seed,
            "min_gap_s": args.min_gap}


def main(argv=None) -> int:
    args = parse_args(argv)
    if not os.access(SANDBOX_BIN, os.X_OK):
        sys.exit(f"{SANDBOX_BIN} not found: build it with `bash scripts/build.sh corebot corebot-sandbox`")
    specs = select(args.bots)
    out = {}
    if os.path.exists(args.out):  # keep the figures of scenarios not run this time
        with open(args.out, encoding="utf-8") as f:
            out = json.load(f)
    with tempfile.TemporaryDirectory(prefix="corebot-bench-") as workroot:
        try:
            run_all(args, specs, out, workroot)
        finally:
            os.makedirs(os.path.dirname(args.out), exist_ok=True)
            with open(args.out, "w", encoding="utf-8") as f:
                json.dump(out, f, indent=2)
                f.write("\n")
            md = report.markdown(out)
            with open(os.path.splitext(args.out)[0] + ".md", "w", encoding="utf-8") as f:
                f.write(md)
    print()
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
