"""Unit tests of the chaos history checker (run by scripts/test: python3 -m unittest)."""
import unittest

import checker


def d(node, t0, t1, out="ok", i=0):
    return {"k": "d", "to": node + ":5432", "t0": t0, "t1": t1, "out": out, "id": i}


def w(t1, out="ok", i=0):
    return {"k": "w", "to": "hap:5000", "t0": t1 - 0.01, "t1": t1, "out": out, "id": i}


class CheckerTest(unittest.TestCase):
    def test_an_overlap_whose_writes_all_survive_is_linear(self):
        # Sync mode: a's last commit, flushed by b before b was promoted, is acknowledged after b's
        # first write began (fault 29 of a sync soak, both agents).
        ops = [d("a", 0, 0.1, i=1), d("a", 4.9, 5.1, i=2), d("b", 5.0, 5.05, i=3), d("b", 6, 6.1, i=4)]
        duals = checker.dual_primary(checker.writable_intervals(ops, {}))
        self.assertEqual(len(duals), 1)
        divergent, linear = checker.split_linear(duals, ops, {1, 2, 3, 4}, {})
        self.assertEqual((divergent, len(linear)), ([], 1))
        # The same overlap with a's write missing from the final primary: a diverged timeline.
        divergent, linear = checker.split_linear(duals, ops, {1, 3, 4}, {})
        self.assertEqual((len(divergent), linear), (1, []))

    def test_one_writable_node_at_a_time_is_no_dual_primary(self):
        ops = [d("a", 0, 0.1), d("a", 1, 1.1), d("a", 2, 2.1, "fail"), d("b", 2.5, 2.6), d("b", 3, 3.1)]
        iv = checker.writable_intervals(ops, {})
        self.assertEqual(iv["a"], [(0, 1.1)])
        self.assertEqual(iv["b"], [(2.5, 3.1)])
        self.assertEqual(checker.dual_primary(iv), [])

    def test_overlapping_acceptance_by_two_nodes_is_measured(self):
        ops = [d("a", 0, 0.1), d("a", 5, 5.1), d("b", 3, 3.1), d("b", 8, 8.1)]
        duals = checker.dual_primary(checker.writable_intervals(ops, {}))
        self.assertEqual(len(duals), 1)
        s, e, nodes = duals[0]
        self.assertAlmostEqual(s, 3)
        self.assertAlmostEqual(e, 5.1)
        self.assertEqual(nodes, ["a", "b"])

    def test_unknown_outcome_breaks_a_run(self):
        ops = [d("a", 0, 0.1), d("a", 1, 6, "unk"), d("a", 7, 7.1), d("b", 3, 3.1)]
        self.assertEqual(checker.dual_primary(checker.writable_intervals(ops, {})), [])

    def test_lost_writes_are_acked_ones_missing_from_the_final_primary(self):
        ops = [w(1, i=1), w(2, "unk", i=2), w(3, i=3), d("a", 1, 2, i=4)]
        lost = checker.lost_writes(ops, {1, 4})
        self.assertEqual([o["id"] for o in lost], [3])

    def test_outage_is_the_longest_gap_overlapping_the_window(self):
        ops = [w(t) for t in (0, 1, 2, 9, 10, 11)]
        self.assertAlmostEqual(checker.outage(ops, 3, 5), 7)
        self.assertAlmostEqual(checker.outage(ops, 10.2, 10.5), 1)

    def test_outage_without_any_ack_after_lasts_to_the_window_end(self):
        ops = [w(t) for t in (0, 1)]
        self.assertAlmostEqual(checker.outage(ops, 2, 20), 19)

    def test_dual_primary_in_an_excused_fault_is_kept_apart(self):
        faults = [{"id": 1, "kind": "freeze-agent-nowd", "start": 10, "end": 30, "window_end": 40}]
        counted, excused = checker.attribute_dual([(12, 15, ["a", "b"]), (50, 51, ["a", "b"])],
                                                  faults, {"freeze-agent-nowd"})
        self.assertEqual([e["ms"] for e in excused], [3000])
        self.assertEqual([e["ms"] for e in counted], [1000])


if __name__ == "__main__":
    unittest.main()
