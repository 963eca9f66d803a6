"""Tests of summarize.py's tables (run by .ci/run: python3 -m unittest discover -s vpn-bench/e2e)."""
import contextlib
import io
import json
import os
import tempfile
import unittest

import summarize


def run(stamp, **subjects):
    """A run.sh result document: subject -> dict of figures, or a string for a subject that failed."""
    results = []
    for name, figures in subjects.items():
        name = name.replace("_", "-")
        results.append({"subject": name, "error": figures} if isinstance(figures, str)
                       else dict(figures, subject=name))
    return {"stamp": stamp, "machine": "test machine", "results": results}


class MedianTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def median(self, *docs):
        paths = []
        for i, doc in enumerate(docs):
            paths.append(os.path.join(self.dir.name, "run%d.json" % i))
            with open(paths[-1], "w") as f:
                json.dump(doc, f)
        prefix = os.path.join(self.dir.name, "median")
        with contextlib.redirect_stdout(io.StringIO()):  # it prints the table too
            summarize.median(prefix, paths)
        with open(prefix + ".json") as f:
            rows = {r["subject"]: r for r in json.load(f)["results"]}
        with open(prefix + ".md") as f:
            return rows, f.read()

    def test_each_figure_is_the_median_of_the_runs_that_measured_it(self):
        rows, _ = self.median(run("a", espgw={"tcp1_gbps": 4.0, "rtt_p50_ms": 0.5}),
                              run("b", espgw={"tcp1_gbps": 1.0, "rtt_p50_ms": None}),
                              run("c", espgw={"tcp1_gbps": 2.0, "rtt_p50_ms": 0.7}))
        self.assertEqual(2.0, rows["espgw"]["tcp1_gbps"])
        self.assertAlmostEqual(0.6, rows["espgw"]["rtt_p50_ms"])
        self.assertEqual(3, rows["espgw"]["runs"])

    def test_a_run_where_a_subject_failed_does_not_count_for_it(self):
        rows, md = self.median(run("a", tinc={"tcp1_gbps": 0.6}, openvpn="failed to start: x"),
                               run("b", tinc="failed to start: y", openvpn="failed to start: z"))
        self.assertEqual(1, rows["tinc"]["runs"])
        self.assertEqual(0.6, rows["tinc"]["tcp1_gbps"])
        self.assertEqual("failed in every run", rows["openvpn"]["error"])
        self.assertIn("| openvpn | failed |", md)

    def test_ratios_are_taken_between_medians(self):
        _, md = self.median(run("a", plain={"tcp1_gbps": 20.0}, wireguard_go={"tcp1_gbps": 0.5}),
                            run("b", plain={"tcp1_gbps": 10.0}, wireguard_go={"tcp1_gbps": 0.5}))
        self.assertIn("| wireguard-go | 0.50 (0.03 / 1.00) |", md)

    def test_the_range_lists_lowest_and_highest(self):
        _, md = self.median(run("a", tinc={"udp64_kpps": 40.1}), run("b", tinc={"udp64_kpps": 43.4}))
        self.assertIn("40.1–43.4", md)


class BestOtherTest(unittest.TestCase):
    def test_espgw_is_divided_by_the_best_other_vpn_neither_plain_nor_espgw(self):
        rows = [{"subject": "plain", "tcp1_gbps": 20.0, "rtt_p50_ms": 0.05},
                {"subject": "espgw-aes-gcm-128", "tcp1_gbps": 3.0, "rtt_p50_ms": 0.6},
                {"subject": "espgw-chacha20-poly1305", "tcp1_gbps": 9.0, "rtt_p50_ms": 0.1},
                {"subject": "openvpn", "tcp1_gbps": 0.5, "rtt_p50_ms": 0.3},
                {"subject": "tinc", "tcp1_gbps": 0.6, "rtt_p50_ms": 0.4},
                {"subject": "wireguard-go", "error": "failed to start"}]
        table = "\n".join(summarize.best_other_table(rows))
        line = next(l for l in table.splitlines() if l.startswith("| espgw-aes-gcm-128 |"))
        cells = [c.strip() for c in line.strip("|").split("|")]
        self.assertEqual("5.00× (tinc 0.60)", cells[1])  # throughput: the highest other
        self.assertEqual("2.00× (openvpn 0.30)", cells[5])  # RTT: the lowest other
        self.assertNotIn("| openvpn |", table)


if __name__ == "__main__":
    unittest.main()
