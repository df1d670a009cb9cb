"""Tests of bench/broadcast/rounds.py (run by CTest as bench.rounds)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import rounds  # noqa: E402


def row(bot, cpu, rps, status="ok", **extra):
    return {"bot": bot, "label": bot, "status": status, "replied": 20000, "updates": 20000,
            "cpu_ms_per_1000": cpu, "replies_per_s": rps, "cpu_s": cpu / 50,
            "too_many_requests": 0, **extra}


class RoundsTest(unittest.TestCase):
    def test_the_order_rotates_so_no_bot_always_runs_first(self):
        bots = ["a", "b", "c"]
        firsts = [rounds.order_of_round(bots, i)[0] for i in range(6)]
        self.assertEqual(firsts, ["a", "b", "c", "a", "b", "c"])
        self.assertEqual(sorted(rounds.order_of_round(bots, 4)), bots)
        self.assertEqual(rounds.order_of_round([], 3), [])

    def test_a_row_holds_the_median_of_each_figure(self):
        runs = [row("corebot", 24.0, 30000, round=1), row("corebot", 22.0, 33000, round=2),
                row("corebot", 23.0, 31000, round=3, too_many_requests=2)]
        r = rounds.median_row(runs)
        self.assertEqual(r["cpu_ms_per_1000"], 23.0)
        self.assertEqual(r["replies_per_s"], 31000)
        self.assertEqual(r["too_many_requests"], 2)  # the worst round, not a median
        self.assertEqual(r["rounds"], 3)
        self.assertNotIn("round", r)

    def test_a_failed_round_is_the_row_not_hidden_by_the_median(self):
        runs = [row("corebot", 24.0, 30000),
                row("corebot", 22.0, 33000, status="timeout", note="19000 of 20000 answered"),
                row("corebot", 23.0, 31000)]
        r = rounds.median_row(runs)
        self.assertEqual(r["status"], "timeout")
        self.assertEqual(r["note"], "19000 of 20000 answered")

    def test_ratios_are_taken_within_a_round_against_its_best_peer(self):
        rounds_ = [
            [row("corebot", 22.0, 33000), row("telegraf", 110.0, 10000),
             row("grammy", 100.0, 5000)],  # the cheapest peer is not the fastest one
            [row("corebot", 25.0, 30000), row("telegraf", 125.0, 9000),
             row("ptb", 1000.0, 900, status="timeout")],  # a failed peer does not count
            [row("corebot", 20.0, 20000, status="failed")],  # no peer: no ratio
        ]
        r = rounds.ratios(rounds_)
        self.assertEqual([p["round"] for p in r["corebot"]], [1, 2])
        self.assertEqual(r["corebot"][0]["cpu"], 0.22)
        self.assertEqual(r["corebot"][0]["cpu_peer"], "grammy")
        self.assertEqual(r["corebot"][0]["rps"], 3.3)
        self.assertEqual(r["corebot"][0]["rps_peer"], "telegraf")
        self.assertEqual(r["corebot"][1]["cpu"], 0.2)
        median = rounds.median_ratios(r["corebot"])
        self.assertAlmostEqual(median["cpu"], 0.21)
        self.assertAlmostEqual(median["rps"], (3.3 + 3.33) / 2, places=2)


if __name__ == "__main__":
    unittest.main()
