"""Throughput in rounds (`run.py --throughput --rounds N`): every bot N times, interleaved.

Why: one throughput run of a bot lasts under a second, and this machine's speed drifts by up to
±10 % from minute to minute (docs/benchmarks.md). A ratio between two bots measured a minute apart
carries that drift; Corebot's ratios to the best peer sat within it. Run in rounds, each bot meets
every drift about as often as the others; a ratio is taken within a round (bots measured seconds
apart), and the table gives every round's ratio and their median, so the spread shows.

Pure functions over the result rows run.py makes; report.py renders them.
"""

import statistics

# Fields of a throughput row that are figures: a bot's row over rounds holds their medians.
MEDIAN_FIELDS = ("queue_s", "replies_per_s", "replies_per_s_from_start", "peak_rss_mb", "cpu_s",
                 "cpu_ms_per_1000", "sandbox_cpu_s", "elapsed_s")


def order_of_round(specs: list, index: int) -> list:
    """The bots of round `index` (from 0): the list rotated by one each round, so no bot always
    runs first (on a machine that just rested) or last."""
    if not specs:
        return []
    k = index % len(specs)
    return specs[k:] + specs[:k]


def median_row(runs: list) -> dict:
    """One bot's row from its runs (one per round): each figure the median over the rounds. A
    run that did not answer everything makes the row that run's, so a failure is never hidden
    behind a median."""
    for r in runs:
        if r.get("status") != "ok":
            return {**r, "rounds": len(runs)}
    row = dict(runs[0])
    row.pop("round", None)
    for field in MEDIAN_FIELDS:
        values = [r[field] for r in runs if r.get(field) is not None]
        if values:
            row[field] = round(statistics.median(values), 2)
    row["too_many_requests"] = max(r.get("too_many_requests", 0) for r in runs)
    row["rounds"] = len(runs)
    return row


def is_corebot(row: dict) -> bool:
    return row["bot"].startswith("corebot")


def ratios(rounds: list) -> dict:
    """For each Corebot variant, its ratios to the best peer within every round:
    {"corebot": [{"round": 1, "cpu": 0.18, "rps": 3.3, "cpu_peer": "telegraf", ...}, ...]}.
    The best peer of a round is, for CPU, the peer with the least CPU per reply, and for
    replies/s the fastest one; only runs that answered everything count. A round without a
    peer that answered everything gives no ratio."""
    out = {}
    for index, rows in enumerate(rounds):
        ok = [r for r in rows if r.get("status") == "ok" and r.get("cpu_ms_per_1000")]
        peers = [r for r in ok if not is_corebot(r)]
        if not peers:
            continue
        cheapest = min(peers, key=lambda r: r["cpu_ms_per_1000"])
        fastest = max(peers, key=lambda r: r["replies_per_s"])
        for r in ok:
            if not is_corebot(r):
                continue
            out.setdefault(r["bot"], []).append({
                "round": index + 1,
                "cpu": round(r["cpu_ms_per_1000"] / cheapest["cpu_ms_per_1000"], 3),
                "cpu_peer": cheapest["bot"],
                "rps": round(r["replies_per_s"] / fastest["replies_per_s"], 2),
                "rps_peer": fastest["bot"],
            })
    return out


def median_ratios(per_round: list) -> dict:
    return {"cpu": round(statistics.median(p["cpu"] for p in per_round), 3),
            "rps": round(statistics.median(p["rps"] for p in per_round), 2)}
