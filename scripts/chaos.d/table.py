"""Side-by-side table of several chaos runs (scripts/chaos soak): one row per run, read from
each run's summary.json, plus the faults that did not converge or lost writes."""
import json
import os
import sys


def main(out_md, run_dirs):
    rows, notes = [], []
    for d in run_dirs:
        p = os.path.join(d, "summary.json")
        if not os.path.exists(p):
            rows.append("| %s | (no summary: the run did not finish) | | | | | | | |" % os.path.basename(d))
            continue
        s = json.load(open(p))
        kinds = {}
        for f in s["per_fault"]:
            if not f.get("skipped"):
                kinds[f["kind"]] = kinds.get(f["kind"], 0) + 1
        nc = [f for f in s["per_fault"] if f.get("converged_s") is None and not f.get("skipped")]
        rows.append("| %s | %s | %d | %d | %d | %d (%d) | %d / %d | %s (%s s) | %.1f | %s |" % (
            s["agent"], s["mode"], s["seed"], s["duration_s"], s["faults"], s["acked_lost"], s["acked_lost_proxy"],
            s["dual_primary_ms"], s["dual_primary_excused_ms"], s["converged"], s["converged_after_s"],
            s["max_outage_s"], "PASS" if s["pass"] else "FAIL"))
        for f in s["per_fault"]:
            if f.get("skipped"):
                continue
            bad = []
            if f.get("converged_s") is None:
                bad.append("not converged in 3 x ttl (%s)" % f.get("not_converged"))
            if f.get("acked_lost"):
                bad.append("%d acked writes lost" % f["acked_lost"])
            if f.get("dual_primary_ms"):
                bad.append("dual primary %d ms" % f["dual_primary_ms"])
            if bad:
                notes.append("- %s/%s seed %d, fault %d %s on %s: %s" % (
                    s["agent"], s["mode"], s["seed"], f["id"], f["kind"], f.get("target"), "; ".join(bad)))
        if s["violations"]:
            notes.append("- %s/%s seed %d: **%s**" % (s["agent"], s["mode"], s["seed"], "; ".join(s["violations"])))
    with open(out_md, "w") as fh:
        fh.write("| agent | mode | seed | s | faults | acked lost (via HAProxy) | dual primary ms counted / excused "
                 "| converged (after) | max outage s | result |\n|---|---|---|---|---|---|---|---|---|---|\n")
        fh.write("\n".join(rows) + "\n\nPer fault: what did not converge within 3 x ttl, lost acknowledged"
                 " writes or had two writable primaries:\n\n" + ("\n".join(notes) or "- nothing") + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
