#!/usr/bin/env python3
"""bench/scale's report: results.tsv (agent, members, role, metric, value, load) and the
per-node cycle-time files in the log folder -> one Markdown page on stdout."""
import collections
import glob
import os
import re
import statistics
import sys

tsv, notes_path, logs = sys.argv[1:4]
rows = [line.rstrip("\n").split("\t") for line in open(tsv) if line.strip()]
notes = [line.rstrip("\n") for line in open(notes_path)]

LABEL = {"ours": "patroni-jvm", "patroni": "Patroni 3.0.2"}


def median(xs):
    return statistics.median(xs) if xs else None


def fmt(x, digits=2):
    if x is None:
        return "-"
    if isinstance(x, str):
        return x
    return f"{x:.{digits}f}"


def cycle_us(agent, n, nodes):
    """All cycle times (us) of the given nodes in the CPU window."""
    out = []
    for node in nodes:
        path = os.path.join(logs, f"{agent}-{n}-{node}.cycle_us")
        if os.path.exists(path):
            out += [int(x) for x in open(path) if x.strip()]
    return sorted(out)


def pct(xs, p):
    if not xs:
        return None
    return xs[min(len(xs) - 1, int(p * len(xs)))]


by = collections.defaultdict(dict)      # (agent, n) -> metric -> value
nodes = collections.defaultdict(dict)   # (agent, n) -> node -> {role, metric: value}
loads = collections.defaultdict(dict)
reqs = collections.defaultdict(lambda: collections.defaultdict(dict))  # (agent, n) -> role -> kind -> count
for agent, n, role, metric, value, load in rows:
    if agent == "sim":
        continue
    key = (agent, int(n))
    m = re.match(r"(node\d+)\.(\w+)$", metric)
    if m:
        d = nodes[key].setdefault(m.group(1), {"role": role})
        d[m.group(2)] = float(value)
        loads[key]["cpu"] = load
    elif metric.startswith("strace.req "):
        reqs[key][role][metric[len("strace.req "):]] = int(value)
    elif metric.startswith("strace."):
        by[key][f"{role}.{metric}"] = float(value)
    else:
        by[key][metric] = value

print("# How the cost grows with the member count (bench/scale)\n")
for n in notes:
    print(f"- {n}")
print()
print("Real agents, idle cluster, one 60 s window per member count (CPU, memory, cycles) and one")
print("straced window (requests). Leader = the node holding the leader key; replica figures are")
print("the median over all replicas (cycle time: over all their cycles). CPU per cycle = the")
print("process's CPU in the window / its HA cycles (REST checks from HAProxy included).\n")
print("| agent | members | role | cycles/min | cycle ms p50 / p95 / max | CPU s/60 s | CPU ms/cycle | VmRSS MiB | PSS MiB | threads | load (1 min) |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for key in sorted(nodes, key=lambda k: (k[0] != "ours", k[1])):
    agent, n = key
    for role in ("leader", "replica"):
        ds = [d for d in nodes[key].values() if d["role"] == role]
        if not ds:
            continue
        names = [name for name, d in nodes[key].items() if d["role"] == role]
        per_min = 60.0 / float(by[key].get("window_s", 60))
        cyc = median([d.get("cycles", 0) * per_min for d in ds])
        cpu = median([d.get("cpu_s", 0) for d in ds])
        per = median([d["cpu_s"] * 1000 / (d["cycles"] * per_min) for d in ds if d.get("cycles")])
        us = cycle_us(agent, n, names)
        ct = "-" if not us else f"{pct(us, 0.5) / 1000:.1f} / {pct(us, 0.95) / 1000:.1f} / {us[-1] / 1000:.1f}"
        print(f"| {LABEL[agent]} | {n} | {role}{'' if role == 'leader' else f' (x{len(ds)})'} | {fmt(cyc, 0)} | {ct} | {fmt(cpu)} | {fmt(per, 1)} "
              f"| {fmt(median([d.get('rss_mib') for d in ds]), 1)} | {fmt(median([d.get('pss_mib') for d in ds]), 1)} "
              f"| {fmt(median([d.get('threads') for d in ds]), 0)} | {loads[key].get('cpu', '-')} |")
print()
print("| agent | members | all agents CPU s/60 s | Consul servers CPU s/60 s | recursive GET bytes | start to healthy s | load before CPU / strace window |")
print("|---|---|---|---|---|---|---|")
for key in sorted(by, key=lambda k: (k[0] != "ours", k[1])):
    agent, n = key
    b = by[key]
    print(f"| {LABEL[agent]} | {n} | {b.get('agents_cpu_s_total', '-')} | {b.get('consul_cpu_s_total', '-')} | {b.get('recursive_get_bytes', '-')} "
          f"| {b.get('up_s', '-')} | {b.get('load_before_cpu_window', '-')} / {b.get('load_before_strace_window', '-')} |")
print()
print("DCS requests per HA cycle (strace of write/sendto/writev; HTTP requests to Consul by kind):\n")
print("| agent | members | role | cycles in window | requests | per cycle | by kind (count) |")
print("|---|---|---|---|---|---|---|")
for key in sorted(by, key=lambda k: (k[0] != "ours", k[1])):
    agent, n = key
    b = by[key]
    for role in ("leader", "replica"):
        c = b.get(f"{role}.strace.cycles")
        r = b.get(f"{role}.strace.requests")
        if c is None:
            continue
        kinds = "; ".join(f"{k} {v}" for k, v in sorted(reqs[key][role].items(), key=lambda kv: -kv[1]))
        print(f"| {LABEL[agent]} | {n} | {role} | {c:.0f} | {r:.0f} | {fmt(r / c if c else None)} | {kinds} |")

sim = [r for r in rows if r[0] == "sim"]
if sim:
    print()
    print("Simulator (agent test scope, SimScaleMain): the real HaLoop and HaDecider of every member over")
    print("the in-memory DCS and PostgreSQL models, idle, no faults; one JVM, cycles after the first two")
    print("simulated minutes. Wall time of one cycle on this JVM (no network, no PostgreSQL: the HA")
    print("logic's own cost), bytes allocated per cycle, calls on the Dcs port per cycle.\n")
    s = collections.defaultdict(dict)
    load = sim[0][5]
    for _, n, role, metric, value, _l in sim:
        s[(int(n), role)][metric] = value
    print("| members | role | cycles | cycle us p50 / p95 | alloc KiB/cycle | Dcs calls/cycle | calls by method | world ms per simulated minute |")
    print("|---|---|---|---|---|---|---|---|")
    for (n, role) in sorted(s):
        if role == "all":
            continue
        d = s[(n, role)]
        calls = ", ".join(f"{k[4:-10]} {v}" for k, v in d.items() if k.startswith("dcs.") and k.endswith("_per_cycle"))
        print(f"| {n} | {role} | {d.get('cycles', '-')} | {d.get('cycle_us_p50', '-')} / {d.get('cycle_us_p95', '-')} "
              f"| {d.get('alloc_kb_per_cycle', '-')} | {d.get('dcs_calls_per_cycle', '-')} | {calls} "
              f"| {s[(n, 'all')].get('world_wall_ms_per_sim_minute', '-')} |")
    for (n, role), d in sorted(s.items()):
        if "violation" in d:
            print(f"\n**violation at {n} members**: {d['violation']}")
    print(f"\nload when the simulator finished: {load}")
