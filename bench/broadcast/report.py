"""Turns bench/results/broadcast.json into progress lines and Markdown tables (docs/benchmarks.md)."""

import rounds


def _f(value, digits=1, suffix=""):
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}{suffix}"
    return f"{value}{suffix}"


def line(scenario: str, r: dict) -> str:
    """One progress line per finished bot run."""
    where = scenario
    if r.get("round"):
        where += f", round {r['round']}"
    elif r.get("rounds"):
        where += f", median of {r['rounds']} rounds"
    head = f"[{where}] {r['bot']}: {r.get('status')}"
    if r.get("status") in ("skipped", "failed"):
        return f"{head} ({r.get('note', '')[:300]})"
    if scenario in ("broadcast", "paid"):
        lat = r.get("latency", {})
        return (f"{head} mailing {_f(r.get('mailing_s'), 2)} s ({_f(r.get('ratio'), 3)}x), "
                f"delivered {r.get('delivered')}/{r.get('recipients')}, p50/p99/max "
                f"{_f(lat.get('p50_ms'))}/{_f(lat.get('p99_ms'))}/{_f(lat.get('max_ms'))} ms, "
                f"lost {r.get('replies_lost')}/{r.get('replies_sent')}, 429s "
                f"{r.get('too_many_requests')}, peak RSS {_f(r.get('peak_rss_mb'))} MB, "
                f"CPU {_f(r.get('cpu_s'), 2)} s")
    if scenario == "throughput":
        return (f"{head} {r.get('replied')}/{r.get('updates')} answered, "
                f"{_f(r.get('replies_per_s'))} replies/s, peak RSS {_f(r.get('peak_rss_mb'))} MB, "
                f"CPU {_f(r.get('cpu_s'), 2)} s")
    return (f"{head} RSS {_f(r.get('rss_mb'))} MB (peak {_f(r.get('peak_rss_mb'))}), "
            f"CPU {_f(r.get('cpu_s'), 2)} s")


def _mailing_table(section: dict) -> list:
    rows = ["| bot | mailing s | × U/rate | delivered | reply p50 / p95 / p99 / max ms | "
            "replies lost | 429s | peak RSS MB | CPU s |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in section["bots"]:
        if r.get("status") in ("skipped", "failed"):
            rows.append(f"| {r['label']} | {r['status']}: {r.get('note', '')[:160]} |||||||| |")
            continue
        lat = r.get("latency", {})
        latency = " / ".join(_f(lat.get(k)) for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms"))
        ratio = _f(r.get("ratio"), 3) if r.get("ratio") is not None else f"({r['status']})"
        rows.append(
            f"| {r['label']} | {_f(r.get('mailing_s'), 2)} | {ratio} | "
            f"{r.get('delivered')}/{r.get('recipients')} | {latency} | "
            f"{r.get('replies_lost')}/{r.get('replies_sent')} | {r.get('too_many_requests')} | "
            f"{_f(r.get('peak_rss_mb'))} | {_f(r.get('cpu_s'), 2)} |")
    return rows


def _throughput_table(section: dict) -> list:
    rows = ["| bot | answered | replies/s (first→last reply) | replies/s (from bot start) | "
            "peak RSS MB | bot CPU s | bot CPU ms per 1000 replies | sandbox CPU s |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in section["bots"]:
        if r.get("status") in ("skipped",) or r.get("replied") is None:
            rows.append(f"| {r['label']} | {r['status']}: {r.get('note', '')[:160]} |||||| |")
            continue
        rows.append(f"| {r['label']} | {r['replied']}/{r['updates']} | {_f(r.get('replies_per_s'))} | "
                    f"{_f(r.get('replies_per_s_from_start'))} | {_f(r.get('peak_rss_mb'))} | "
                    f"{_f(r.get('cpu_s'), 2)} | {_f(r.get('cpu_ms_per_1000'))} | "
                    f"{_f(r.get('sandbox_cpu_s'), 2)} |")
    return rows


def _rounds_table(section: dict) -> list:
    """With --rounds: each Corebot variant's ratios to the best peer, round by round."""
    per_bot = rounds.ratios(section.get("rounds") or [])
    if not per_bot:
        return []
    n = len(section["rounds"])
    labels = {r["bot"]: r["label"] for each in section["rounds"] for r in each}
    rows = ["", f"Medians of {n} rounds, each bot once a round in a rotating order. Ratios to the "
            "best peer of the same round (CPU: the cheapest; replies/s: the fastest), "
            "CPU per reply × / replies/s ×:", "",
            "| bot | " + " | ".join(f"round {i + 1}" for i in range(n)) + " | median |",
            "| --- |" + " ---: |" * (n + 1)]
    for bot, per_round in per_bot.items():
        cells = {p["round"]: f"{p['cpu']:.3f} / {p['rps']:.2f}" for p in per_round}
        median = rounds.median_ratios(per_round)
        rows.append(f"| {labels[bot]} | " + " | ".join(cells.get(i + 1, "–") for i in range(n)) +
                    f" | {median['cpu']:.3f} / {median['rps']:.2f} |")
    return rows


def _idle_table(section: dict) -> list:
    rows = ["| bot | RSS MB after start | peak RSS MB | CPU s (start + idle) |",
            "| --- | ---: | ---: | ---: |"]
    for r in section["bots"]:
        if r.get("status") != "ok":
            rows.append(f"| {r['label']} | {r['status']}: {r.get('note', '')[:160]} || |")
            continue
        rows.append(f"| {r['label']} | {_f(r.get('rss_mb'))} | {_f(r.get('peak_rss_mb'))} | "
                    f"{_f(r.get('cpu_s'), 2)} |")
    return rows


def markdown(results: dict) -> str:
    parts = []
    titles = {"broadcast": "Broadcast under load", "paid": "Paid broadcast",
              "throughput": "Throughput", "idle": "Idle footprint"}
    builders = {"broadcast": _mailing_table, "paid": _mailing_table,
                "throughput": lambda s: _throughput_table(s) + _rounds_table(s),
                "idle": _idle_table}
    for key, title in titles.items():
        section = results.get(key)
        if not section:
            continue
        m = section.get("machine", {})
        head = [f"### {title}", "",
                f"{section.get('date')} · {m.get('nproc')} cores · {m.get('cpu')} · "
                f"{m.get('mem_gib')} GiB · Debian {m.get('debian')} · commit {m.get('commit')}"]
        if "recipients" in section:
            head.append(f"{section['recipients']} recipients at {section['rate']}/s; "
                        f"load {section['load']}")
        if "updates" in section:
            head.append(f"{section['updates']} /start updates queued, limits off")
        parts += head + [""] + builders[key](section) + [""]
    return "\n".join(parts)
