"""What a bot's start-up costs in CPU, for reading the throughput table's "CPU µs per reply".

Why: run.py --throughput divides the bot's whole CPU (start to last reply) by 20,000 replies, so
start-up is in every figure. Node's start-up is not small, so this says how much of each bot's
per-reply figure it is. Each bot starts against an idle sandbox (no updates), and its CPU is read
at 0.5, 1, 2 and 3 s; a flat series means start-up is over. The kernel counts CPU in 10 ms ticks.

  python3 bench/broadcast/startup_cpu.py [--bots corebot,telegraf] [--starts 3] [--out X.json]
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time

import bots
import run
from measure import Footprint
from sandbox import Sandbox

READ_AT_S = (0.5, 1.0, 2.0, 3.0)


def one_start(spec) -> list:
    workdir = tempfile.mkdtemp(prefix="corebot-startup-")
    sandbox = Sandbox(run.SANDBOX_BIN, workdir, limits=False, global_rate=1_000_000)
    proc = None
    try:
        recipients = os.path.join(workdir, "recipients.txt")
        with open(recipients, "w", encoding="ascii") as f:
            f.write("\n")
        params = bots.RunParams(api_root=sandbox.api_root, admin_id=run.ADMIN_ID,
                                recipients_file=recipients, rate=1_000_000,
                                admin_port=run.free_port())
        proc = bots.start(spec, workdir, params)
        footprint = Footprint(proc.pid)
        started = time.monotonic()
        series = []
        for at in READ_AT_S:
            time.sleep(max(0.0, started + at - time.monotonic()))
            footprint.sample()
            series.append(round(footprint.cpu_seconds * 1000, 1))
        return series
    finally:
        if proc is not None:
            bots.stop(proc)
        sandbox.close()
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bots", default="corebot,corebot-nousers,telegraf")
    p.add_argument("--starts", type=int, default=3)
    p.add_argument("--out", help="write the results as JSON here")
    args = p.parse_args()
    results = []
    for name in args.bots.split(","):
        spec = bots.BY_NAME[name]
        reason = spec.missing()
        if reason:
            print(f"{name}: skipped, {reason}")
            continue
        series = [one_start(spec) for _ in range(args.starts)]
        results.append({"bot": name, "label": spec.label, "cpu_ms_at_s": list(READ_AT_S),
                        "starts": series})
        print(f"{spec.label}: CPU ms at {READ_AT_S} s, per start: {series}")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump({"startup_cpu": results}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
