"""Unit tests of the testbed's process helpers (run by scripts/test: python3 -m unittest)."""
import os
import unittest
from unittest import mock

import testbed


class _ExitsWhileRead:
    """/proc/<pid>/stat of a process that exits after the open: the read fails with ESRCH."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def read(self):
        raise ProcessLookupError(3, "No such process")


class AliveTest(unittest.TestCase):
    def test_a_live_process_is_alive(self):
        self.assertTrue(testbed.alive(os.getpid()))

    def test_a_process_that_exits_while_its_stat_is_read_is_gone(self):
        with mock.patch("os.kill"), mock.patch("builtins.open", return_value=_ExitsWhileRead()):
            self.assertFalse(testbed.alive(12345))


if __name__ == "__main__":
    unittest.main()
