"""The testbed's watchdog hardware for one host (scripts/chaos).

Patroni's `testing` watchdog driver writes to a named pipe instead of /dev/watchdog:
"1" is a keepalive, "V" the magic close that disarms, "Ctimeout=N\n" sets the timeout.
This process reads that pipe and, like a real watchdog, resets the host when it was armed
and no keepalive came for the timeout: every other process of the host's network
namespace gets SIGKILL (agent, PostgreSQL, PgBouncer), as a reboot would do.

The pipe is held open read-write, so the agent's open() never blocks and an agent that
dies without the magic close leaves the watchdog armed, as on real hardware.

The state file (one word) lets the fault driver play a host without a watchdog:
"armed" (default) resets the host, "passive" only logs that it would have.
"""
import argparse
import json
import os
import select
import signal
import subprocess
import sys
import time


def log(msg, **kw):
    print(json.dumps({"t": round(time.time(), 3), "msg": msg, **kw}), flush=True)


def mode(state_file):
    try:
        with open(state_file) as f:
            return f.read().strip() or "armed"
    except FileNotFoundError:
        return "armed"


def reset_host(netns):
    me = os.getpid()
    out = subprocess.run(["ip", "netns", "pids", netns], capture_output=True, text=True, timeout=10)
    pids = [int(p) for p in out.stdout.split() if p.strip() and int(p) != me]
    for pid in pids:
        try:
            os.kill(pid, signal.SIGCONT)
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return pids


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fifo", required=True)
    ap.add_argument("--netns", required=True)
    ap.add_argument("--state", required=True)
    ap.add_argument("--pidfile", required=True)
    a = ap.parse_args()
    fd = os.open(a.fifo, os.O_RDWR | os.O_NONBLOCK)
    with open(a.pidfile, "w") as f:
        f.write(str(os.getpid()))
    timeout = 60.0
    armed = False
    last = time.monotonic()
    buf = b""
    log("started", fifo=a.fifo)
    while True:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            data = os.read(fd, 4096)
            buf += data
            while buf:
                if buf.startswith(b"C"):
                    nl = buf.find(b"\n")
                    if nl < 0:
                        break
                    cmd = buf[1:nl].decode(errors="replace")
                    buf = buf[nl + 1:]
                    if cmd.startswith("timeout="):
                        timeout = float(cmd.split("=", 1)[1])
                        log("timeout set", timeout=timeout)
                    continue
                ch, buf = buf[:1], buf[1:]
                if ch == b"V":
                    if armed:
                        log("disarmed (magic close)")
                    armed = False
                elif ch:
                    if not armed:
                        log("armed", timeout=timeout)
                    armed = True
                    last = time.monotonic()
        if armed and time.monotonic() - last > timeout:
            m = mode(a.state)
            if m == "passive":
                log("would reset the host (passive: no watchdog)", silent_s=round(time.monotonic() - last, 1))
            else:
                pids = reset_host(a.netns)
                log("reset the host", killed=pids, silent_s=round(time.monotonic() - last, 1))
                with open(a.state + ".fired", "a") as f:
                    f.write("%.3f\n" % time.time())
            armed = False


if __name__ == "__main__":
    sys.exit(main())
