#!/usr/bin/env python3
"""Writes bench/run's Markdown report from its measurements.

    report.py RESULTS_TSV NOTES_FILE HEADER_FILE > report.md

RESULTS_TSV lines: profile, agent (ours|patroni), metric, value. Each figure is shown as
median (min-max, n) for ours and Patroni, with the ratio ours/Patroni of the medians and
whether issue 8's target for it is met.
"""
import statistics
import sys
from collections import defaultdict

PROFILES = [("fast", "ttl 10 / loop_wait 2 / retry_timeout 3"),
            ("default", "ttl 30 / loop_wait 10 / retry_timeout 10 (Patroni's defaults)")]

# metric, label, unit, scale (divide raw by), target kind, target value
# target kinds: "le_patroni" ours <= Patroni; "abs_lt" ours median < value; "ratio_le" ours/Patroni <= value;
# "ratio_ge" ours/Patroni >= value; "zero" ours max == 0; None informational.
METRICS = [
    ("failover.outage_ms", "1a node death (async): write outage through HAProxy", "s", 1000, "le_patroni", None),
    ("failover.key_gone_ms", "1  node death (async): kill -> leader key gone in the DCS", "s", 1000, None, None),
    ("failover.reaction_ms", "1b node death (async): key gone -> first write on the new primary", "s", 1000, "abs_lt", 3),
    ("failover.lost", "1  node death (async): acknowledged writes lost", "writes", 1, None, None),
    ("sync.outage_ms", "1a node death (sync mode): write outage", "s", 1000, "le_patroni", None),
    ("sync.key_gone_ms", "1  node death (sync mode): kill -> leader key gone", "s", 1000, None, None),
    ("sync.reaction_ms", "1b node death (sync mode): key gone -> first write", "s", 1000, "abs_lt", 3),
    ("sync.lost", "1  node death (sync mode): acknowledged writes lost", "writes", 1, "zero", None),
    ("switchover.outage_ms", "2  switchover: write outage", "s", 1000, "le_patroni_and_lt", 3),
    ("switchover.writable_ms", "2  switchover: request -> new primary writable", "s", 1000, "abs_lt", 3),
    ("switchover.old_primary_overlap_ms", "2  switchover: old primary's /primary last 200 minus new primary's first write",
     "s", 1000, None, None),
    ("switchover.lost", "2  switchover: acknowledged writes missing on the new primary", "writes", 1, "zero", None),
    ("bootstrap.ms", "3  bootstrap: first agent start -> 1 primary + 2 streaming", "s", 1000, None, None),
    ("start.rest_ms", "4  agent start: process start -> REST API answers", "s", 1000, "le_patroni", None),
    ("start.member_ms", "4  agent start: process start -> member key written", "s", 1000, "le_patroni", None),
    ("footprint.rss_kb", "5  resident memory after 2 min idle (VmRSS)", "MiB", 1024, "ratio_le", 1.5),
    ("footprint.pss_kb", "5  proportional memory after 2 min idle (Pss, smaps_rollup)", "MiB", 1024, "ratio_le", 1.5),
    ("footprint.threads", "5  threads after 2 min idle", "threads", 1, None, None),
    ("footprint.cpu_ticks", "5  CPU over 60 s idle (utime+stime)", "s", None, "le_patroni", None),
    ("footprint.cpu_ticks_children", "5  CPU over 60 s idle incl. waited children", "s", None, None, None),
    ("rest.options_rps", "6  REST OPTIONS / throughput", "req/s", 1, "ratio_ge", 10),
    ("rest.options_p99_ms", "6  REST OPTIONS / p99 latency", "ms", 1, None, None),
    ("rest.patroni_rps", "6  REST GET /patroni throughput", "req/s", 1, "ratio_ge", 10),
    ("rest.patroni_p99_ms", "6  REST GET /patroni p99 latency", "ms", 1, None, None),
]


def fmt(v, unit):
    if unit in ("req/s", "writes", "threads"):
        return f"{v:.0f}"
    if unit == "MiB":
        return f"{v:.1f}"
    if unit == "ms":
        return f"{v:.2f}"
    return f"{v:.2f}"


def cell(values, unit):
    if not values:
        return "-"
    med = statistics.median(values)
    return f"{fmt(med, unit)} ({fmt(min(values), unit)}-{fmt(max(values), unit)}, n={len(values)})"


def verdict(kind, target, ours, theirs):
    if kind is None or not ours:
        return ""
    mo = statistics.median(ours)
    mt = statistics.median(theirs) if theirs else None
    if kind == "zero":
        return "met" if max(ours) == 0 else f"MISSED ({max(ours):.0f} lost)"
    if kind == "abs_lt":
        return "met" if mo < target else f"MISSED by {mo - target:.2f}"
    if mt is None or mt == 0:
        return ""
    r = mo / mt
    if kind == "le_patroni":
        return "met" if mo <= mt else f"MISSED (x{r:.2f})"
    if kind == "le_patroni_and_lt":
        ok = mo <= mt and mo < target
        return "met" if ok else f"MISSED (x{r:.2f}, {mo:.2f} vs < {target})"
    if kind == "ratio_le":
        return "met" if r <= target else f"MISSED (x{r:.2f} > x{target})"
    if kind == "ratio_ge":
        return "met" if r >= target else f"MISSED (x{r:.2f} < x{target})"
    return ""


def main():
    tsv, notes, header = sys.argv[1:4]
    data = defaultdict(list)
    hz = 100.0
    with open(tsv) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 4:
                continue
            profile, agent, metric, value = parts
            if metric == "clk_tck":
                hz = float(value)
                continue
            data[(profile, agent, metric)].append(float(value))
    with open(header) as f:
        print(f.read().rstrip())
    print()
    for profile, desc in PROFILES:
        if not any(k[0] == profile for k in data):
            continue
        print(f"## Profile `{profile}`: {desc}")
        print()
        print("| figure | unit | patroni-jvm median (min-max, n) | Patroni median (min-max, n) | ratio | target |")
        print("|---|---|---|---|---|---|")
        for metric, label, unit, scale, kind, target in METRICS:
            ours = data.get((profile, "ours", metric), [])
            theirs = data.get((profile, "patroni", metric), [])
            if not ours and not theirs:
                continue
            div = hz if scale is None else scale
            ours = [v / div for v in ours]
            theirs = [v / div for v in theirs]
            ratio = ""
            # A ratio of signed offsets (the overlap row) means nothing.
            if ours and theirs and statistics.median(theirs) > 0 and statistics.median(ours) >= 0:
                ratio = f"x{statistics.median(ours) / statistics.median(theirs):.2f}"
            print(f"| {label} | {unit} | {cell(ours, unit)} | {cell(theirs, unit)} | {ratio} | "
                  f"{verdict(kind, target, ours, theirs)} |")
        print()
    print("## Run notes")
    print()
    with open(notes) as f:
        for line in f:
            if line.strip():
                print(f"- {line.strip()}")


if __name__ == "__main__":
    main()
