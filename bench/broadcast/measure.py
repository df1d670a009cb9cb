"""Process footprint from /proc and summary statistics.

RSS and CPU are summed over the bot's process tree (a peer may spawn helpers), read from
/proc/<pid>/status (VmHWM: peak resident set; VmRSS: current) and /proc/<pid>/stat (utime+stime).
"""
import os

CLK_TCK = os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list:
    kids = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as f:
                kids += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return kids


def process_tree(pid: int) -> list:
    """pid and all its live descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += _children(p)
    return out


def status_kb(pid: int, field: str) -> int:
    """A /proc/PID/status field in kB (VmRSS, VmHWM...); 0 when the process is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime (fields 14, 15)
    except (OSError, IndexError, ValueError):
        return 0.0


class Footprint:
    """Tracks a process tree: peak RSS (sum of VmHWM) and CPU seconds, sampled until it exits.

    Sampling keeps the last good figures, so a child that exited before the end still counts.
    """

    def __init__(self, pid: int):
        self.pid = pid
        self.seen = {}  # pid -> (hwm_kb, rss_kb, cpu_s)

    def sample(self):
        for p in process_tree(self.pid):
            hwm = status_kb(p, "VmHWM")
            if hwm:
                self.seen[p] = (hwm, status_kb(p, "VmRSS"), _cpu_seconds(p))

    @property
    def peak_rss_mb(self) -> float:
        return sum(v[0] for v in self.seen.values()) / 1024

    @property
    def rss_mb(self) -> float:
        return sum(v[1] for v in self.seen.values()) / 1024

    @property
    def cpu_seconds(self) -> float:
        return sum(v[2] for v in self.seen.values())

    @property
    def processes(self) -> int:
        return len(self.seen)


def percentile(sorted_values: list, q: float):
    """Nearest-rank percentile (q in 0..100) of an already sorted list; None when empty."""
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * q // 100))  # ceil(n*q/100)
    return sorted_values[int(rank) - 1]


def latency_summary(latencies_ms: list) -> dict:
    s = sorted(latencies_ms)
    return {
        "count": len(s),
        "p50_ms": percentile(s, 50),
        "p95_ms": percentile(s, 95),
        "p99_ms": percentile(s, 99),
        "max_ms": s[-1] if s else None,
    }
