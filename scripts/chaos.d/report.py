"""report.md of a chaos run."""
import time


def ts(t):
    return time.strftime("%H:%M:%S", time.localtime(t)) + ".%01d" % int((t % 1) * 10)


def render(a, result):
    s = result["summary"]
    out = ["# Chaos run: %s agent, %s mode, seed %d, %d s" % (s["agent"], s["mode"], s["seed"], s["duration_s"]), ""]
    out.append("**%s**%s" % ("PASS" if s["pass"] else "FAIL", "" if s["pass"] else ": " + "; ".join(s["violations"])))
    out += ["", "| figure | value |", "|---|---|"]
    rows = [
        ("faults", s["faults"]),
        ("acknowledged writes lost", "%d (through HAProxy %d, straight to a node %d)"
         % (s["acked_lost"], s["acked_lost_proxy"], s["acked_lost_direct"])),
        ("lost, by the node that acknowledged them", s["lost_by_node"] or "-"),
        ("dual primary (counted)", "%d ms in %d periods" % (s["dual_primary_ms"], len(s["dual_primary"]))),
        ("overlapping acceptance on one history (not counted: every write kept)",
         "%d ms in %d periods" % (s.get("dual_primary_linear_ms", 0), len(s.get("dual_primary_linear", [])))),
        ("dual primary (frozen agent without watchdog, async: excused)",
         "%d ms in %d periods" % (s["dual_primary_excused_ms"], len(s["dual_primary_excused"]))),
        ("converged within 3 x ttl of the last fault", "%s (%s s)" % (s["converged"], s["converged_after_s"])),
        ("longest write outage", "%.1f s" % s["max_outage_s"]),
        ("final primary / timelines", "%s / %s" % (s["final_primary"], s["timelines"])),
        ("rows only on a node other than the final primary", s["rows_only_on"]),
        ("watchdog resets", len(s["watchdog_resets"])),
        ("operations", ", ".join("%s %d" % kv for kv in sorted(s["ops"].items()))),
    ]
    out += ["| %s | %s |" % r for r in rows]
    out += ["", "ttl %s s. Outage = longest gap between acknowledged writes through HAProxy overlapping the"
            " fault's window (start to convergence or the next fault). Dual primary = time in which two nodes"
            " each accepted writes from the direct writers (a run of acknowledged writes to one node spans"
            " from the first one's invoke to the last one's completion)." % s["ttl"], ""]
    out += ["## Faults", "", "| # | kind | target | start | held s | outage s | converged s | lost | dual ms | notes |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for p in s["per_fault"]:
        notes = []
        if p["skipped"]:
            notes.append("skipped: " + p["skipped"])
        if p["error"]:
            notes.append("error: " + p["error"])
        if p["not_converged"]:
            notes.append("not converged: " + p["not_converged"])
        notes += ["%s=%s" % kv for kv in p["details"].items()]
        out.append("| %d | %s | %s | %s | %.1f | %.1f | %s | %d | %d | %s |" % (
            p["id"], p["kind"], p["target"] or "-", ts(p["start"]), p["end"] - p["start"], p["outage_s"],
            "-" if p["converged_s"] is None else p["converged_s"], p["acked_lost"], p["dual_primary_ms"],
            "; ".join(notes)))
    if s["dual_primary"] or s["dual_primary_excused"]:
        out += ["", "## Dual-primary periods", "", "| start | ms | nodes | fault | counted |", "|---|---|---|---|---|"]
        for d in s["dual_primary"]:
            out.append("| %s | %d | %s | %s %s | yes |" % (ts(d["start"]), d["ms"], ",".join(d["nodes"]), d["fault"], d["kind"]))
        for d in s["dual_primary_excused"]:
            out.append("| %s | %d | %s | %s %s | no (excused) |" % (ts(d["start"]), d["ms"], ",".join(d["nodes"]), d["fault"], d["kind"]))
    if result["lost"]:
        out += ["", "## Lost acknowledged writes (first 20)", "", "| id | via | acked by | invoke | complete |", "|---|---|---|---|---|"]
        for o in result["lost"][:20]:
            out.append("| %d | %s | %s | %s | %s |" % (o["id"], o["c"], o.get("srv"), ts(o["t0"]), ts(o["t1"])))
    return "\n".join(out) + "\n"
