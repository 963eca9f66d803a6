#!/usr/bin/env python3
"""Helpers for run.sh.

  summarize.py one SUBJECT WORKDIR CPU_TICKS TCP1_CPU_TICKS HZ T0 T1 NPROCS
      reads WORKDIR/SUBJECT.{tcp1,tcp4,udp1400,udp64}.json, SUBJECT.udp{1400,64}.dev-{before,after}
      (the server's /proc/net/dev) and SUBJECT.ping.txt, prints one JSON line
  summarize.py chart OUTPREFIX     (redraws OUTPREFIX.png from OUTPREFIX.json)
  summarize.py report RESULTS.jsonl OUTPREFIX STAMP MACHINE DURATION ELAPSED
      writes OUTPREFIX.md (table with ratios), OUTPREFIX.json and OUTPREFIX.png (chart)
  summarize.py median OUTPREFIX RUN.json RUN.json...   (two or more runs of run.sh)
      writes OUTPREFIX.md and OUTPREFIX.json: each figure's median over the runs, with ratios, and its range
  summarize.py ping-cpu SUBJECT BEFORE AFTER PINGS HZ PING.txt   (run.sh --ping-cpu)
      prints the ping p50 and, per thread of the VPN's processes, CPU time per ping (on-CPU time
      from schedstat, user and system from stat) and the time it waited, runnable, for a CPU (the
      run queue, schedstat) between two snapshots "TID NAME UTIME STIME RUN_NS WAIT_NS"
"""
import json
import re
import sys

# Measured for comparison, never an "other VPN": plain veth, and the floor under espgw (JvmFloor.java)
REFERENCES = ("plain", "java-floor")

# metric key, label, unit, higher is better
METRICS = [
    ("tcp1_gbps", "TCP 1 stream", "Gbit/s", True),
    ("tcp4_gbps", "TCP 4 streams", "Gbit/s", True),
    ("udp1400_kpps", "UDP 1400 B rx", "kpps", True),
    ("udp64_kpps", "UDP 64 B rx", "kpps", True),
    ("udp1400_delivered_kpps", "UDP 1400 B delivered", "kpps", True),
    ("udp64_delivered_kpps", "UDP 64 B delivered", "kpps", True),
    ("rtt_p50_ms", "ping p50", "ms", False),
    ("rtt_p99_ms", "ping p99", "ms", False),
    ("cpu_tcp1_s", "VPN CPU, TCP 1 stream", "CPU s", False),
    ("cpu_all_s", "VPN CPU, all tests", "CPU s", False),
]


def read_json(path):
    with open(path) as f:
        return json.load(f)


def write_outputs(prefix, md, doc):
    """PREFIX.md and PREFIX.json."""
    with open(prefix + ".md", "w") as f:
        f.write(md)
    with open(prefix + ".json", "w") as f:
        json.dump(doc, f, indent=1)


def load(path):
    try:
        return read_json(path)
    except Exception as e:  # iperf3 failed or timed out: the file holds no JSON
        return {"error": "no result (%s)" % e.__class__.__name__}


def tcp_gbps(doc):
    if "error" in doc:
        return None, doc["error"]
    try:
        return doc["end"]["sum_received"]["bits_per_second"] / 1e9, None
    except KeyError:
        return None, "no sum_received"


def udp_kpps(doc):
    """Datagrams the receiver got per second: (sent - lost) / seconds, as the server reported."""
    if "error" in doc:
        return None, doc["error"]
    try:
        s = doc["end"]["sum"]
        return (s["packets"] - s["lost_packets"]) / s["seconds"] / 1e3, None
    except (KeyError, ZeroDivisionError):
        return None, "no udp summary"


# IPv4 header without options (RFC 791) and UDP header (RFC 768): what each datagram adds to its payload.
IPV4_UDP_HEADER_BYTES = 20 + 8


