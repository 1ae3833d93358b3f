"""The fault kinds of a chaos run. Each is a function fault(tb, rng, f) that applies the fault,
holds it, heals it and records what it did in f (a dict logged to faults.jsonl); f["start"]
and f["end"] are the moments the fault began and was healed."""
import os
import signal
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def now():
    return time.time()


def hold(secs):
    time.sleep(secs)


def others(tb, node):
    return [n for n in tb.node if n != node]


def need_primary(tb):
    p = tb.primary()
    if p is None:
        raise SkipFault("no primary to aim at")
    return p


class SkipFault(Exception):
    pass


# ------------------------------------------------------------------ network
def partition_primary(tb, rng, f):
    """The classic split-brain setup: the primary loses Consul and the replicas, keeps its
    clients (HAProxy and the client host still reach it)."""
    p = need_primary(tb)
    f["target"] = p
    f["start"] = now()
    tb.cut([p], list(tb.consul) + others(tb, p))
    hold(f["hold"])
    tb.heal_net()
    f["end"] = now()


def partition_replica(tb, rng, f):
    p = need_primary(tb)
    r = rng.choice(others(tb, p))
    f["target"] = r
    f["start"] = now()
    tb.cut([r], [h for h in tb.addr if h not in (r, "cli")])
    hold(f["hold"])
    tb.heal_net()
    f["end"] = now()


def asym_replicas_consul(tb, rng, f):
    """Asymmetric: the primary still sees Consul, the replicas do not (but see the primary)."""
    p = need_primary(tb)
    f["target"] = ",".join(others(tb, p))
    f["start"] = now()
    tb.cut(others(tb, p), list(tb.consul))
    hold(f["hold"])
    tb.heal_net()
    f["end"] = now()


def flap_primary(tb, rng, f):
    """The primary's links to Consul and the replicas go down and up every 1-3 s."""
    p = need_primary(tb)
    f["target"] = p
    f["start"] = now()
    end = time.monotonic() + f["hold"]
    flips = 0
    while time.monotonic() < end:
        tb.cut([p], list(tb.consul) + others(tb, p))
        hold(rng.uniform(1, 3))
        tb.heal_net()
        flips += 1
        hold(rng.uniform(1, 3))
    f["flips"] = flips
    f["end"] = now()


def loss_primary(tb, rng, f):
    p = need_primary(tb)
    prob = rng.choice([0.2, 0.3, 0.5])
    f.update(target=p, loss=prob, start=now())
    tb.ipt(p, "-A", "INPUT", "-m", "statistic", "--mode", "random", "--probability", str(prob), "-j", "DROP")
    for h in tb.addr:
        if h != p:
            tb.drop_from(h, [p], prob=prob)
    hold(f["hold"])
    tb.heal_net()
    f["end"] = now()


