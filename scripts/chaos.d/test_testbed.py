"""Unit tests of the testbed's process helpers (run by scripts/test: python3 -m unittest)."""
import os
import unittest
from unittest import mock

import faults
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


class ProxiedPortsTest(unittest.TestCase):
    # Seen in a soak: the walreceiver's connection, redirected to the proxy on 15432, left
    # ESTABLISHED after the proxy was gone; and one that ended normally.
    TABLE = (
        "ipv4     2 tcp      6 431620 ESTABLISHED src=10.213.0.13 dst=10.213.0.12 sport=34448 dport=5432 "
        "src=127.0.0.1 dst=10.213.0.13 sport=15432 dport=34448 [ASSURED] mark=0 zone=0 use=2\n"
        "ipv4     2 tcp      6 110 TIME_WAIT src=10.213.0.13 dst=10.213.0.12 sport=34450 dport=5432 "
        "src=127.0.0.1 dst=10.213.0.13 sport=15432 dport=34450 [ASSURED] mark=0 zone=0 use=2\n"
        "ipv4     2 tcp      6 431999 ESTABLISHED src=10.213.0.13 dst=10.213.0.12 sport=34452 dport=5432 "
        "src=10.213.0.12 dst=10.213.0.13 sport=5432 dport=34452 [ASSURED] mark=0 zone=0 use=2\n")

    def test_only_open_connections_through_the_proxy_are_named(self):
        self.assertEqual(faults.proxied_client_ports(self.TABLE, 15432), [34448])
        self.assertEqual(faults.proxied_client_ports(self.TABLE, 18500), [])


if __name__ == "__main__":
    unittest.main()