def rx_counters(path):
    """Interface -> (received bytes, received packets), from a copy of /proc/net/dev."""
    counters = {}
    with open(path) as f:
        for line in f.readlines()[2:]:
            name, fields = line.split(":", 1)
            values = fields.split()
            counters[name.strip()] = (int(values[0]), int(values[1]))
    return counters


def udp_delivered(before, after, payload):
    """Datagrams the VPN handed to the server's stack during a UDP test: what its tunnel device
    received, before the receiving iperf3 read them. None without a tunnel (plain veth): veth0's
    counters do not go one packet per datagram.

    Counted from bytes, because espgw writes coalesced packets (one IPv4+UDP header, many datagrams'
    payloads) to its TUN: (bytes - headers * packets) / payload is exact for single and coalesced
    packets alike. A datagram split in IP fragments (1400 B over a tunnel MTU below 1428) counts as
    0.99 of one."""
    b, a = rx_counters(before), rx_counters(after)
    devices = [name for name in a if name not in ("lo", "veth0")]
    if not devices:
        return None
    total = 0
    for name in devices:
        rx_bytes = a[name][0] - b.get(name, (0, 0))[0]
        rx_packets = a[name][1] - b.get(name, (0, 0))[1]
        total += (rx_bytes - IPV4_UDP_HEADER_BYTES * rx_packets) / payload
    return total


def udp_loss_split(work, subject, name, payload, doc):
    """Where the UDP test's datagrams were lost: in the VPN (sent, never delivered) or at the receiving
    socket (delivered, dropped because iperf3 did not read them in time), with the delivered rate."""
    try:
        delivered = udp_delivered("%s/%s.%s.dev-before" % (work, subject, name),
                                  "%s/%s.%s.dev-after" % (work, subject, name), payload)
        if delivered is None:
            return {}
        s = doc["end"]["sum"]
        sent, received = s["packets"], s["packets"] - s["lost_packets"]
        return {name + "_delivered_kpps": delivered / s["seconds"] / 1e3,
                name + "_vpn_loss_percent": max(0.0, sent - delivered) / sent * 100,
                name + "_receiver_drop_percent": max(0.0, delivered - received) / sent * 100}
    except (OSError, KeyError, ValueError, ZeroDivisionError):
        return {}


