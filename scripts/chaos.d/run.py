"""Fault driver, workload and checker of one chaos run (started by scripts/chaos inside the
clients' network namespace). Writes summary.json, report.md, ops.jsonl and faults.jsonl."""
import argparse
import json
import os
import random
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checker  # noqa: E402
import faults  # noqa: E402
import report  # noqa: E402
import workload  # noqa: E402
from testbed import Testbed  # noqa: E402

# Kinds whose dual primaries do not count against the exit status in async mode: without a
# watchdog nothing stops a frozen agent's PostgreSQL from taking writes.
EXCUSED_ASYNC = {"freeze-agent-nowd"}


def log(msg):
    print("[chaos %s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


def parse():
    ap = argparse.ArgumentParser()
    for k in ("--duration", "--seed", "--nodes", "--watchdog"):
        ap.add_argument(k, type=int, required=True)
    for k in ("--ttl", "--loop-wait", "--retry-timeout"):
        ap.add_argument(k, type=float, required=True)
    for k in ("--mode", "--agent", "--out", "--state", "--prefix", "--subnet", "--password", "--ctl"):
        ap.add_argument(k, required=True)
    ap.add_argument("--faults", default="")
    return ap.parse_args()


def kinds_for(a):
    names = list(faults.KINDS)
    if a.faults:
        wanted = [k.strip() for k in a.faults.split(",") if k.strip()]
        unknown = [k for k in wanted if k not in faults.KINDS]
        if unknown:
            raise SystemExit("CHAOS_FAULTS: unknown fault kind(s) %s; known: %s" % (unknown, ", ".join(faults.KINDS)))
        names = [k for k in names if k in wanted]
    return names


def schedule(rng, names, n):
    """A seeded order in which every kind comes round before any repeats (so a short run
    still sees many kinds), shuffled anew each round."""
    out = []
    while len(out) < n:
        rnd = names[:]
        rng.shuffle(rnd)
        out.extend(rnd)
    return out[:n]


class Recoverer:
    """Restarts a host whose watchdog reset it (a rebooting machine comes back)."""

    def __init__(self, tb):
        self.tb, self.seen = tb, {}

    def check(self, flog):
        for n in self.tb.node:
            path = os.path.join(self.tb.state, "node" + n[1:], "watchdog.state.fired")
            try:
                size = os.path.getsize(path)
            except FileNotFoundError:
                continue
            if size != self.seen.get(n, 0):
                self.seen[n] = size
                log("watchdog reset %s: restarting the host" % n)
                flog.append({"event": "watchdog-reset", "node": n, "t": time.time()})
                self.tb.kill_host(n)
                self.tb.ctl("start-node", n[1:])


def wait_converged(tb, rec, flog, limit):
    t0 = time.monotonic()
    why = ""
    while time.monotonic() - t0 < limit:
        rec.check(flog)
        ok, why = tb.converged()
        if ok:
            return time.monotonic() - t0, why
        time.sleep(0.5)
    return None, why


def run_faults(a, tb, rng, names, deadline, flog):
    """The plan (kinds and holds) comes from its own generator over every kind, so two agents
    given the same seed meet the same faults in the same order; a kind this run cannot do (the
    watchdog freeze on a host without one) is left out without shifting the others."""
    rec = Recoverer(tb)
    plan_rng = random.Random(a.seed)
    # Holds of 0.7-1.1 x the kind's (every network fault still outlasts ttl) and short gaps, so
    # an hour brings 100+ faults: at 0.8-1.3 x and 2-5 s gaps a loaded machine managed 53-76.
    plan = [(k, plan_rng.uniform(0.7, 1.1)) for k in schedule(plan_rng, names, 10000)]
    if not a.watchdog:
        plan = [(k, h) for k, h in plan if k != "freeze-agent-wd"]
    done = []
    conv_limit = 3 * a.ttl
    for i, (kind, factor) in enumerate(plan):
        fn, hold_ttl, _ = faults.KINDS[kind]
        hold = round(hold_ttl * a.ttl * factor, 1)
        # Expected length: hold + recovery; do not start one that cannot finish in time.
        if time.monotonic() + hold + conv_limit + 10 > deadline:
            break
        f = {"id": len(done) + 1, "kind": kind, "hold": hold, "failsafe": tb.failsafe}
        log("fault %d %s (hold %.1f s)" % (f["id"], kind, hold))
        try:
            fn(tb, rng, f)
        except faults.SkipFault as e:
            log("  skipped: %s" % e)
            f.update(skipped=str(e), start=time.time(), end=time.time())
        except Exception as e:  # the testbed must be healed whatever failed
            log("  fault error: %r" % e)
            f.update(error=repr(e), end=time.time())
            f.setdefault("start", f["end"])
            tb.heal_all()
        conv, why = wait_converged(tb, rec, flog, conv_limit)
        f["converged_s"] = None if conv is None else round(conv, 1)
        if conv is None:
            f["not_converged"] = why
            log("  not converged within %.0f s: %s" % (conv_limit, why))
            # Give it longer before the next fault, so faults do not pile up unseen.
            conv2, why2 = wait_converged(tb, rec, flog, 60)
            f["converged_late_s"] = None if conv2 is None else round(conv_limit + conv2, 1)
        else:
            log("  converged %.1f s after the heal (primary %s)" % (conv, why))
        f["window_end"] = time.time()
        flog.append(f)
        done.append(f)
        time.sleep(rng.uniform(1, 3))
    return done, rec


def read_nodes(tb, password):
    rows = {}
    for n, addr in tb.node.items():
        try:
            conn = workload.connect(addr, 5432, password, timeout=5)
            try:
                res = workload.execute(conn, "SELECT id FROM chaos_w", None, 30)
                # The checkpoint's timeline lags behind a promotion or a restartpoint: ask the current WAL file
                # (primary) or the WAL receiver (replica).
                tl = workload.execute(conn, "SELECT CASE WHEN pg_is_in_recovery() THEN (SELECT received_tli FROM "
                                            "pg_stat_wal_receiver) ELSE ('x' || substr(pg_walfile_name("
                                            "pg_current_wal_lsn()), 1, 8))::bit(32)::int END", None, 10)
                rows[n] = {"ids": {r[0] for r in res}, "timeline": tl[0][0]}
            finally:
                conn.close()
        except Exception as e:
            rows[n] = {"error": workload.first_line(e)}
    return rows


def wait_caught_up(tb, password, primary, limit=30):
    """Until every replica has replayed the primary's current WAL position."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            c = workload.connect(tb.node[primary], 5432, password)
            try:
                lag = workload.execute(c, "SELECT count(*) FROM pg_stat_replication WHERE replay_lsn IS NULL "
                                          "OR replay_lsn < pg_current_wal_lsn()", None, 5)
            finally:
                c.close()
            if lag[0][0] == 0:
                return True
        except Exception:
            pass
        time.sleep(0.5)
    return False


def main():
    a = parse()
    tb = Testbed(a)
    # Choices inside faults (targets, delays) from a generator of their own.
    rng = random.Random(a.seed * 7919 + 1)
    names = kinds_for(a)
    t_start = time.monotonic()
    deadline = t_start + a.duration
    os.makedirs(a.out, exist_ok=True)

    workload.setup_table(tb.hap, 5000, a.password)
    ops, stop = [], threading.Event()
    clients = [workload.Client("w%d" % k, "w", tb.hap, 5000, a.password, 0.05, ops, stop, id_base=k * 10**9)
               for k in (1, 2, 3)]
    clients += [workload.Client("d%s" % n, "d", addr, 5432, a.password, 0.1, ops, stop,
                                id_base=(10 + int(n[1:])) * 10**9) for n, addr in tb.node.items()]
    clients.append(workload.Client("r1", "r", tb.hap, 5001, a.password, 0.1, ops, stop))
    for c in clients:
        c.start()
    time.sleep(5)

    flog = []
    done, rec = run_faults(a, tb, rng, names, deadline, flog)
    last_end = max([f["end"] for f in done], default=time.time())

    # Convergence within 3 x ttl of the last fault's end.
    conv_limit = 3 * a.ttl
    left = conv_limit - (time.time() - last_end)
    conv, why = wait_converged(tb, rec, flog, max(left, 0.5))
    converged = conv is not None
    conv_at = time.time() - last_end if converged else None
    if not converged:
        log("NOT converged within %.0f s of the last fault: %s" % (conv_limit, why))
        wait_converged(tb, rec, flog, 60)
    # Keep writing a little while converged, so the final history has acks after the last fault.
    time.sleep(3)
    stop.set()
    for c in clients:
        c.join(timeout=15)

    primary = tb.primary()
    caught_up = primary is not None and wait_caught_up(tb, a.password, primary)
    nodes = read_nodes(tb, a.password)
    final_ids = nodes.get(primary, {}).get("ids", set()) if primary else set()

    result = analyse(a, tb, ops, done, flog, nodes, primary, final_ids, converged, conv_at, why, caught_up)
    with open(os.path.join(a.out, "ops.jsonl"), "w") as fh:
        for op in ops:
            fh.write(json.dumps(op) + "\n")
    with open(os.path.join(a.out, "faults.jsonl"), "w") as fh:
        for f in flog:
            fh.write(json.dumps(f) + "\n")
    with open(os.path.join(a.out, "summary.json"), "w") as fh:
        json.dump(result["summary"], fh, indent=1)
    with open(os.path.join(a.out, "report.md"), "w") as fh:
        fh.write(report.render(a, result))
    s = result["summary"]
    log("faults %d, acked lost %d, dual primary %d ms (excused %d ms), converged %s, max outage %.1f s -> %s"
        % (s["faults"], s["acked_lost"], s["dual_primary_ms"], s["dual_primary_excused_ms"], s["converged"],
           s["max_outage_s"], "PASS" if s["pass"] else "FAIL: " + "; ".join(s["violations"])))
    return 0 if s["pass"] else 1


def analyse(a, tb, ops, done, flog, nodes, primary, final_ids, converged, conv_at, why, caught_up):
    lost = checker.lost_writes(ops, final_ids) if primary else []
    intervals = checker.writable_intervals(ops, tb.addr_to_node)
    duals = checker.dual_primary(intervals)
    # Without a readable final primary nothing can be shown linear: every overlap counts.
    duals, linear = checker.split_linear(duals, ops, final_ids, tb.addr_to_node) if primary else (duals, [])
    linear = [{"start": s, "end": e, "ms": round((e - s) * 1000), "nodes": n} for s, e, n in linear]
    excused_kinds = EXCUSED_ASYNC if a.mode == "async" else set()
    counted, excused = checker.attribute_dual(duals, done, excused_kinds)
    per_fault = []
    for i, f in enumerate(done):
        w_end = done[i + 1]["start"] if i + 1 < len(done) else f["window_end"]
        # A lost write belongs to the fault in whose stretch (until the next fault) it was acked.
        nxt = done[i + 1]["start"] - 1 if i + 1 < len(done) else float("inf")
        f_lost = [o for o in lost if f["start"] - 1 <= o["t1"] < nxt]
        f_dual = [d for d in counted + excused if d["fault"] == f["id"]]
        per_fault.append({
            "id": f["id"], "kind": f["kind"], "target": f.get("target"), "start": round(f["start"], 3),
            "end": round(f["end"], 3), "hold_s": f["hold"], "skipped": f.get("skipped"), "error": f.get("error"),
            "outage_s": round(checker.outage(ops, f["start"], min(w_end, f["window_end"])), 2),
            "converged_s": f.get("converged_s"), "not_converged": f.get("not_converged"),
            "acked_lost": len(f_lost), "dual_primary_ms": sum(d["ms"] for d in f_dual),
            "details": {k: v for k, v in f.items() if k in ("delay_ms", "loss", "failsafe", "watchdog", "flips", "consul", "node", "converged_late_s", "reset_after")},
        })
    # Rows a node holds that the final primary does not: a timeline the cluster left behind.
    only_on = {n: len(v["ids"] - final_ids) for n, v in nodes.items() if "ids" in v and n != primary}
    lost_by_node = {}
    for o in lost:
        n = tb.addr_to_node.get(o.get("srv") or o["to"].split(":")[0], "?")
        lost_by_node[n] = lost_by_node.get(n, 0) + 1
    timelines = {n: v.get("timeline") for n, v in nodes.items()}
    counts = {}
    for o in ops:
        key = "%s_%s" % (o["k"], o["out"])
        counts[key] = counts.get(key, 0) + 1
    violations = []
    lost_counted = [o for o in lost if not (a.mode == "async")]
    if a.mode == "sync" and lost:
        violations.append("%d acknowledged writes lost in sync mode" % len(lost))
    if counted:
        violations.append("dual primary for %d ms" % sum(d["ms"] for d in counted))
    if not converged:
        violations.append("not converged within 3 x ttl of the last fault (%s)" % why)
    if primary is None:
        violations.append("no primary at the end")
    if any(only_on.values()):
        violations.append("rows only on a diverged node at the end: %s" % only_on)
    summary = {
        "agent": a.agent, "mode": a.mode, "seed": a.seed, "duration_s": a.duration, "ttl": a.ttl,
        "acked_lost": len(lost),
        "acked_lost_proxy": sum(1 for o in lost if o["k"] == "w"),
        "acked_lost_direct": sum(1 for o in lost if o["k"] == "d"),
        "acked_lost_counted": len(lost_counted),
        "dual_primary_ms": sum(d["ms"] for d in counted),
        "dual_primary_excused_ms": sum(d["ms"] for d in excused),
        "dual_primary": counted, "dual_primary_excused": excused,
        "dual_primary_linear_ms": sum(d["ms"] for d in linear), "dual_primary_linear": linear,
        "faults": len([f for f in done if not f.get("skipped")]),
        "converged": converged, "converged_after_s": None if conv_at is None else round(conv_at, 1),
        "max_outage_s": max([p["outage_s"] for p in per_fault if not p["skipped"]], default=0.0),
        "final_primary": "node" + primary[1:] if primary else None, "replicas_caught_up": caught_up,
        "timelines": timelines, "rows_only_on": only_on, "lost_by_node": lost_by_node, "ops": counts,
        "watchdog_resets": [e for e in flog if e.get("event") == "watchdog-reset"],
        "per_fault": per_fault, "violations": violations, "pass": not violations,
    }
    return {"summary": summary, "lost": lost}


if __name__ == "__main__":
    sys.exit(main())
