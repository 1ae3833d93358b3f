"""Workload of a chaos run: clients that record every operation.

Each operation is recorded as a dict: c (client), k (kind: w = write through HAProxy,
d = write straight to one node, r = read through HAProxy), id (row id for writes),
to (target), t0/t1 (invoke/complete, epoch seconds), out (ok | fail | unk), srv (the
address of the server that answered, for ok operations), err (first line of an error).

A write's outcome is "fail" only when it cannot have committed: the connection was never
made, or the server refused the statement (read-only, an SQL error). A timeout or a
connection lost after the statement was sent is "unk". Every wait has a deadline: the
connections are psycopg2 asynchronous ones driven by select(), so a commit waiting for a
synchronous standby is abandoned (connection closed, never cancelled: a cancelled wait
for synchronous replication reports success for a commit the standby may not have).
"""
import select
import threading
import time

import psycopg2
import psycopg2.extensions


class Timeout(Exception):
    pass


def _wait(conn, deadline):
    while True:
        state = conn.poll()
        if state == psycopg2.extensions.POLL_OK:
            return
        left = deadline - time.monotonic()
        if left <= 0:
            raise Timeout()
        if state == psycopg2.extensions.POLL_READ:
            select.select([conn.fileno()], [], [], min(left, 0.5))
        elif state == psycopg2.extensions.POLL_WRITE:
            select.select([], [conn.fileno()], [], min(left, 0.5))


def connect(host, port, password, timeout=2.0):
    conn = psycopg2.connect(host=host, port=port, user="postgres", password=password,
                            dbname="postgres", connect_timeout=max(1, int(timeout)),
                            application_name="chaos", async_=1)
    try:
        _wait(conn, time.monotonic() + timeout)
    except BaseException:
        conn.close()
        raise
    return conn


def execute(conn, sql, args, timeout):
    cur = conn.cursor()
    cur.execute(sql, args)
    _wait(conn, time.monotonic() + timeout)
    return cur.fetchall() if cur.description else None


def first_line(e):
    s = str(e).strip().splitlines()
    return (s[0] if s else type(e).__name__)[:160]


class Client(threading.Thread):
    """One client: an operation every `period` seconds on a kept connection."""

    def __init__(self, name, kind, host, port, password, period, ops, stop, id_base=0, op_timeout=5.0):
        super().__init__(name=name, daemon=True)
        self.c, self.kind, self.host, self.port = name, kind, host, port
        self.password, self.period, self.ops, self.stop_ev = password, period, ops, stop
        self.seq, self.id_base, self.op_timeout = 0, id_base, op_timeout
        self.conn = None

    def _drop(self):
        if self.conn is not None:
            try:
                self.conn.close()
            except psycopg2.Error:
                pass
            self.conn = None

    def one(self):
        op = {"c": self.c, "k": self.kind, "to": "%s:%d" % (self.host, self.port)}
        if self.kind in ("w", "d"):
            self.seq += 1
            op["id"] = self.id_base + self.seq
            sql = "INSERT INTO chaos_w(id, via) VALUES (%s, %s) RETURNING host(inet_server_addr())"
            args = (op["id"], self.c)
        else:
            sql = "SELECT host(inet_server_addr()), pg_is_in_recovery(), (SELECT max(id) FROM chaos_w)"
            args = None
        op["t0"] = time.time()
        sent = False
        try:
            if self.conn is None:
                self.conn = connect(self.host, self.port, self.password)
            sent = True
            rows = execute(self.conn, sql, args, self.op_timeout)
            op["out"], op["srv"] = "ok", rows[0][0]
        except Timeout:
            op["out"], op["err"] = ("unk" if sent else "fail"), "timeout"
            self._drop()
        except psycopg2.Error as e:
            # An error the server sent (it has a SQLSTATE) means the statement did not commit;
            # a lost connection after sending leaves the outcome unknown.
            definite = getattr(e, "pgcode", None) is not None or not sent
            op["out"], op["err"] = ("fail" if definite else "unk"), first_line(e)
            # Reconnect after any error: a read-only error means this connection reached a
            # replica, and HAProxy or the node may have changed since.
            self._drop()
        op["t1"] = time.time()
        self.ops.append(op)

    def run(self):
        nxt = time.monotonic()
        while not self.stop_ev.is_set():
            self.one()
            nxt += self.period
            delay = nxt - time.monotonic()
            if delay < 0:
                nxt = time.monotonic()
            elif self.stop_ev.wait(delay):
                break
        self._drop()


def setup_table(host, port, password, deadline_s=60):
    deadline = time.monotonic() + deadline_s
    last = None
    while time.monotonic() < deadline:
        try:
            conn = connect(host, port, password)
            try:
                execute(conn, "CREATE TABLE IF NOT EXISTS chaos_w(id bigint PRIMARY KEY, via text, "
                              "at timestamptz DEFAULT clock_timestamp())", None, 10)
                return
            finally:
                conn.close()
        except (psycopg2.Error, Timeout) as e:
            last = e
            time.sleep(1)
    raise RuntimeError("could not create the workload table through %s:%d: %s" % (host, port, last))