def _delay_proxy(tb, host, port_local, to_addr, to_port, delay_ms):
    """Starts the testbed's delaying TCP proxy in `host` and sends the host's new connections
    (from the postgres user: agent, PostgreSQL) to to_addr:to_port through it; the
    established ones are reset so they reconnect through the proxy too."""
    proc = subprocess.Popen(["ip", "netns", "exec", "%s-%s" % (tb.prefix, host), "/usr/bin/python3",
                             os.path.join(HERE, "delayproxy.py"), "--listen", "127.0.0.1:%d" % port_local,
                             "--to", "%s:%d" % (to_addr, to_port), "--delay-ms", str(delay_ms)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(0.5)
    tb.ipt(host, "-A", "OUTPUT", "-p", "tcp", "-d", to_addr, "--dport", str(to_port), "-m", "owner",
           "--uid-owner", "postgres", "-j", "REDIRECT", "--to-ports", str(port_local), table="nat")
    tb.ipt(host, "-A", "OUTPUT", "-p", "tcp", "-d", to_addr, "--dport", str(to_port), "-m", "owner",
           "--uid-owner", "postgres", "-j", "REJECT", "--reject-with", "tcp-reset")
    return proc


def _stop_proxy(tb, host, port_local, proc):
    tb.heal_net()
    proc.kill()
    proc.wait(timeout=10)
    # A connection the proxy held can outlive it half-open on the client's side: a soak's
    # walreceiver, redirected to the proxy as the fault healed, sat ESTABLISHED for good (its
    # conntrack entry still pointing at the dead proxy, no FIN ever seen) and its replica never
    # streamed again. A slow link that turns fast drops no connection, but the testbed's proxy is
    # gone, so such connections are reset, as if the proxy had reset them itself.
    r = tb.in_ns(host, ["cat", "/proc/net/nf_conntrack"], check=False)
    stale = proxied_client_ports(r.stdout, port_local) if r.returncode == 0 else []
    for port in stale:
        tb.in_ns(host, ["ss", "-K", "-t", "sport", "=", ":%d" % port], check=False)
    return stale


def proxied_client_ports(conntrack, port_local):
    """Client ports of the TCP connections conntrack still sees going to the local proxy on
    port_local (their reply comes from 127.0.0.1:port_local), not yet closed."""
    ports = []
    for line in conntrack.splitlines():
        f = line.split()
        if "tcp" not in f or "ESTABLISHED" not in f:
            continue
        kv = [x.split("=", 1) for x in f if "=" in x]
        srcs = [v for k, v in kv if k == "src"]
        sports = [v for k, v in kv if k == "sport"]
        if len(srcs) >= 2 and len(sports) >= 2 and srcs[1] == "127.0.0.1" and sports[1] == str(port_local):
            ports.append(int(sports[0]))
    return ports


def slow_consul(tb, rng, f):
    p = need_primary(tb)
    c = tb.consul_of[p]
    ms = rng.choice([300, 800, 1500])
    f.update(target=p, delay_ms=ms, consul=c, start=now())
    proc = _delay_proxy(tb, p, 18500, tb.consul[c], 8500, ms)
    hold(f["hold"])
    f["reset_after"] = len(_stop_proxy(tb, p, 18500, proc))
    f["end"] = now()


def slow_replication(tb, rng, f):
    p = need_primary(tb)
    r = rng.choice(others(tb, p))
    ms = rng.choice([100, 300, 700])
    f.update(target=r, delay_ms=ms, start=now())
    proc = _delay_proxy(tb, r, 15432, tb.node[p], 5432, ms)
    hold(f["hold"])
    f["reset_after"] = len(_stop_proxy(tb, r, 15432, proc))
    f["end"] = now()


# ---------------------------------------------------------------- processes
def _freeze_agent(tb, f, watchdog):
    p = need_primary(tb)
    pid = tb.agent_pid(p)
    state = os.path.join(tb.state, "node" + p[1:], "watchdog.state")
    with open(state, "w") as fh:
        fh.write("armed" if watchdog else "passive")
    f.update(target=p, watchdog=watchdog, start=now())
    tb.signal([pid], signal.SIGSTOP)
    hold(f["hold"])
    tb.signal([pid], signal.SIGCONT)
    f["end"] = now()
    with open(state, "w") as fh:
        fh.write("armed")


def freeze_agent_wd(tb, rng, f):
    """SIGSTOP of the primary's agent longer than ttl, with the watchdog armed: it must reset
    the host before the leader key expires, so no second primary can appear."""
    _freeze_agent(tb, f, True)


def freeze_agent_nowd(tb, rng, f):
    """The same freeze on a host without a watchdog: PostgreSQL keeps accepting writes after
    another node took over (expected in async mode; the report shows it apart)."""
    _freeze_agent(tb, f, False)


def freeze_pg(tb, rng, f):
    p = need_primary(tb)
    pids = tb.pg_pids(p)
    f.update(target=p, start=now())
    tb.signal(pids, signal.SIGSTOP)
    hold(f["hold"])
    tb.signal(pids, signal.SIGCONT)
    f["end"] = now()


def kill_agent(tb, rng, f):
    p = need_primary(tb)
    pid = tb.agent_pid(p)
    f.update(target=p, start=now())
    tb.signal([pid], signal.SIGKILL)
    tb.wait_gone([pid])
    hold(f["hold"])
    tb.ctl("start-agent", p[1:])
    f["end"] = now()


def kill_pg(tb, rng, f):
    p = need_primary(tb)
    pids = tb.pg_pids(p)
    f.update(target=p, start=now())
    tb.signal(pids, signal.SIGKILL)
    tb.wait_gone(pids)
    f["end"] = now()


def kill_both(tb, rng, f):
    p = need_primary(tb)
    pids = [tb.agent_pid(p)] + tb.pg_pids(p)
    f.update(target=p, start=now())
    tb.signal(pids, signal.SIGKILL)
    tb.wait_gone(pids)
    hold(f["hold"])
    tb.ctl("start-agent", p[1:])
    f["end"] = now()


def host_restart(tb, rng, f):
    p = need_primary(tb)
    f.update(target=p, start=now())
    tb.kill_host(p)
    hold(f["hold"])
    tb.ctl("start-node", p[1:])
    f["end"] = now()


# ------------------------------------------------------------------- consul
def _kill_consul(tb, c):
    pid = tb.pidfile("consul" + c[1:])
    tb.signal([pid], signal.SIGKILL)
    tb.wait_gone([pid])


def consul_leader_kill(tb, rng, f):
    c = tb.raft_leader()
    if c is None:
        raise SkipFault("no Raft leader")
    f.update(target=c, start=now())
    _kill_consul(tb, c)
    hold(f["hold"])
    tb.ctl("start-consul", c[1:])
    f["end"] = now()


def _set_failsafe(tb, on):
    p = tb.primary()
    if p is None:
        return False
    st, _ = tb.http("http://%s:8008/config" % tb.node[p], method="PATCH", body={"failsafe_mode": on}, timeout=5)
    if st == 200:
        # It stays so for the faults that follow (each records the setting it ran under).
        tb.failsafe = on
    return st == 200


def _quorum_loss(tb, rng, f, failsafe):
    if not _set_failsafe(tb, failsafe):
        raise SkipFault("could not set failsafe_mode=%s" % failsafe)
    # Every agent reads the new configuration at its next cycle.
    hold(2 * tb.a.loop_wait + 1)
    victims = rng.sample(sorted(tb.consul), 2)
    f.update(target=",".join(victims), failsafe=failsafe, start=now())
    for c in victims:
        _kill_consul(tb, c)
    hold(f["hold"])
    for c in victims:
        tb.ctl("start-consul", c[1:])
    f["end"] = now()


def quorum_loss_fs(tb, rng, f):
    _quorum_loss(tb, rng, f, True)


def quorum_loss_nofs(tb, rng, f):
    _quorum_loss(tb, rng, f, False)


def consul_local_restart(tb, rng, f):
    p = need_primary(tb)
    c = tb.consul_of[p]
    pid = tb.pidfile("consul" + c[1:])
    f.update(target=c, node=p, start=now())
    tb.signal([pid], signal.SIGTERM)
    tb.wait_gone([pid], 20)
    hold(f["hold"])
    tb.ctl("start-consul", c[1:])
    f["end"] = now()


# --------------------------------------------------------------------- disk
def disk_full(tb, rng, f):
    p = need_primary(tb)
    filler = os.path.join(tb.state, "node" + p[1:], "disk", "filler")
    f.update(target=p, start=now())
    subprocess.run(["dd", "if=/dev/zero", "of=" + filler, "bs=1M"], capture_output=True, timeout=120)
    hold(f["hold"])
    os.unlink(filler)
    f["end"] = now()


# name -> (function, hold in ttls, weight)
KINDS = {
    "partition-primary": (partition_primary, 2.0, 3),
    "partition-replica": (partition_replica, 2.0, 2),
    "asym-replicas-consul": (asym_replicas_consul, 2.0, 2),
    "flap-primary": (flap_primary, 2.5, 2),
    "loss-primary": (loss_primary, 2.0, 2),
    "slow-consul": (slow_consul, 2.0, 2),
    "slow-replication": (slow_replication, 2.0, 1),
    "freeze-agent-wd": (freeze_agent_wd, 2.0, 2),
    "freeze-agent-nowd": (freeze_agent_nowd, 2.0, 2),
    "freeze-pg": (freeze_pg, 1.5, 2),
    "kill-agent": (kill_agent, 0.3, 2),
    "kill-pg": (kill_pg, 0.0, 2),
    "kill-both": (kill_both, 0.3, 2),
    "host-restart": (host_restart, 0.5, 2),
    "consul-leader-kill": (consul_leader_kill, 1.0, 2),
    "quorum-loss-fs": (quorum_loss_fs, 2.0, 1),
    "quorum-loss-nofs": (quorum_loss_nofs, 2.0, 1),
    "consul-local-restart": (consul_local_restart, 0.3, 1),
    "disk-full": (disk_full, 1.5, 1),
}
