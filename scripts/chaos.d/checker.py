"""History checker of a chaos run: pure functions over the recorded operations, the fault
log and what every node holds at the end (scripts/chaos; tested by test_checker.py)."""


def writable_intervals(ops, addr_to_node):
    """Per node, the intervals in which it accepted writes, from the direct writers' log:
    a run of consecutive acknowledged writes to one node (no failed or unknown one between)
    spans from the first one's invoke to the last one's completion."""
    by_node = {}
    for op in sorted((o for o in ops if o["k"] == "d"), key=lambda o: o["t0"]):
        host = op["to"].split(":")[0]
        node = addr_to_node.get(host, host)
        by_node.setdefault(node, []).append(op)
    result = {}
    for node, lst in by_node.items():
        runs, cur = [], None
        for op in lst:
            if op["out"] == "ok":
                cur = [op["t0"], op["t1"]] if cur is None else [cur[0], op["t1"]]
            else:
                if cur is not None:
                    runs.append(tuple(cur))
                cur = None
        if cur is not None:
            runs.append(tuple(cur))
        result[node] = runs
    return result


def dual_primary(intervals):
    """Periods in which two or more nodes accepted writes: a sweep over every node's
    writable intervals. Returns [(start, end, [nodes])], merged where they touch."""
    events = []
    for node, runs in intervals.items():
        for a, b in runs:
            events.append((a, 1, node))
            events.append((b, -1, node))
    events.sort(key=lambda e: (e[0], e[1]))
    active, out, start, nodes = {}, [], None, set()
    for t, d, node in events:
        active[node] = active.get(node, 0) + d
        live = {n for n, c in active.items() if c > 0}
        if len(live) >= 2:
            if start is None:
                start, nodes = t, set(live)
            else:
                nodes |= live
        elif start is not None:
            if t > start:
                out.append((start, t, sorted(nodes)))
            start, nodes = None, set()
    merged = []
    for s, e, n in out:
        if merged and s <= merged[-1][1]:
            ps, pe, pn = merged[-1]
            merged[-1] = (ps, max(pe, e), sorted(set(pn) | set(n)))
        else:
            merged.append((s, e, n))
    return merged


def split_linear(duals, ops, final_ids, addr_to_node):
    """Splits dual-primary periods into divergent and linear ones. Intervals run from a write's
    invoke to its acknowledgement, so with synchronous replication an old primary's last commit,
    flushed by the standby before that standby was promoted, can be acknowledged after the new
    primary's first write began: the intervals overlap, but both writes are on one history. A
    period is linear when every acknowledged direct write to its nodes that overlaps it is in the
    final primary's rows; a write missing there is on a diverged timeline, and the period counts."""
    divergent, linear = [], []
    for s, e, nodes in duals:
        touching = [o for o in ops if o["k"] == "d" and o["out"] == "ok" and o["t0"] < e and o["t1"] > s
                    and addr_to_node.get(o["to"].split(":")[0], o["to"].split(":")[0]) in nodes]
        (linear if touching and all(o["id"] in final_ids for o in touching) else divergent).append((s, e, nodes))
    return divergent, linear


def lost_writes(ops, final_ids):
    """Acknowledged writes whose row the final primary does not have."""
    return [o for o in ops if o["k"] in ("w", "d") and o["out"] == "ok" and o["id"] not in final_ids]


def outage(ops, start, end):
    """Longest time without an acknowledged write through HAProxy that overlaps the window
    [start, end]: the gap between consecutive acknowledgements (or the window's edge when
    none comes)."""
    acks = sorted(o["t1"] for o in ops if o["k"] == "w" and o["out"] == "ok")
    worst, prev = 0.0, None
    for t in acks:
        if t > start and (prev is None or prev < end):
            worst = max(worst, t - (start if prev is None else prev))
        prev = t
        if t > end:
            break
    if prev is None or prev <= end:
        # No acknowledgement after the window's end: the outage lasts at least to its end.
        worst = max(worst, end - (start if prev is None else prev))
    return worst


def fault_of(t, faults):
    """The fault whose window (start to recovery, or to the next fault) contains time t."""
    best = None
    for f in faults:
        if f["start"] - 1 <= t <= f.get("window_end", f["end"]):
            best = f
    return best


def attribute_dual(duals, faults, excused):
    """Splits the dual-primary periods into counted and excused ones (excused: the fault kinds
    in `excused`, e.g. a frozen agent without a watchdog in async mode)."""
    counted, excused_list = [], []
    for s, e, nodes in duals:
        f = fault_of(s, faults)
        entry = {"start": s, "end": e, "ms": round((e - s) * 1000), "nodes": nodes,
                 "fault": f["id"] if f else None, "kind": f["kind"] if f else None}
        (excused_list if f and f["kind"] in excused else counted).append(entry)
    return counted, excused_list
