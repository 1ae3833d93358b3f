"""The running testbed as the fault driver sees it: hosts, addresses, processes, REST and
Consul queries, iptables rules inside the hosts' namespaces (scripts/chaos)."""
import json
import os
import signal
import subprocess
import time
import urllib.request


class Testbed:
    def __init__(self, a):
        self.a = a
        self.prefix, self.state = a.prefix, a.state
        self.n = a.nodes
        self.consul = {"c%d" % i: "%s.%d" % (a.subnet, i) for i in (1, 2, 3)}
        self.node = {"n%d" % i: "%s.%d" % (a.subnet, 10 + i) for i in range(1, self.n + 1)}
        self.hap = "%s.20" % a.subnet
        self.cli = "%s.30" % a.subnet
        self.addr = dict(self.consul, **self.node, hap=self.hap, cli=self.cli)
        self.addr_to_node = {v: k for k, v in self.node.items()}
        self.consul_of = {"n%d" % i: "c%d" % ((i - 1) % 3 + 1) for i in range(1, self.n + 1)}
        self.scope = "chaos"
        self.failsafe = False

    # ------------------------------------------------------------ commands
    def sh(self, cmd, timeout=20, check=True):
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise RuntimeError("%s: rc %d: %s" % (" ".join(cmd), r.returncode, r.stderr.strip()[:300]))
        return r

    def in_ns(self, host, cmd, **kw):
        return self.sh(["ip", "netns", "exec", "%s-%s" % (self.prefix, host)] + cmd, **kw)

    def ctl(self, *args):
        self.sh([self.ctl_path(), "_ctl"] + list(args), timeout=60)

    def ctl_path(self):
        return self.a.ctl

    def ipt(self, host, *rule, table=None):
        cmd = ["iptables", "-w", "5"] + (["-t", table] if table else []) + list(rule)
        self.in_ns(host, cmd)

    def drop_from(self, host, peers, prob=None):
        for p in peers:
            extra = ["-m", "statistic", "--mode", "random", "--probability", str(prob)] if prob else []
            self.ipt(host, "-A", "INPUT", "-s", self.addr[p], *extra, "-j", "DROP")

    def cut(self, a_hosts, b_hosts):
        """Silent partition between two groups: each side drops what comes from the other
        (INPUT only: a DROP in OUTPUT would fail the sender's send at once, not silently)."""
        for a in a_hosts:
            self.drop_from(a, b_hosts)
        for b in b_hosts:
            self.drop_from(b, a_hosts)

    def heal_net(self):
        for h in self.addr:
            self.ipt(h, "-F", "INPUT")
            self.ipt(h, "-F", "OUTPUT")
            self.ipt(h, "-F", "OUTPUT", table="nat")

    def heal_all(self):
        """After a fault that failed half-way: network healed, nothing frozen, every Consul
        server and every host running again, no disk filler."""
        self.heal_net()
        for h in self.addr:
            self.signal(self.ns_pids(h), signal.SIGCONT)
        for c in self.consul:
            pid = self.pidfile("consul" + c[1:])
            if pid is None or not alive(pid):
                self.ctl("start-consul", c[1:])
        for n in self.node:
            filler = os.path.join(self.state, "node" + n[1:], "disk", "filler")
            if os.path.exists(filler):
                os.unlink(filler)
            pid = self.agent_pid(n)
            if pid is None or not alive(pid):
                self.kill_host(n)
                self.ctl("start-node", n[1:])

    # ------------------------------------------------------------ processes
    def pidfile(self, name):
        try:
            with open(os.path.join(self.state, "pids", name + ".pid")) as f:
                return int(f.read().strip())
        except (FileNotFoundError, ValueError):
            return None

    def postmaster(self, node):
        try:
            with open(os.path.join(self.state, "node" + node[1:], "disk", "data", "postmaster.pid")) as f:
                return int(f.readline().strip())
        except (FileNotFoundError, ValueError):
            return None

    def pg_pids(self, node):
        pm = self.postmaster(node)
        if pm is None or not alive(pm):
            return []
        kids = self.sh(["pgrep", "-P", str(pm)], check=False).stdout.split()
        return [pm] + [int(k) for k in kids]

    def ns_pids(self, host):
        out = self.sh(["ip", "netns", "pids", "%s-%s" % (self.prefix, host)], check=False).stdout
        return [int(p) for p in out.split()]

    def signal(self, pids, sig):
        """Signals only processes of this run's namespaces: a stale pidfile's pid may belong to
        any process of the machine by now (pid_max 32768 wraps fast here)."""
        ours = self.our_netns()
        for p in pids:
            if p is None or _netns_of(p) not in ours:
                continue
            try:
                os.kill(p, sig)
            except ProcessLookupError:
                pass

    def our_netns(self):
        out = set()
        for name in os.listdir("/run/netns"):
            if name.startswith(self.prefix + "-"):
                try:
                    out.add(os.stat(os.path.join("/run/netns", name)).st_ino)
                except FileNotFoundError:
                    pass
        return out

    def wait_gone(self, pids, secs=10):
        deadline = time.monotonic() + secs
        while time.monotonic() < deadline and any(alive(p) for p in pids):
            time.sleep(0.1)

    def kill_host(self, node):
        pids = self.ns_pids(node)
        self.signal(pids, signal.SIGCONT)
        self.signal(pids, signal.SIGKILL)
        self.wait_gone(pids)

    def agent_pid(self, node):
        return self.pidfile("node" + node[1:])

    # ------------------------------------------------------------ queries
    def http(self, url, method="GET", body=None, timeout=2.0):
        req = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode())
        if body is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace")
        except (OSError, ValueError):
            return None, None

    def patroni(self, node):
        st, body = self.http("http://%s:8008/patroni" % self.node[node])
        if st is None:
            return None
        try:
            return json.loads(body)
        except ValueError:
            return None

    def leader_key(self):
        for c in self.consul.values():
            st, body = self.http("http://%s:8500/v1/kv/service/%s/leader?raw" % (c, self.scope), timeout=1.5)
            if st == 200:
                name = body.strip()
                return "n" + name[4:] if name.startswith("node") else name
            if st == 404:
                return None
        return None

    def raft_leader(self):
        for c in self.consul.values():
            st, body = self.http("http://%s:8500/v1/status/leader" % c, timeout=1.5)
            if st == 200 and ":" in body:
                addr = body.strip().strip('"').split(":")[0]
                for k, v in self.consul.items():
                    if v == addr:
                        return k
        return None

    def view(self):
        return {n: self.patroni(n) for n in self.node}

    def primary(self):
        v = self.view()
        prim = [n for n, s in v.items() if s and s.get("role") in ("master", "primary") and s.get("state") == "running"]
        if len(prim) == 1:
            return prim[0]
        key = self.leader_key()
        return key if key in self.node else (prim[0] if prim else None)

    def converged(self):
        """One running primary holding the leader key, every other node a running replica on
        the primary's timeline that the primary lists as streaming."""
        v = self.view()
        prim = [n for n, s in v.items() if s and s.get("role") in ("master", "primary") and s.get("state") == "running"]
        if len(prim) != 1:
            return False, "primaries=%s" % prim
        p = prim[0]
        if self.leader_key() != p:
            return False, "leader key is not %s" % p
        tl = v[p].get("timeline")
        streaming = {r.get("application_name") for r in v[p].get("replication") or [] if r.get("state") == "streaming"}
        for n, s in v.items():
            if n == p:
                continue
            if not s or s.get("role") != "replica" or s.get("state") != "running":
                return False, "%s is %s" % (n, (s or {}).get("role", "unreachable"))
            if s.get("timeline") is not None and tl is not None and s.get("timeline") != tl:
                return False, "%s on timeline %s, primary on %s" % (n, s.get("timeline"), tl)
            if ("node" + n[1:]) not in streaming:
                return False, "%s not streaming" % n
        # The REST view can lag behind PostgreSQL (a killed postmaster): ask the primary itself.
        n_streaming = self.sql(self.node[p], "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' "
                                              "AND NOT pg_is_in_recovery()")
        if n_streaming is None or n_streaming < self.n - 1:
            return False, "PostgreSQL of %s streams to %s replicas" % (p, n_streaming)
        # And the clients' path: HAProxy's write port reaches a writable PostgreSQL.
        if self.sql(self.hap, "SELECT NOT pg_is_in_recovery()", port=5000) is not True:
            return False, "HAProxy's write port does not reach a writable primary"
        return True, p

    def sql(self, addr, query, port=5432):
        import workload
        try:
            c = workload.connect(addr, port, self.a.password, timeout=2)
            try:
                return workload.execute(c, query, None, 3)[0][0]
            finally:
                c.close()
        except Exception:
            return None


def _netns_of(pid):
    try:
        return os.stat("/proc/%d/ns/net" % pid).st_ino
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A process that exits between the open and the read makes read() fail with ESRCH
    # (ProcessLookupError): a soak's quorum-loss fault was aborted so, half applied.
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(") ")[-1][:1] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False
