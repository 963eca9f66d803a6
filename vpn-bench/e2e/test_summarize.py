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
    def test_espgw_is_divided_by_the_best_other_vpn_neither_plain_nor_espgw_nor_the_floor(self):
        rows = [{"subject": "plain", "tcp1_gbps": 20.0, "rtt_p50_ms": 0.05},
                {"subject": "espgw-aes-gcm-128", "tcp1_gbps": 3.0, "rtt_p50_ms": 0.6},
                {"subject": "espgw-chacha20-poly1305", "tcp1_gbps": 9.0, "rtt_p50_ms": 0.1},
                {"subject": "openvpn", "tcp1_gbps": 0.5, "rtt_p50_ms": 0.3},
                {"subject": "tinc", "tcp1_gbps": 0.6, "rtt_p50_ms": 0.4},
                {"subject": "wireguard-go", "error": "failed to start"},
                {"subject": "java-floor", "tcp1_gbps": 2.0, "rtt_p50_ms": 0.2}]
        table = "\n".join(summarize.best_other_table(rows))
        line = next(l for l in table.splitlines() if l.startswith("| espgw-aes-gcm-128 |"))
        cells = [c.strip() for c in line.strip("|").split("|")]
        column = {m[0]: i + 1 for i, m in enumerate(summarize.METRICS)}
        self.assertEqual("5.00× (tinc 0.60)", cells[column["tcp1_gbps"]])  # throughput: the highest other
        self.assertEqual("2.00× (openvpn 0.30)", cells[column["rtt_p50_ms"]])  # RTT: the lowest other
        self.assertNotIn("| openvpn |", table)


def proc_net_dev(**devices):
    """A /proc/net/dev with each device's received bytes and packets (the other columns zero)."""
    lines = ["Inter-|   Receive                            |  Transmit",
             " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed"]
    for name, (rx_bytes, rx_packets) in devices.items():
        lines.append("%6s: %d %d" % (name, rx_bytes, rx_packets) + " 0" * 14)
    return "\n".join(lines) + "\n"


class UdpLossSplitTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def split(self, before, after, sent, lost):
        for suffix, text in (("dev-before", before), ("dev-after", after)):
            with open(os.path.join(self.dir.name, "s.udp64.%s" % suffix), "w") as f:
                f.write(text)
        doc = {"end": {"sum": {"packets": sent, "lost_packets": lost, "seconds": 5.0}}}
        return summarize.udp_loss_split(self.dir.name, "s", "udp64", 64, doc)

    def test_coalesced_and_single_packets_on_the_tunnel_count_as_their_datagrams(self):
        # 100 single datagrams (92 B each) and 10 coalesced packets of 50 datagrams (28 + 50 * 64 B)
        # on the tunnel; veth0's encrypted traffic is not what the VPN delivered.
        after = proc_net_dev(lo=(0, 0), veth0=(10 ** 9, 10 ** 6), tun0=(100 * 92 + 10 * (28 + 50 * 64), 110))
        split = self.split(proc_net_dev(lo=(0, 0), veth0=(0, 0), tun0=(0, 0)), after, sent=1000, lost=900)
        self.assertAlmostEqual(600 / 5.0 / 1e3, split["udp64_delivered_kpps"])
        self.assertAlmostEqual(40.0, split["udp64_vpn_loss_percent"])  # 400 of 1000 never delivered
        self.assertAlmostEqual(50.0, split["udp64_receiver_drop_percent"])  # 500 delivered, not read

    def test_plain_veth_without_a_tunnel_has_no_split(self):
        self.assertEqual({}, self.split(proc_net_dev(lo=(0, 0), veth0=(920, 10)),
                                        proc_net_dev(lo=(0, 0), veth0=(920 * 2, 20)), sent=10, lost=0))

    def test_without_counters_there_is_no_split(self):
        self.assertEqual({}, summarize.udp_loss_split(self.dir.name, "s", "udp64", 64,
                                                      {"end": {"sum": {"packets": 1, "lost_packets": 0, "seconds": 5.0}}}))


class ReportTest(unittest.TestCase):
    def test_the_header_gives_the_warm_up_run_sh_used(self):
        with tempfile.TemporaryDirectory() as d:
            results = os.path.join(d, "results.jsonl")
            with open(results, "w") as f:
                f.write(json.dumps({"subject": "plain", "errors": {}, "tcp1_gbps": 20.0}) + "\n")
            prefix = os.path.join(d, "e2e")
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                summarize.report(results, prefix, "stamp", "test machine", "5", "42", "15", "3", "10000")
            with open(prefix + ".md") as f:
                self.assertIn("a warm-up: 15 s TCP, 3 s each UDP 1400 B and 64 B, 10000 flood pings", f.read())
            with open(prefix + ".json") as f:
                doc = json.load(f)
                self.assertEqual("3", doc["udp_warmup_s"])
                self.assertEqual("10000", doc["ping_warmup"])


class PingCpuTest(unittest.TestCase):
    def test_each_thread_gets_its_cpu_per_ping_between_the_snapshots(self):
        with tempfile.TemporaryDirectory() as d:
            files = {"before": "10 loop 100 50 1000000 7000\n11 gc 5 5 200000 0\n",
                     # 200 pings: the loop ran 60 ms more (300 us/ping), 4 user and 2 system ticks at 100 Hz,
                     # and waited 4 ms more for a CPU (20 us/ping); thread 12 started in between and has no baseline.
                     "after": "10 loop 104 52 61000000 4007000\n11 gc 5 6 2200000 50000\n12 new 1 1 5000000 0\n",
                     "ping": "".join("64 bytes from 10.0.0.160: icmp_seq=%d ttl=64 time=0.%d ms\n" % (i, 3 + i % 5)
                                     for i in range(199))}
            for name, text in files.items():
                with open(os.path.join(d, name), "w") as f:
                    f.write(text)
            lines = summarize.ping_cpu("espgw", os.path.join(d, "before"), os.path.join(d, "after"), "200", "100",
                                       os.path.join(d, "ping"))
        self.assertEqual("espgw: 199 of 200 pings answered, p50 0.500 ms", lines[0])
        self.assertEqual(["| loop | 300.0 | 200 | 100 | 20.0 |", "| gc | 10.0 | 0 | 50 | 0.2 |"], lines[4:])


if __name__ == "__main__":
    unittest.main()