def percentile(values, p):
    v = sorted(values)
    if not v:
        return None
    k = (len(v) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def ping_rtts(text):
    return [float(x) for x in re.findall(r"time=([0-9.]+) ms", text)]


def read_threads(path):
    """A snapshot of run.sh's thread_snap: TID -> (name, user ticks, system ticks, on-CPU ns, run-queue ns)."""
    threads = {}
    with open(path) as f:
        for line in f:
            tid, name, user, system, run_ns, wait_ns = line.split()
            threads[tid] = (name, int(user), int(system), int(run_ns), int(wait_ns))
    return threads


def ping_cpu(subject, before, after, pings, hz, ping_file, shown=6):
    """Markdown lines: the ping p50, then the busiest threads' CPU and run-queue wait per ping in µs."""
    pings, hz = int(pings), float(hz)
    with open(ping_file) as f:
        rtts = ping_rtts(f.read())
    p50 = percentile(rtts, 50)
    lines = ["%s: %d of %d pings answered, p50 %s ms" % (subject, len(rtts), pings,
                                                         "-" if p50 is None else "%.3f" % p50),
             "", "| thread | on CPU (µs/ping) | user | system | waiting for a CPU |", "|---|---|---|---|---|"]
    start, end = read_threads(before), read_threads(after)
    rows = []
    for tid, (name, user, system, run_ns, wait_ns) in end.items():
        if tid in start:  # a thread that started in between has no baseline
            _, user0, system0, run_ns0, wait_ns0 = start[tid]
            rows.append(((run_ns - run_ns0) / 1e3 / pings, (user - user0) * 1e6 / hz / pings,
                         (system - system0) * 1e6 / hz / pings, (wait_ns - wait_ns0) / 1e3 / pings, name))
    for on_cpu, user, system, waiting, name in sorted(rows, reverse=True)[:shown]:
        lines.append("| %s | %.1f | %.0f | %.0f | %.1f |" % (name, on_cpu, user, system, waiting))
    return lines


def one(subject, work, cpu, cpu_tcp1, hz, t0, t1, nprocs):
    hz = float(hz)
    out = {"subject": subject, "errors": {}}
    for key, fn, name, payload in [("tcp1_gbps", tcp_gbps, "tcp1", None), ("tcp4_gbps", tcp_gbps, "tcp4", None),
                                   ("udp1400_kpps", udp_kpps, "udp1400", 1400), ("udp64_kpps", udp_kpps, "udp64", 64)]:
        doc = load("%s/%s.%s.json" % (work, subject, name))
        value, err = fn(doc)
        out[key] = value
        if err:
            out["errors"][key] = err
        if payload and "error" not in doc:
            try:
                out[name + "_loss_percent"] = doc["end"]["sum"]["lost_percent"]
            except KeyError:
                pass
            out.update(udp_loss_split(work, subject, name, payload, doc))
    try:
        with open("%s/%s.ping.txt" % (work, subject)) as f:
            text = f.read()
    except OSError:
        text = ""
    rtts = ping_rtts(text)
    out["ping_replies"] = len(rtts)
    out["rtt_p50_ms"] = percentile(rtts, 50)
    out["rtt_p99_ms"] = percentile(rtts, 99)
    if int(nprocs) > 0:
        out["cpu_all_s"] = int(cpu) / hz
        out["cpu_tcp1_s"] = int(cpu_tcp1) / hz
    else:
        out["cpu_all_s"] = out["cpu_tcp1_s"] = None
    out["wall_s"] = float(t1) - float(t0)
    if not out["errors"]:
        del out["errors"]
    print(json.dumps(out))


def fmt(v):
    if v is None:
        return "–"
    if v >= 100:
        return "%.0f" % v
    if v >= 10:
        return "%.1f" % v
    return "%.2f" % v


def ratio(v, base):
    if v is None or base is None or base == 0:
        return "–"
    return "%.2f" % (v / base)


def ratio_table(rows):
    """The main table: each cell is the value, then its ratio to plain veth and to wireguard-go."""
    by = {r["subject"]: r for r in rows}
    plain = by.get("plain", {})
    wg = by.get("wireguard-go", {})
    header = "| subject | " + " | ".join("%s (%s)" % (m[1], m[2]) for m in METRICS) + " |"
    lines = [header, "|" + "---|" * (len(METRICS) + 1)]
    for r in rows:
        if "error" in r:
            lines.append("| %s | " % r["subject"] + " | ".join("failed" for _ in METRICS) + " |")
            continue
        cells = []
        for key, _, _, _ in METRICS:
            v = r.get(key)
            cells.append("%s (%s / %s)" % (fmt(v), ratio(v, plain.get(key)), ratio(v, wg.get(key))))
        lines.append("| %s | %s |" % (r["subject"], " | ".join(cells)))
    return lines


def best_other_table(rows):
    """Each espgw figure divided by the best other VPN's (the highest, or for RTT and CPU the lowest)."""
    ok = [r for r in rows if "error" not in r]
    others = [r for r in ok if r["subject"] not in REFERENCES and not r["subject"].startswith("espgw")]
    lines = ["| subject | " + " | ".join(m[1] for m in METRICS) + " |", "|" + "---|" * (len(METRICS) + 1)]
    for r in ok:
        if not r["subject"].startswith("espgw"):
            continue
        cells = []
        for key, _, _, higher in METRICS:
            candidates = [o for o in others if o.get(key) is not None]
            if not candidates or r.get(key) is None:
                cells.append("–")
                continue
            best = (max if higher else min)(candidates, key=lambda o: o[key])
            cells.append("%s× (%s %s)" % (ratio(r[key], best[key]), best["subject"], fmt(best[key])))
        lines.append("| %s | %s |" % (r["subject"], " | ".join(cells)))
    return ["", "espgw against the best other VPN: espgw's figure divided by the best other's "
            "(above 1 is better for throughput and packet rate, worse for RTT and CPU):", ""] + lines


def report(results, prefix, stamp, machine, duration, elapsed, warmup, udp_warmup, ping_warmup):
    with open(results) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    lines = ["# End-to-end VPN benchmark, %s" % stamp, "",
             "Machine: %s" % machine, "",
             "iperf3 %s s per measurement (after a warm-up: %s s TCP, %s s each UDP 1400 B and 64 B, %s flood pings); "
             "ping 200 x 0.01 s; run took %s s. "
             "Each cell: value, then (ratio to plain veth / ratio to wireguard-go). "
             "Throughput and pps: higher is better; RTT and CPU: lower is better. "
             "CPU = utime+stime of the VPN processes this run started (both ends), from /proc/PID/stat." % (duration, warmup, udp_warmup, ping_warmup, elapsed),
             ""]
    lines += ratio_table(rows) + best_other_table(rows)
    failures = []
    for r in rows:
        if "error" in r:
            failures.append("- **%s**: %s" % (r["subject"], r["error"]))
        elif r.get("errors"):
            failures.append("- %s: partial: %s" % (r["subject"], r["errors"]))
    lines += loss_table(rows)
    if failures:
        lines += ["", "Failures:", ""] + failures
    md = "\n".join(lines) + "\n"
    write_outputs(prefix, md, {"stamp": stamp, "machine": machine, "duration_s": duration, "warmup_s": warmup,
                               "udp_warmup_s": udp_warmup, "ping_warmup": ping_warmup, "results": rows})
    print(md)
    try:
        chart(rows, prefix + ".png", stamp, machine)
        print("wrote %s.md, %s.json, %s.png" % (prefix, prefix, prefix))
    except ImportError:
        print("matplotlib missing: no chart (apt-get install python3-matplotlib)", file=sys.stderr)


def loss_table(rows):
    """UDP loss split in the VPN's and the receiving socket's, and ping replies."""
    def split(r, name):
        return "%s (%s + %s)" % (fmt(r.get(name + "_loss_percent")), fmt(r.get(name + "_vpn_loss_percent")),
                                 fmt(r.get(name + "_receiver_drop_percent")))
    loss = ["| %s | %s | %s | %s |" % (r["subject"], split(r, "udp1400"), split(r, "udp64"), r.get("ping_replies"))
            for r in rows if "error" not in r]
    return ["", "UDP loss (iperf3 `-b 0`: the sender goes as fast as it can, so loss is expected), in % of the "
            "datagrams sent: total (lost in the VPN + dropped at the receiving socket, which the VPN delivered "
            "but the receiving iperf3 did not read in time), and ping replies out of 200:", "",
            "| subject | UDP 1400 B loss % | UDP 64 B loss % | ping replies |", "|---|---|---|---|"] + loss


def median(prefix, runs):
    """One table of the per-figure medians of several runs (their .json), and each figure's range."""
    docs = [read_json(path) for path in runs]
    subjects = []
    for doc in docs:
        subjects += [r["subject"] for r in doc["results"] if r["subject"] not in subjects]
    rows, spread = [], []
    for subject in subjects:
        runs_of = [r for doc in docs for r in doc["results"] if r["subject"] == subject and "error" not in r]
        if not runs_of:
            rows.append({"subject": subject, "error": "failed in every run"})
            continue
        row, cells = {"subject": subject, "runs": len(runs_of)}, []
        for key, _, _, _ in METRICS:
            values = [r[key] for r in runs_of if r.get(key) is not None]
            row[key] = percentile(values, 50)
            cells.append("%s–%s" % (fmt(min(values)), fmt(max(values))) if values else "–")
        rows.append(row)
        spread.append("| %s | %d | %s |" % (subject, len(runs_of), " | ".join(cells)))
    stamps = ", ".join(doc["stamp"] for doc in docs)
    lines = ["# End-to-end VPN benchmark, median of %d runs" % len(docs), "",
             "Runs: %s. Machine of the first: %s" % (stamps, docs[0]["machine"]), "",
             "Each cell: the median of the runs' figures, then (its ratio to plain veth / to wireguard-go), "
             "both medians. A subject that failed to start in a run is left out of that run's figures.", ""]
    lines += ratio_table(rows) + best_other_table(rows)
    lines += ["", "Lowest and highest figure over the runs:", "",
              "| subject | runs | " + " | ".join(m[1] for m in METRICS) + " |",
              "|" + "---|" * (len(METRICS) + 2)] + spread
    md = "\n".join(lines) + "\n"
    write_outputs(prefix, md, {"runs": runs, "stamps": [doc["stamp"] for doc in docs], "results": rows})
    print(md)
    print("wrote %s.md, %s.json" % (prefix, prefix))


def chart(rows, path, stamp, machine):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    ok = [r for r in rows if "error" not in r]
    names = [r["subject"] for r in ok]
    fig, axes = plt.subplots(2, 5, figsize=(22, 9))
    colors = ["#888888" if n in REFERENCES else "#d62728" if n.startswith("espgw") else "#1f77b4" for n in names]
    for ax, (key, label, unit, higher) in zip(axes.flat, METRICS):
        vals = [r.get(key) if r.get(key) is not None else 0 for r in ok]
        bars = ax.barh(range(len(names)), vals, color=colors)
        ax.set_yticks(range(len(names)))
        ax.set_yticklabels(names, fontsize=9)
        ax.invert_yaxis()
        ax.set_title("%s (%s)\n%s is better" % (label, unit, "higher" if higher else "lower"), fontsize=10)
        ax.tick_params(axis="x", labelsize=8)
        # Scale to the VPNs, not to plain veth (often 50x faster): plain is clipped and labelled.
        vpn_vals = [v for v, n in zip(vals, names) if n != "plain"] or vals
        top = max(vpn_vals) if vpn_vals and max(vpn_vals) > 0 else 1
        limit = top * 1.35
        ax.set_xlim(0, limit)
        for b, r in zip(bars, ok):
            v = r.get(key)
            if v is not None and v > limit:
                ax.text(limit * 0.98, b.get_y() + b.get_height() / 2, "%s (off scale)" % fmt(v),
                        va="center", ha="right", fontsize=8, color="white", fontweight="bold")
            else:
                ax.text(min(b.get_width(), limit) + top * 0.01, b.get_y() + b.get_height() / 2, fmt(v),
                        va="center", fontsize=8)
    failed = [r["subject"] for r in rows if "error" in r]
    title = "espgw end-to-end benchmark %s" % stamp
    if failed:
        title += "  (failed to start: %s)" % ", ".join(failed)
    fig.suptitle(title, fontsize=12)
    import textwrap
    fig.text(0.01, 0.005, "\n".join(textwrap.wrap(machine, 230)[:3]), fontsize=7)
    fig.tight_layout(rect=(0, 0.04, 1, 0.96))
    fig.savefig(path, dpi=90)


if __name__ == "__main__":
    if sys.argv[1] == "one":
        one(*sys.argv[2:10])
    elif sys.argv[1] == "chart":  # summarize.py chart OUTPREFIX: redraw OUTPREFIX.png from OUTPREFIX.json
        doc = read_json(sys.argv[2] + ".json")
        chart(doc["results"], sys.argv[2] + ".png", doc["stamp"], doc["machine"])
    elif sys.argv[1] == "report":
        report(*sys.argv[2:11])
    elif sys.argv[1] == "ping-cpu":
        print("\n".join(ping_cpu(*sys.argv[2:8])) + "\n")
    elif sys.argv[1] == "median" and len(sys.argv) > 4:
        median(sys.argv[2], sys.argv[3:])
    else:
        sys.exit(__doc__)
